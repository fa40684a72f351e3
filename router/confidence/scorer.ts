/**
 * The scorer's hot path: a ScorerModel compiled once into typed arrays and a closure, so scoring an
 * answer is a short loop and a calibration lookup with no allocation (`npm run perf -- scorer`).
 */
import { ScorerModelSchema, type FeatureValues, type ScorerCalibration, type ScorerModel } from "./scorer-model.js";

export interface CompiledScorer {
  /** The features the model reads, in the order `scoreVector` expects them. */
  readonly features: readonly string[];
  /** P(correct) from values by name; absent names are missing. */
  score(values: FeatureValues): number;
  /** P(correct) from values in `features` order; NaN marks a missing value. */
  scoreVector(values: ArrayLike<number>): number;
}

/** Validates (a hand-edited or stale file fails here, not mid-request) and compiles. */
export function compileScorer(model: ScorerModel): CompiledScorer {
  const m = ScorerModelSchema.parse(model);
  const k = m.features.length;
  const names = m.features.map((f) => f.name);
  const mean = Float64Array.from(m.features, (f) => f.mean);
  const slope = Float64Array.from(m.features, (f) => f.weight / f.scale);
  const ifMissing = Float64Array.from(m.features, (f) => f.missing_weight ?? 0);
  const calibrate = compileCalibration(m.calibration);
  const intercept = m.intercept;
  return {
    features: names,
    score(values) {
      let eta = intercept;
      for (let j = 0; j < k; j++) {
        const v = values[names[j]!];
        eta += typeof v === "number" && Number.isFinite(v) ? slope[j]! * (v - mean[j]!) : ifMissing[j]!;
      }
      return calibrate(eta);
    },
    scoreVector(values) {
      if (values.length !== k) throw new RangeError(`scoreVector: expected ${k} values (${names.join(", ")}), got ${values.length}`);
      let eta = intercept;
      for (let j = 0; j < k; j++) {
        const v = values[j]!;
        eta += Number.isFinite(v) ? slope[j]! * (v - mean[j]!) : ifMissing[j]!;
      }
      return calibrate(eta);
    },
  };
}

/** Maps the linear predictor η to a calibrated probability. */
export function compileCalibration(c: ScorerCalibration): (eta: number) => number {
  switch (c.method) {
    case "none":
      return sigmoid;
    case "platt": {
      const { a, b } = c;
      return (eta) => sigmoid(a * eta + b);
    }
    case "isotonic": {
      const x = Float64Array.from(c.x);
      const y = Float64Array.from(c.y);
      return (eta) => interpolateStep({ x, y, at: sigmoid(eta) });
    }
  }
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Linear interpolation through the knots (x ascending, ties allowed: a vertical step), clipped to the
 * first and last y outside them. The isotonic calibration map, as scikit-learn's IsotonicRegression predicts.
 */
export function interpolateStep(args: { x: ArrayLike<number>; y: ArrayLike<number>; at: number }): number {
  const { x, y, at } = args;
  const n = x.length;
  if (at <= x[0]!) return y[0]!;
  if (at >= x[n - 1]!) return y[n - 1]!;
  // Last knot with x ≤ at.
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= at) lo = mid;
    else hi = mid;
  }
  const x0 = x[lo]!;
  const x1 = x[hi]!;
  return x1 === x0 ? y[hi]! : y[lo]! + ((y[hi]! - y[lo]!) * (at - x0)) / (x1 - x0);
}
