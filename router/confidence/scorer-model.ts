/**
 * The learned scorer as a file: P(correct | features) by L2-regularised logistic regression on
 * standardised features, then a calibration map. `bench calibrate` writes it (bench/calibrate/scorer-fit.ts);
 * the router compiles it once (scorer.ts) and evaluates it per answer.
 *
 * Evaluation, for feature j with value v_j:
 *   η = intercept + Σ_j (v_j present ? weight_j·(v_j − mean_j)/scale_j : missing_weight_j ?? 0)
 * i.e. a missing value is imputed with the fit data's mean (standardised 0) and, when the fit data had
 * missing values for j, its missing indicator adds missing_weight_j. Then
 *   platt:    P = 1/(1 + exp(−(a·η + b)))
 *   isotonic: P = piecewise-linear interpolation of (x, y) at σ(η) = 1/(1 + exp(−η)), clipped at the ends
 *   none:     P = σ(η)
 */
import { z } from "zod";

export const SCORER_MODEL_VERSION = 1;

export const ScorerFeature = z.strictObject({
  name: z.string().min(1),
  /** Mean and standard deviation of the present values in the fit data; scale is 1 for a constant feature. */
  mean: z.number(),
  scale: z.number().positive(),
  /** Coefficient on the standardised value. */
  weight: z.number(),
  /** Coefficient of "value missing"; null when the fit data never missed it (imputation alone). */
  missing_weight: z.number().nullable(),
});
export type ScorerFeature = z.infer<typeof ScorerFeature>;

const nonDecreasing = (xs: readonly number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]!);

export const ScorerCalibration = z.discriminatedUnion("method", [
  z.strictObject({ method: z.literal("platt"), a: z.number(), b: z.number() }),
  z
    .strictObject({ method: z.literal("isotonic"), x: z.array(z.number().min(0).max(1)).min(1), y: z.array(z.number().min(0).max(1)).min(1) })
    .refine((c) => c.x.length === c.y.length, { message: "x and y must have the same length" })
    .refine((c) => nonDecreasing(c.x) && nonDecreasing(c.y), { message: "x and y must be non-decreasing" }),
  z.strictObject({ method: z.literal("none") }),
]);
export type ScorerCalibration = z.infer<typeof ScorerCalibration>;

/** How the model was fitted and how well it did out of fold: for reports, never read by the evaluator. */
export const ScorerFitInfo = z.strictObject({
  n: z.number().int().min(0),
  positives: z.number().int().min(0),
  folds: z.number().int().min(2),
  seed: z.number().int(),
  l2: z.number().min(0),
  calibration_choice: z.enum(["auto", "platt", "isotonic"]),
  /** Cross-validated Brier score of each calibration on the out-of-fold scores (null: not tried). */
  cv_brier: z.strictObject({ uncalibrated: z.number(), platt: z.number().nullable(), isotonic: z.number().nullable() }),
  /** Of the out-of-fold calibrated scores, the ones a threshold is chosen on. */
  oof_brier: z.number(),
  oof_auroc: z.number().nullable(),
  oof_ece: z.number(),
});
export type ScorerFitInfo = z.infer<typeof ScorerFitInfo>;

export const ScorerModelSchema = z.strictObject({
  version: z.literal(SCORER_MODEL_VERSION),
  kind: z.literal("logistic"),
  features: z.array(ScorerFeature).refine((fs) => new Set(fs.map((f) => f.name)).size === fs.length, { message: "feature names must be unique" }),
  intercept: z.number(),
  calibration: ScorerCalibration,
  fit: ScorerFitInfo,
});
export type ScorerModel = z.infer<typeof ScorerModelSchema>;

/** Feature values by name; undefined, null, NaN and ±Infinity all read as missing. */
export type FeatureValues = Readonly<Record<string, number | null | undefined>>;
