import { describe, expect, it } from "vitest";
import { type Rng, createRng } from "../../core/rng.js";
import { discordantCounts, mcnemarExact, pairedBootstrapDiff, pairedBootstrapQuantileDiff } from "./paired-tests.js";

/** Standard normal by Box–Muller, from the project RNG. */
function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** base ~ N(100, 20²); head = base + shift + N(0, 10²): the true mean difference is `shift`. */
function shifted(rng: Rng, n: number, shift: number): { base: number[]; head: number[] } {
  const base = Array.from({ length: n }, () => 100 + 20 * normal(rng));
  return { base, head: base.map((b) => b + shift + 10 * normal(rng)) };
}

describe("discordantCounts", () => {
  it("counts regressions as b and improvements as c", () => {
    const base = [true, true, false, false, true];
    const head = [true, false, true, false, false];
    expect(discordantCounts(base, head)).toEqual({ b: 2, c: 1 });
    expect(() => discordantCounts([true], [])).toThrow(/pair them/);
  });
});

describe("mcnemarExact", () => {
  it("gives 2·0.5^10 two-sided and 0.5^10 for regression when b = 10, c = 0", () => {
    const r = mcnemarExact({ b: 10, c: 0 });
    expect(r.pTwoSided).toBeCloseTo(2 * 0.5 ** 10, 15);
    expect(r.pRegression).toBeCloseTo(0.5 ** 10, 15);
    expect(r.pImprovement).toBe(1);
  });

  it("matches scipy binomtest (two-sided, and alternative='greater' for regression)", () => {
    const cases: [number, number, number, number][] = [
      [3, 12, 0.03515625, 0.996307373046875],
      [7, 2, 0.1796875, 0.08984375],
      [40, 25, 0.08168153394154003, 0.040840766970770014],
    ];
    for (const [b, c, twoSided, greater] of cases) {
      const r = mcnemarExact({ b, c });
      expect(r.pTwoSided).toBeCloseTo(twoSided, 12);
      expect(r.pRegression).toBeCloseTo(greater, 12);
    }
  });

  it("gives p = 1 with no or balanced discordant pairs", () => {
    expect(mcnemarExact({ b: 0, c: 0 }).pTwoSided).toBe(1);
    expect(mcnemarExact({ b: 5, c: 5 }).pTwoSided).toBe(1);
    expect(() => mcnemarExact({ b: -1, c: 0 })).toThrow(RangeError);
  });
});

describe("pairedBootstrapDiff", () => {
  it("is reproducible by seed and changes with the seed", () => {
    const { base, head } = shifted(createRng(1), 30, 5);
    const a = pairedBootstrapDiff(base, head, { seed: 42, iterations: 500 });
    const b = pairedBootstrapDiff(base, head, { seed: 42, iterations: 500 });
    const c = pairedBootstrapDiff(base, head, { seed: 43, iterations: 500 });
    expect(a).toEqual(b);
    expect(c.lower).not.toBe(a.lower);
  });

  it("reports the observed mean difference and an interval around a known shift", () => {
    const { base, head } = shifted(createRng(2), 200, 5);
    const r = pairedBootstrapDiff(base, head, { seed: 7, iterations: 2000 });
    const observed = head.reduce((s, h, i) => s + h - base[i]!, 0) / head.length;
    expect(r.diff).toBeCloseTo(observed, 10);
    expect(r.lower).toBeLessThan(5);
    expect(r.upper).toBeGreaterThan(5);
    expect(r.lower).toBeGreaterThan(0);
    expect(r).toMatchObject({ confidence: 0.95, iterations: 2000, n: 200 });
  });

  it("covers the true shift about 95 % of the time", () => {
    const rng = createRng(3);
    const trials = 200;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const { base, head } = shifted(rng, 40, 5);
      const r = pairedBootstrapDiff(base, head, { seed: t, iterations: 1000 });
      if (r.lower <= 5 && 5 <= r.upper) covered++;
    }
    // Percentile intervals run slightly short at n = 40; ±3 binomial SDs around ~0.94.
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThan(0.99);
  });

  it("has the normal-theory width for a mean at large n: 2·1.96·σ/√n", () => {
    const rng = createRng(12);
    const n = 400;
    const deltas = Array.from({ length: n }, () => normal(rng));
    const m = deltas.reduce((s, d) => s + d, 0) / n;
    // The bootstrap resamples the empirical distribution, so its σ uses the 1/n variance.
    const sigma = Math.sqrt(deltas.reduce((s, d) => s + (d - m) ** 2, 0) / n);
    const r = pairedBootstrapDiff(new Array<number>(n).fill(0), deltas, { seed: 5, iterations: 20_000 });
    expect((r.upper - r.lower) / ((2 * 1.959964 * sigma) / Math.sqrt(n))).toBeCloseTo(1, 1);
  });

  it("narrows as confidence drops and rejects unpaired input", () => {
    const { base, head } = shifted(createRng(4), 50, 0);
    const w95 = pairedBootstrapDiff(base, head, { seed: 1, iterations: 1000 });
    const w50 = pairedBootstrapDiff(base, head, { seed: 1, iterations: 1000, confidence: 0.5 });
    expect(w50.upper - w50.lower).toBeLessThan(w95.upper - w95.lower);
    expect(() => pairedBootstrapDiff([1, 2], [1], { seed: 1 })).toThrow(/pair them/);
    expect(() => pairedBootstrapDiff([], [], { seed: 1 })).toThrow(/no paired items/);
  });
});

describe("pairedBootstrapQuantileDiff", () => {
  it("gives a zero-width interval at the shift when every item moves by the same amount", () => {
    const { base } = shifted(createRng(5), 60, 0);
    const r = pairedBootstrapQuantileDiff(
      base,
      base.map((b) => b + 100),
      { q: 0.5, seed: 9, iterations: 500 },
    );
    expect(r.diff).toBeCloseTo(100, 9);
    expect(r.lower).toBeCloseTo(100, 9);
    expect(r.upper).toBeCloseTo(100, 9);
  });

  it("estimates the p50 difference with an interval covering a known shift", () => {
    const { base, head } = shifted(createRng(6), 300, 5);
    const r = pairedBootstrapQuantileDiff(base, head, { q: 0.5, seed: 9, iterations: 2000 });
    expect(r.lower).toBeLessThan(5);
    expect(r.upper).toBeGreaterThan(5);
    expect(r.lower).toBeGreaterThan(0);
  });

  it("is reproducible by seed and leaves the inputs untouched", () => {
    const { base, head } = shifted(createRng(8), 25, 1);
    const before = [...base];
    const a = pairedBootstrapQuantileDiff(base, head, { q: 0.9, seed: 3, iterations: 300 });
    expect(pairedBootstrapQuantileDiff(base, head, { q: 0.9, seed: 3, iterations: 300 })).toEqual(a);
    expect(base).toEqual(before);
    expect(() => pairedBootstrapQuantileDiff(base, head, { q: 2, seed: 3 })).toThrow(/q must be/);
  });
});
