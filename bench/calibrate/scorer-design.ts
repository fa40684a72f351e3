/**
 * From named, possibly missing feature values to the numeric design the logistic fit sees: each feature
 * standardised by the training rows' mean and standard deviation, a missing value imputed with that mean
 * (0 after standardising) plus a 0/1 "missing" column for each feature the training rows ever missed.
 * Learned on training rows only, so out-of-fold rows never leak into their own standardisation.
 */
import type { FeatureValues } from "../../router/confidence/scorer-model.js";

export interface FeatureDesign {
  name: string;
  mean: number;
  /** Population standard deviation; 1 when the feature is constant or never present (its column is then all 0). */
  scale: number;
  /** Whether the training rows missed it at least once, which gives it an indicator column. */
  indicator: boolean;
}

export const isPresent = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

export function learnDesign(rows: readonly FeatureValues[], names: readonly string[]): FeatureDesign[] {
  return names.map((name) => {
    let n = 0;
    let sum = 0;
    for (const r of rows) {
      const v = r[name];
      if (isPresent(v)) {
        n++;
        sum += v;
      }
    }
    const mean = n === 0 ? 0 : sum / n;
    let ss = 0;
    for (const r of rows) {
      const v = r[name];
      if (isPresent(v)) ss += (v - mean) ** 2;
    }
    const sd = n === 0 ? 0 : Math.sqrt(ss / n);
    // Tiny relative spreads are rounding noise, not signal: treat them as constant.
    const scale = sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 1;
    return { name, mean, scale, indicator: n < rows.length };
  });
}

/** One design row: the standardised values, then the indicators in feature order. */
export function designRow(design: readonly FeatureDesign[], values: FeatureValues): number[] {
  const out: number[] = [];
  for (const d of design) {
    const v = values[d.name];
    out.push(isPresent(v) ? (v - d.mean) / d.scale : 0);
  }
  for (const d of design) if (d.indicator) out.push(isPresent(values[d.name]) ? 0 : 1);
  return out;
}

/** Linear predictor of a fitted design (coefficients in designRow order). */
export function linearPredictor(args: { design: readonly FeatureDesign[]; intercept: number; coef: readonly number[]; values: FeatureValues }): number {
  const row = designRow(args.design, args.values);
  let eta = args.intercept;
  for (let j = 0; j < row.length; j++) eta += args.coef[j]! * row[j]!;
  return eta;
}
