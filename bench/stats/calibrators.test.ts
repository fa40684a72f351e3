import { describe, expect, it } from "vitest";
import { fitIsotonic, fitPlatt } from "./calibrators.js";

describe("fitIsotonic (pool-adjacent-violators)", () => {
  it("pools the one violating pair of a hand case", () => {
    // y by x: 1, 0, 1, 1. The 0 after the 1 violates: pool x∈[1,2] at (1+0)/2 = 0.5; 1 and 1 then stand.
    expect(fitIsotonic({ x: [3, 1, 4, 2], y: [1, 1, 1, 0] })).toEqual({ x: [1, 2, 3, 4], y: [0.5, 0.5, 1, 1] });
  });

  it("pools equal x first, then violators across them", () => {
    // x = 0.5 twice (y 1, 0) → 0.5; then x = 0.7 (y 0) violates → (1 + 0 + 0)/3 over [0.5, 0.7].
    expect(fitIsotonic({ x: [0.5, 0.5, 0.7], y: [1, 0, 0] })).toEqual({ x: [0.5, 0.7], y: [1 / 3, 1 / 3] });
  });

  it("uses weights in the pooled means", () => {
    // (3·1 + 1·0)/4 = 0.75 over [1, 2].
    expect(fitIsotonic({ x: [1, 2], y: [1, 0], weights: [3, 1] })).toEqual({ x: [1, 2], y: [0.75, 0.75] });
  });

  it("returns a non-decreasing map that is the identity on already sorted data", () => {
    expect(fitIsotonic({ x: [0.1, 0.2, 0.3], y: [0, 0.5, 1] })).toEqual({ x: [0.1, 0.2, 0.3], y: [0, 0.5, 1] });
  });

  it("rejects bad input", () => {
    expect(() => fitIsotonic({ x: [], y: [] })).toThrow(/no points/);
    expect(() => fitIsotonic({ x: [Number.NaN], y: [1] })).toThrow(/finite/);
  });
});

describe("fitPlatt", () => {
  it("solves the two-point case by hand", () => {
    // One wrong at η = −1, one right at η = +1. Platt's targets: right (1+1)/(1+2) = 2/3, wrong 1/(1+2) = 1/3.
    // Two points, two parameters: σ(−a + b) = 1/3 and σ(a + b) = 2/3, so b = 0 and a = logit(2/3) = log 2.
    const { a, b } = fitPlatt({ eta: [-1, 1], correct: [false, true] });
    expect(b).toBeCloseTo(0, 10);
    expect(a).toBeCloseTo(Math.log(2), 10);
  });
});
