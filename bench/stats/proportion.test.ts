import { describe, expect, it } from "vitest";
import { Z_95, binomialCdf, clopperPearsonInterval, clopperPearsonUpper, wilsonInterval } from "./proportion.js";

/** Exact P(X ≤ k) for p = num/den, in BigInt rationals: independent of the incomplete beta. */
function exactCdf(k: number, n: number, num: number, den: number): number {
  let choose = 1n;
  let acc = 0n;
  for (let i = 0; i <= k; i++) {
    if (i > 0) choose = (choose * BigInt(n - i + 1)) / BigInt(i);
    acc += choose * BigInt(num) ** BigInt(i) * BigInt(den - num) ** BigInt(n - i);
  }
  const scale = 10n ** 30n;
  return Number((acc * scale) / BigInt(den) ** BigInt(n)) / Number(scale);
}

/** P(X ≤ k) by summing pmf terms in floating point; fine for small n. */
function summedCdf(k: number, n: number, p: number): number {
  let choose = 1;
  let acc = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) choose = (choose * (n - i + 1)) / i;
    acc += choose * p ** i * (1 - p) ** (n - i);
  }
  return acc;
}

describe("wilsonInterval", () => {
  it("gives (0.4902, 0.9433) for 8/10", () => {
    const { lower, upper } = wilsonInterval(8, 10);
    expect(lower).toBeCloseTo(0.4902, 4);
    expect(upper).toBeCloseTo(0.9433, 4);
  });

  it("puts both ends on the score-test boundary (p̂ − p)² = z²·p(1 − p)/n", () => {
    for (const [k, n, z] of [
      [8, 10, Z_95],
      [3, 40, 1],
      [0, 7, 2.5758],
    ] as const) {
      const phat = k / n;
      for (const p of Object.values(wilsonInterval(k, n, { z }))) {
        expect((phat - p) ** 2).toBeCloseTo((z * z * p * (1 - p)) / n, 12);
      }
    }
  });

  it("narrows with a smaller z and stays inside [0, 1] at the extremes", () => {
    const w95 = wilsonInterval(8, 10);
    const w68 = wilsonInterval(8, 10, { z: 1 });
    expect(w68.upper - w68.lower).toBeLessThan(w95.upper - w95.lower);
    expect(wilsonInterval(0, 10).lower).toBe(0);
    expect(wilsonInterval(10, 10).upper).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual({ lower: 0, upper: 1 });
  });

  it("rejects impossible counts", () => {
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 10)).toThrow(RangeError);
  });
});

describe("binomialCdf", () => {
  it("equals exact rational sums for every k at small n", () => {
    for (const n of [1, 5, 20, 60]) {
      for (let k = 0; k <= n; k++) {
        expect(binomialCdf(k, n, 0.3)).toBeCloseTo(exactCdf(k, n, 3, 10), 13);
        expect(binomialCdf(k, n, 0.5)).toBeCloseTo(exactCdf(k, n, 1, 2), 13);
      }
    }
  });

  it("keeps relative precision in far tails and at large n (scipy 1.17 binom.cdf)", () => {
    const cases: [number, number, number, number][] = [
      [3, 10, 0.3, 0.6496107184000002],
      [4900, 10000, 0.5, 0.023292763852473225],
      [500, 1000, 0.5, 0.5126125090891802],
      [0, 1000, 0.01, 4.3171247410658195e-5],
      [10, 1000, 0.05, 2.7977985614855385e-12],
      [5, 100000, 0.001, 3.117381885471972e-36],
      [990, 1000, 0.97, 0.9999943399300731],
    ];
    for (const [k, n, p, want] of cases) {
      expect(Math.abs(binomialCdf(k, n, p) - want) / want).toBeLessThan(1e-9);
    }
  });

  it("handles the edges", () => {
    expect(binomialCdf(-1, 10, 0.5)).toBe(0);
    expect(binomialCdf(10, 10, 0.5)).toBe(1);
    expect(binomialCdf(3, 10, 0)).toBe(1);
    expect(binomialCdf(3, 10, 1)).toBe(0);
    expect(binomialCdf(0, 0, 0.5)).toBe(1);
    expect(binomialCdf(3.7, 10, 0.3)).toBe(binomialCdf(3, 10, 0.3));
  });
});

describe("clopperPearsonUpper (one-sided)", () => {
  it("is 1 − δ^(1/n) for zero successes: 0.2589 for 0/10 at 95 %", () => {
    const ub = clopperPearsonUpper(0, 10, { confidence: 0.95 });
    expect(ub).toBeCloseTo(1 - 0.05 ** (1 / 10), 12);
    expect(ub).toBeCloseTo(0.2589, 4);
    // The two-sided 95 % interval's upper end is different (uses 0.025): proves which one we compute.
    expect(clopperPearsonInterval(0, 10).upper).toBeCloseTo(1 - 0.025 ** (1 / 10), 12);
  });

  it("is confidence^(1/n) for n − 1 successes", () => {
    expect(clopperPearsonUpper(19, 20, { confidence: 0.9 })).toBeCloseTo(0.9 ** (1 / 20), 12);
  });

  it("matches the beta quantile (scipy beta.ppf(conf, k + 1, n − k))", () => {
    expect(clopperPearsonUpper(5, 10)).toBeCloseTo(0.7775588989918706, 12);
    expect(clopperPearsonUpper(3, 50, { confidence: 0.9 })).toBeCloseTo(0.1287564225866019, 12);
  });

  it("leaves exactly δ probability of seeing so few successes, by direct summation", () => {
    for (const [k, n] of [
      [2, 30],
      [7, 25],
      [1, 100],
    ] as const) {
      expect(summedCdf(k, n, clopperPearsonUpper(k, n))).toBeCloseTo(0.05, 12);
    }
  });

  it("is 1 when everything succeeded or nothing was observed", () => {
    expect(clopperPearsonUpper(10, 10)).toBe(1);
    expect(clopperPearsonUpper(0, 0)).toBe(1);
  });
});

describe("clopperPearsonInterval (two-sided)", () => {
  it("matches scipy beta quantiles for 8/10", () => {
    const { lower, upper } = clopperPearsonInterval(8, 10);
    expect(lower).toBeCloseTo(0.4439045376923585, 10);
    expect(upper).toBeCloseTo(0.9747892736731666, 10);
  });
});
