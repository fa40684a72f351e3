/**
 * Fits the learned scorer P(correct | features) for one action and tier from bench records:
 *
 * 1. Cross-fitting: seeded stratified k folds. For each fold f, standardisation, imputation and an
 *    L2 logistic regression are learned on the other folds and give the rows of f their linear
 *    predictor η. The calibration map applied to those η is fitted on η the other folds got the same
 *    way one level down (nested: from regressions that never saw fold f either), for Platt and for
 *    isotonic. So a row's out-of-fold P(correct) owes nothing to its own label, except through the
 *    stratified fold assignment.
 * 2. `auto` keeps the calibration with the lower Brier score on those out-of-fold P(correct) (Platt on
 *    a tie); choosing between two looks at every label once, a negligible leak next to the threshold's.
 * 3. The model that ships: design and regression refitted on every row, calibration fitted on every
 *    row's out-of-fold η (the cross_val_predict scheme of scikit-learn's CalibratedClassifierCV(ensemble=False)).
 *
 * `oof` holds the out-of-fold P(correct): the scores a threshold may be chosen on. They come from k
 * slightly different models, not the one that ships, which is why the threshold's guarantee is checked
 * again on held-out items (bench/stats/risk-guarantee.ts).
 */
import { compileCalibration } from "../../router/confidence/scorer.js";
import { SCORER_MODEL_VERSION, ScorerModelSchema, type FeatureValues, type ScorerCalibration, type ScorerModel } from "../../router/confidence/scorer-model.js";
import { auroc, brierScore, expectedCalibrationError, type ScoredOutcome } from "../stats/calibration-metrics.js";
import { fitIsotonic, fitPlatt } from "../stats/calibrators.js";
import { stratifiedFolds } from "../stats/folds.js";
import { fitLogistic } from "../stats/logistic-regression.js";
import type { Refusal } from "../stats/thresholds.js";
import { designRow, learnDesign, linearPredictor, type FeatureDesign } from "./scorer-design.js";

export interface ScorerTrainingRow {
  features: FeatureValues;
  correct: boolean;
}

export type CalibrationChoice = "auto" | "platt" | "isotonic";

export interface FitScorerOptions {
  /** The features the model reads; a name absent from a row is a missing value. */
  featureNames: readonly string[];
  seed: number;
  /** k for cross-fitting, ≥ 3. Default 5. */
  folds?: number;
  /** L2 penalty on the standardised coefficients. Default 1 (scikit-learn's C = 1). */
  l2?: number;
  /** Default `auto`: the lower cross-validated Brier score. */
  calibration?: CalibrationChoice;
  /** Names the group in refusals, e.g. "action gsm / tier LOCAL_FAST". */
  label?: string;
  /**
   * The fold of each row (0 … folds−1), e.g. to keep items of one template together. Default: seeded
   * stratified folds (bench/stats/folds.ts).
   */
  foldAssignment?: readonly number[];
}

export interface ScorerFitResult {
  refused: false;
  model: ScorerModel;
  /** Out-of-fold calibrated P(correct) and the label, per row, in input order. */
  oof: ScoredOutcome[];
  /** The fold of each row. */
  folds: number[];
}

export const DEFAULT_FOLDS = 5;
export const DEFAULT_L2 = 1;

export function fitScorer(rows: readonly ScorerTrainingRow[], opts: FitScorerOptions): ScorerFitResult | Refusal {
  const k = opts.folds ?? DEFAULT_FOLDS;
  const l2 = opts.l2 ?? DEFAULT_L2;
  const choice = opts.calibration ?? "auto";
  checkOptions(opts, k, l2);
  const labels = rows.map((r) => r.correct);
  const positives = labels.filter(Boolean).length;
  const negatives = rows.length - positives;
  if (positives < k || negatives < k) {
    const forWhat = opts.label ? ` for ${opts.label}` : "";
    return {
      refused: true,
      n: rows.length,
      reason:
        `need at least ${k} right and ${k} wrong answers${forWhat} to fit a scorer with ${k}-fold cross-fitting, ` +
        `have ${positives} right and ${negatives} wrong. Bench more items, or lower the number of folds.`,
    };
  }

  const folds = opts.foldAssignment ? checkAssignment(opts.foldAssignment, rows.length, k) : stratifiedFolds({ labels, k, seed: opts.seed });
  const all = rows.map((_, i) => i);
  const eta = outOfFoldEta({ rows, index: all, folds, names: opts.featureNames, l2 });
  const methods: Method[] = choice === "auto" ? ["platt", "isotonic"] : [choice];
  const predictions: Partial<Record<Method, number[]>> = {};
  for (const m of methods) predictions[m] = new Array<number>(rows.length);
  for (let f = 0; f < k; f++) {
    const train = all.filter((i) => folds[i] !== f);
    const innerEta = outOfFoldEta({ rows, index: train, folds, names: opts.featureNames, l2 });
    for (const m of methods) {
      const apply = compileCalibration(fitCalibration({ method: m, eta: innerEta, labels: train.map((i) => labels[i]!) }));
      for (const i of all) if (folds[i] === f) predictions[m]![i] = apply(eta[i]!);
    }
  }
  const cv = { platt: predictions.platt && brier(predictions.platt, labels), isotonic: predictions.isotonic && brier(predictions.isotonic, labels) };
  const method: Method = choice === "auto" ? (cv.isotonic! < cv.platt! ? "isotonic" : "platt") : choice;
  const uncalibrated = brier(eta.map(compileCalibration({ method: "none" })), labels);

  const final = fitOnRows(rows, opts.featureNames, l2);
  const oof = predictions[method]!.map((score, i) => ({ score, correct: labels[i]! }));
  const model: ScorerModel = {
    version: SCORER_MODEL_VERSION,
    kind: "logistic",
    features: final.design.map((d, j) => ({
      name: d.name,
      mean: d.mean,
      scale: d.scale,
      weight: final.coef[j]!,
      missing_weight: d.indicator ? final.coef[final.design.length + indicatorIndex(final.design, j)]! : null,
    })),
    intercept: final.intercept,
    calibration: fitCalibration({ method, eta, labels }),
    fit: {
      n: rows.length,
      positives,
      folds: k,
      seed: opts.seed,
      l2,
      calibration_choice: choice,
      cv_brier: { uncalibrated, platt: cv.platt ?? null, isotonic: cv.isotonic ?? null },
      oof_brier: cv[method]!,
      oof_auroc: auroc(oof) ?? null,
      oof_ece: expectedCalibrationError(oof)!,
    },
  };
  return { refused: false, model: ScorerModelSchema.parse(model), oof, folds };
}

