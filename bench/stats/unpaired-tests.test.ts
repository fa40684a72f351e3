import { describe, expect, it } from "vitest";
import { pairedBootstrapQuantileRatio } from "./paired-tests.js";
import { fisherExact, mannWhitneyGreater, unpairedBootstrapQuantileDiff, unpairedBootstrapQuantileRatio } from "./unpaired-tests.js";

describe("fisherExact", () => {
  it("matches scipy.stats.fisher_exact one-sided p-values", () => {
    // fisher_exact([[8, 2], [1, 5]], alternative="greater").pvalue = 0.024475524475524476
    expect(fisherExact({ basePasses: 8, baseN: 10, headPasses: 1, headN: 6 }).pRegression).toBeCloseTo(0.024475524475524476, 12);
    expect(fisherExact({ basePasses: 36, baseN: 40, headPasses: 26, headN: 40 }).pRegression).toBeCloseTo(0.007237872205577325, 12);
    // Same rates: no evidence either way.
    expect(fisherExact({ basePasses: 18, baseN: 20, headPasses: 17, headN: 20 }).pRegression).toBeCloseTo(0.5, 12);
    const up = fisherExact({ basePasses: 1, baseN: 6, headPasses: 8, headN: 10 });
    expect(up.pImprovement).toBeCloseTo(0.024475524475524476, 12);
    expect(fisherExact({ basePasses: 0, baseN: 0, headPasses: 3, headN: 5 }).pRegression).toBe(1);
    expect(() => fisherExact({ basePasses: 5, baseN: 4, headPasses: 0, headN: 1 })).toThrow(RangeError);
  });
});

describe("bootstrap of the p50 ratio and difference", () => {
  const base = Array.from({ length: 60 }, (_, i) => 100 + (i % 20));
  it("unpaired: the point estimate is the ratio of medians; the interval brackets it", () => {
    const head = base.map((x) => x * 1.3);
    const r = unpairedBootstrapQuantileRatio(base, head, { seed: 4, q: 0.5, iterations: 2000, confidence: 0.9 });
    expect(r.diff).toBeCloseTo(1.3, 12);
    expect(r.lower).toBeGreaterThan(1.15);
    expect(r.upper).toBeLessThan(1.45);
    const d = unpairedBootstrapQuantileDiff(base, head, { seed: 4, q: 0.5, iterations: 2000 });
    expect(d.diff).toBeCloseTo(109.5 * 0.3, 9);
    // Same seed, same bytes.
    expect(unpairedBootstrapQuantileRatio(base, head, { seed: 4, q: 0.5, iterations: 2000, confidence: 0.9 })).toEqual(r);
  });
  it("paired: identical runs give a ratio of exactly 1 with a degenerate interval", () => {
    const r = pairedBootstrapQuantileRatio(base, base, { seed: 1, q: 0.5, iterations: 500 });
    expect(r).toMatchObject({ diff: 1, lower: 1, upper: 1 });
  });
});

describe("mannWhitneyGreater", () => {
  it("gives the asymptotic one-sided p, with ties and continuity corrected", () => {
    const lo = Array.from({ length: 10 }, (_, i) => i),
      hi = lo.map((x) => x + 100);
    // Fully separated: U = 100, z = (100 − 50 − 0.5) / sqrt(100 · 21 / 12) = 3.7418, p = 9.14e-5.
    const r = mannWhitneyGreater(lo, hi);
    expect(r.u).toBe(100);
    expect(r.z).toBeCloseTo(3.7418, 4);
    expect(r.pGreater).toBeCloseTo(9.14e-5, 6);
    expect(mannWhitneyGreater(hi, lo).pGreater).toBeGreaterThan(0.99);
    // Identical samples: every pair a tie, U = n²/2, no evidence.
    expect(mannWhitneyGreater([5, 5, 5], [5, 5, 5]).pGreater).toBe(1);
    expect(mannWhitneyGreater([1, 2, 3, 4], [1, 2, 3, 4]).pGreater).toBeGreaterThan(0.5);
  });
});
