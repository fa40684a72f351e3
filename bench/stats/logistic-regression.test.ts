import { describe, expect, it } from "vitest";
import { createRng } from "../../core/rng.js";
import { fitLogistic, softplus } from "./logistic-regression.js";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe("fitLogistic", () => {
  it("fits an intercept-only model to the log-odds of the base rate", () => {
    // 3 right of 4: logit(0.75) = log(3).
    const fit = fitLogistic({ x: [[], [], [], []], y: [1, 1, 1, 0], l2: 1 });
    expect(fit.intercept).toBeCloseTo(Math.log(3), 12);
    expect(fit.converged).toBe(true);
  });

  it("solves a symmetric penalised case by hand", () => {
    // x = (−1, +1), y = (0, 1), λ = 1. By symmetry β₀ = 0. The slope's stationarity condition:
    // Σ (σ(βx_i) − y_i)·x_i + λβ = −σ(−β) − σ(−β) + β = 0, so β = 2σ(−β) ≈ 0.6748 (bisection by hand:
    // f(0.68) = 0.0075 > 0, f(0.675) = 0.00024 > 0, f(0.674) < 0).
    const fit = fitLogistic({ x: [[-1], [1]], y: [0, 1], l2: 1 });
    expect(fit.intercept).toBeCloseTo(0, 12);
    expect(fit.coef[0]!).toBeCloseTo(2 * sigmoid(-fit.coef[0]!), 10);
    expect(fit.coef[0]!).toBeGreaterThan(0.674);
    expect(fit.coef[0]!).toBeLessThan(0.675);
  });

  it("stays finite on separable data thanks to the penalty", () => {
    const fit = fitLogistic({ x: [[-2], [-1], [1], [2]], y: [0, 0, 1, 1], l2: 0.1 });
    expect(fit.converged).toBe(true);
    expect(Number.isFinite(fit.coef[0]!)).toBe(true);
    expect(fit.coef[0]!).toBeGreaterThan(1);
  });

  it("meets the first-order optimality conditions on random data with weights and soft targets", () => {
    const rng = createRng(3);
    const x = Array.from({ length: 200 }, () => [rng.next() * 4 - 2, rng.next(), rng.next() < 0.5 ? 1 : 0]);
    const y = x.map((r) => (rng.next() < sigmoid(1.5 * r[0]! - r[2]! + 0.3) ? 0.9 : 0.1));
    const weights = x.map(() => 0.5 + rng.next());
    const l2 = 0.7;
    const fit = fitLogistic({ x, y, l2, weights });
    const beta = [fit.intercept, ...fit.coef];
    const grad = beta.map((b, j) => (j === 0 ? 0 : l2 * b));
    x.forEach((r, i) => {
      const row = [1, ...r];
      const mu = sigmoid(row.reduce((s, v, j) => s + v * beta[j]!, 0));
      row.forEach((v, j) => (grad[j]! += weights[i]! * (mu - y[i]!) * v));
    });
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-6);
  });

  it("gives a constant (all-zero) column no weight", () => {
    const fit = fitLogistic({
      x: [
        [0, -1],
        [0, 1],
        [0, 2],
        [0, -2],
      ],
      y: [0, 1, 1, 0],
      l2: 1,
    });
    expect(fit.coef[0]).toBe(0);
  });

  it("is deterministic", () => {
    const args = {
      x: [
        [1, 2],
        [2, 1],
        [3, 5],
        [0, 1],
        [4, 4],
      ],
      y: [0, 1, 1, 0, 1],
      l2: 0.5,
    };
    expect(fitLogistic(args)).toEqual(fitLogistic(args));
  });

  it("rejects missing values, bad targets and mismatched lengths with a message saying what to do", () => {
    expect(() => fitLogistic({ x: [[Number.NaN]], y: [1], l2: 1 })).toThrow(/impute missing values/);
    expect(() => fitLogistic({ x: [[1]], y: [2], l2: 1 })).toThrow(/targets must be in \[0, 1\]/);
    expect(() => fitLogistic({ x: [[1], [2]], y: [1], l2: 1 })).toThrow(/2 rows but 1 targets/);
    expect(() => fitLogistic({ x: [], y: [], l2: 1 })).toThrow(/no rows/);
  });
});

describe("softplus", () => {
  it("is log(1 + e^z) without overflow at either end", () => {
    expect(softplus(0)).toBeCloseTo(Math.log(2), 15);
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-1000)).toBe(0);
  });
});
