import { describe, expect, it } from "vitest";
import { compileScorer, interpolateStep, sigmoid } from "./scorer.js";
import type { ScorerModel } from "./scorer-model.js";

const fit: ScorerModel["fit"] = {
  n: 10,
  positives: 5,
  folds: 5,
  seed: 1,
  l2: 1,
  calibration_choice: "auto",
  cv_brier: { uncalibrated: 0.2, platt: 0.19, isotonic: 0.21 },
  oof_brier: 0.19,
  oof_auroc: 0.8,
  oof_ece: 0.05,
};

const model = (calibration: ScorerModel["calibration"]): ScorerModel => ({
  version: 1,
  kind: "logistic",
  features: [
    { name: "f1", mean: 2, scale: 4, weight: 2, missing_weight: null },
    { name: "f2", mean: 0, scale: 1, weight: -1, missing_weight: 0.5 },
  ],
  intercept: 0.1,
  calibration,
  fit,
});

describe("compileScorer", () => {
  it("computes the hand case for every calibration", () => {
    // η = 0.1 + 2·(6 − 2)/4 + (−1)·(1 − 0)/1 = 0.1 + 2 − 1 = 1.1
    const values = { f1: 6, f2: 1 };
    expect(compileScorer(model({ method: "none" })).score(values)).toBeCloseTo(sigmoid(1.1), 15);
    // Platt a = 2, b = −1: σ(2·1.1 − 1) = σ(1.2)
    expect(compileScorer(model({ method: "platt", a: 2, b: -1 })).score(values)).toBeCloseTo(sigmoid(1.2), 15);
  });

  it("imputes a missing value with the mean and adds its indicator's weight where the fit had one", () => {
    const s = compileScorer(model({ method: "none" }));
    // f2 missing: η = 0.1 + 2 + 0.5 = 2.6. undefined, null, NaN, Infinity and an absent key all count as missing.
    for (const f2 of [undefined, null, Number.NaN, Number.POSITIVE_INFINITY]) expect(s.score({ f1: 6, f2 })).toBeCloseTo(sigmoid(2.6), 15);
    expect(s.score({ f1: 6 })).toBeCloseTo(sigmoid(2.6), 15);
    // f1 missing, no indicator: η = 0.1 + 0 − 1 = −0.9.
    expect(s.score({ f2: 1 })).toBeCloseTo(sigmoid(-0.9), 15);
    expect(s.scoreVector([Number.NaN, 1])).toBeCloseTo(sigmoid(-0.9), 15);
    expect(s.scoreVector([6, 1])).toBe(s.score({ f1: 6, f2: 1 }));
  });

  it("maps through the isotonic knots by interpolation, with vertical steps and clipping", () => {
    const s = compileScorer(model({ method: "isotonic", x: [0.2, 0.5, 0.5, 0.8], y: [0.1, 0.3, 0.6, 0.9] }));
    const logit = (p: number) => Math.log(p / (1 - p));
    // Choose f1 so that η = logit(p): f1 = 2 + 4·(logit(p) − 0.1 + 1)/2 with f2 = 1.
    const at = (p: number) => s.score({ f1: 2 + 2 * (logit(p) - 0.1 + 1), f2: 1 });
    // 0.35 is halfway from 0.2 to 0.5: 0.1 + (0.3 − 0.1)·0.5 = 0.2.
    expect(at(0.35)).toBeCloseTo(0.2, 12);
    // On the vertical step at 0.5 the upper value holds: f1 = 2, f2 = 0.1 give η = 0.1 − 0.1 = 0 exactly, σ(0) = 0.5.
    expect(s.score({ f1: 2, f2: 0.1 })).toBe(0.6);
    expect(at(0.05)).toBe(0.1);
    expect(at(0.95)).toBe(0.9);
  });

  it("lists the features it reads, in scoreVector order, and checks the vector's length", () => {
    const s = compileScorer(model({ method: "none" }));
    expect(s.features).toEqual(["f1", "f2"]);
    expect(() => s.scoreVector([1])).toThrow(/expected 2 values \(f1, f2\)/);
  });

  it("refuses a model file that does not parse: wrong version, duplicate features, decreasing map", () => {
    expect(() => compileScorer({ ...model({ method: "none" }), version: 2 } as unknown as ScorerModel)).toThrow();
    const dup = model({ method: "none" });
    dup.features[1]!.name = "f1";
    expect(() => compileScorer(dup)).toThrow(/unique/);
    expect(() => compileScorer(model({ method: "isotonic", x: [0.1, 0.2], y: [0.5, 0.4] }))).toThrow(/non-decreasing/);
  });
});

describe("interpolateStep", () => {
  it("interpolates linearly between knots", () => {
    expect(interpolateStep({ x: [0, 1], y: [0, 0.5], at: 0.25 })).toBe(0.125);
  });
});