interface RowsFit {
  design: FeatureDesign[];
  intercept: number;
  coef: number[];
}

function fitOnRows(rows: readonly ScorerTrainingRow[], names: readonly string[], l2: number): RowsFit {
  const design = learnDesign(
    rows.map((r) => r.features),
    names,
  );
  const fit = fitLogistic({ x: rows.map((r) => designRow(design, r.features)), y: rows.map((r) => (r.correct ? 1 : 0)), l2 });
  return { design, intercept: fit.intercept, coef: fit.coef };
}

/** Position of feature j's indicator among the indicator columns. */
function indicatorIndex(design: readonly FeatureDesign[], j: number): number {
  let idx = 0;
  for (let i = 0; i < j; i++) if (design[i]!.indicator) idx++;
  return idx;
}

type Method = "platt" | "isotonic";

/** A calibration map fitted on (η, label) pairs. */
export function fitCalibration(args: { method: Method; eta: readonly number[]; labels: readonly boolean[] }): ScorerCalibration {
  const { method, eta, labels } = args;
  if (method === "platt") return { method, ...fitPlatt({ eta, correct: labels }) };
  const toProb = compileCalibration({ method: "none" });
  const map = fitIsotonic({ x: eta.map(toProb), y: labels.map((c) => (c ? 1 : 0)) });
  return { method, x: map.x, y: map.y };
}

/**
 * η of each row in `index` from a regression fitted on the rows of `index` in the other folds. `index`
 * may itself leave out a fold: that is the nested level.
 */
function outOfFoldEta(args: {
  rows: readonly ScorerTrainingRow[];
  index: readonly number[];
  folds: readonly number[];
  names: readonly string[];
  l2: number;
}): number[] {
  const { rows, index, folds, names, l2 } = args;
  const out = new Array<number>(index.length);
  for (const f of new Set(index.map((i) => folds[i]!))) {
    const fit = fitOnRows(
      index.filter((i) => folds[i] !== f).map((i) => rows[i]!),
      names,
      l2,
    );
    index.forEach((i, pos) => {
      if (folds[i] === f) out[pos] = linearPredictor({ ...fit, values: rows[i]!.features });
    });
  }
  return out;
}

const brier = (scores: readonly number[], labels: readonly boolean[]) => brierScore(scores.map((score, i) => ({ score, correct: labels[i]! })))!;

function checkAssignment(folds: readonly number[], n: number, k: number): number[] {
  if (folds.length !== n) throw new RangeError(`fitScorer: foldAssignment has ${folds.length} entries for ${n} rows`);
  const seen = new Set<number>();
  folds.forEach((f, i) => {
    if (!(Number.isInteger(f) && f >= 0 && f < k)) throw new RangeError(`fitScorer: foldAssignment[${i}] is ${f}; folds are integers from 0 to ${k - 1}`);
    seen.add(f);
  });
  if (seen.size !== k) throw new RangeError(`fitScorer: foldAssignment leaves ${k - seen.size} of the ${k} folds empty`);
  return [...folds];
}

function checkOptions(opts: FitScorerOptions, k: number, l2: number): void {
  // Nested cross-fitting leaves out two folds at the inner level, so at least one is left to fit on.
  if (!(Number.isInteger(k) && k >= 3)) throw new RangeError(`fitScorer: folds must be an integer ≥ 3, got ${k}`);
  if (!(Number.isFinite(l2) && l2 > 0))
    throw new RangeError(`fitScorer: l2 must be > 0 (an unpenalised fit has no finite optimum on separable data), got ${l2}`);
  if (!Number.isInteger(opts.seed)) throw new RangeError(`fitScorer: seed must be an integer, got ${opts.seed}`);
  if (new Set(opts.featureNames).size !== opts.featureNames.length)
    throw new RangeError(`fitScorer: feature names must be unique: ${opts.featureNames.join(", ")}`);
  if (!["auto", "platt", "isotonic"].includes(opts.calibration ?? "auto"))
    throw new RangeError(`fitScorer: calibration must be auto, platt or isotonic, got ${opts.calibration}`);
}
