import { describe, expect, it } from "vitest";
import { compileScorer } from "../../router/confidence/scorer.js";
import { ScorerModelSchema } from "../../router/confidence/scorer-model.js";
import { createRng } from "../../core/rng.js";
import { fitLogistic } from "../stats/logistic-regression.js";
import { designRow, learnDesign } from "./scorer-design.js";
import { fitScorer, type ScorerFitResult, type ScorerTrainingRow } from "./scorer-fit.js";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * x1 carries the signal, x2 is noise, x3 is constant, x4 is missing for ~30 % of rows and its
 * missingness lowers the odds of a right answer by e^1.5.
 */
function synthetic(n: number, seed: number): ScorerTrainingRow[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const x1 = rng.next() * 4 - 2;
    const missing = rng.next() < 0.3;
    const correct = rng.next() < sigmoid(2 * x1 + 0.5 - (missing ? 1.5 : 0));
    return { correct, features: { x1, x2: rng.next(), x3: 7, x4: missing ? undefined : rng.next() } };
  });
}

const NAMES = ["x1", "x2", "x3", "x4"];
const ok = (r: ReturnType<typeof fitScorer>): ScorerFitResult => {
  if (r.refused) throw new Error(r.reason);
  return r;
};

describe("fitScorer", () => {
  const rows = synthetic(600, 11);
  const fit = ok(fitScorer(rows, { featureNames: NAMES, seed: 1 }));

  it("learns the signal, ignores the constant and learns what a missing value says", () => {
    const [x1, x2, x3, x4] = fit.model.features;
    expect(x1!.weight).toBeGreaterThan(1);
    expect(Math.abs(x2!.weight)).toBeLessThan(0.3);
    expect(x3).toMatchObject({ name: "x3", mean: 7, scale: 1, weight: 0, missing_weight: null });
    expect(x4!.missing_weight).toBeLessThan(-0.5);
    expect(x1!.missing_weight).toBeNull();
    expect(fit.model.fit.oof_auroc!).toBeGreaterThan(0.85);
  });

  it("ships the regression fitted on every row, with each indicator's coefficient as missing_weight", () => {
    // Columns: x1..x4 standardised, then the one indicator (x4's).
    const design = learnDesign(
      rows.map((r) => r.features),
      NAMES,
    );
    const direct = fitLogistic({ x: rows.map((r) => designRow(design, r.features)), y: rows.map((r) => (r.correct ? 1 : 0)), l2: 1 });
    expect(fit.model.intercept).toBe(direct.intercept);
    expect(fit.model.features.map((f) => f.weight)).toEqual(direct.coef.slice(0, 4));
    expect(fit.model.features[3]!.missing_weight).toBe(direct.coef[4]);
  });

  it("writes a versioned JSON object the router compiles after a round trip", () => {
    const json = JSON.parse(JSON.stringify(fit.model));
    expect(ScorerModelSchema.parse(json)).toEqual(fit.model);
    const s = compileScorer(json);
    expect(s.features).toEqual(NAMES);
    const p = s.score({ x1: 1.5, x2: 0.5, x3: 7, x4: 0.5 });
    expect(p).toBeGreaterThan(s.score({ x1: -1.5, x2: 0.5, x3: 7, x4: 0.5 }));
    expect(s.score({ x1: 1.5, x2: 0.5, x3: 7 })).toBeLessThan(p);
  });

  it("returns out-of-fold P(correct) per row that are calibrated", () => {
    expect(fit.oof).toHaveLength(rows.length);
    expect(fit.oof.map((o) => o.correct)).toEqual(rows.map((r) => r.correct));
    expect(fit.model.fit.oof_ece).toBeLessThan(0.08);
    expect(fit.model.fit.oof_brier).toBeLessThan(fit.model.fit.cv_brier.uncalibrated + 0.01);
    const chosen = fit.model.calibration.method;
    expect(fit.model.fit.oof_brier).toBe(fit.model.fit.cv_brier[chosen as "platt" | "isotonic"]);
    expect(fit.model.fit.oof_brier).toBe(Math.min(fit.model.fit.cv_brier.platt!, fit.model.fit.cv_brier.isotonic!));
  });

  it("gives each row a P(correct) its own label took no part in (nested cross-fitting)", () => {
    // Same folds, one label flipped: every stage that scores row 7 was fitted without it.
    const flipped = rows.map((r, i) => (i === 7 ? { ...r, correct: !r.correct } : r));
    const again = ok(fitScorer(flipped, { featureNames: NAMES, seed: 1, foldAssignment: fit.folds }));
    expect(again.oof[7]!.score).toBe(fit.oof[7]!.score);
    // Rows in other folds did see it, through their training folds.
    const other = fit.folds.findIndex((f) => f !== fit.folds[7]);
    expect(again.oof[other]!.score).not.toBe(fit.oof[other]!.score);
  });

  it("is reproducible from the seed, and the seed moves the folds", () => {
    expect(ok(fitScorer(rows, { featureNames: NAMES, seed: 1 }))).toEqual(fit);
    const other = ok(fitScorer(rows, { featureNames: NAMES, seed: 2 }));
    expect(other.folds).not.toEqual(fit.folds);
    // The shipped regression uses every row whatever the folds.
    expect(other.model.intercept).toBe(fit.model.intercept);
  });

  it("uses the calibration it is told to, and reports only what it tried", () => {
    const iso = ok(fitScorer(rows, { featureNames: NAMES, seed: 1, calibration: "isotonic" }));
    expect(iso.model.calibration.method).toBe("isotonic");
    expect(iso.model.fit.cv_brier.platt).toBeNull();
    const platt = ok(fitScorer(rows, { featureNames: NAMES, seed: 1, calibration: "platt" }));
    expect(platt.model.calibration.method).toBe("platt");
    expect(platt.model.fit.cv_brier.isotonic).toBeNull();
  });

  it("refuses, saying what is missing, when a class has fewer answers than folds", () => {
    const few = rows
      .filter((r) => r.correct)
      .slice(0, 40)
      .concat(rows.filter((r) => !r.correct).slice(0, 4));
    const r = fitScorer(few, { featureNames: NAMES, seed: 1, label: "action gsm" });
    expect(r).toMatchObject({ refused: true, n: 44 });
    expect(r.refused && r.reason).toContain("need at least 5 right and 5 wrong answers for action gsm");
  });

  it("fits a feature that is never present, and one missing from every row's object", () => {
    const r = ok(fitScorer(rows.slice(0, 100), { featureNames: ["x1", "never"], seed: 3 }));
    const never = r.model.features[1]!;
    expect(never).toMatchObject({ name: "never", mean: 0, scale: 1, weight: 0 });
    expect(Number.isFinite(never.missing_weight)).toBe(true);
  });

  it("rejects options that cannot work", () => {
    expect(() => fitScorer(rows, { featureNames: NAMES, seed: 1, folds: 2 })).toThrow(/≥ 3/);
    expect(() => fitScorer(rows, { featureNames: ["a", "a"], seed: 1 })).toThrow(/unique/);
    expect(() => fitScorer(rows, { featureNames: NAMES, seed: 1, l2: 0 })).toThrow(/l2 must be > 0/);
    expect(() => fitScorer(rows, { featureNames: NAMES, seed: 1, foldAssignment: rows.map(() => 0) })).toThrow(/leaves 4 of the 5 folds empty/);
  });
});
