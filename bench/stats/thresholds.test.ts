import { describe, expect, it } from "vitest";
import type { ScoredOutcome } from "./calibration-metrics.js";
import { clopperPearsonUpper } from "./proportion.js";
import { type RiskControlChoice, type ThresholdChoice, escalationShareThreshold, riskControlThreshold } from "./thresholds.js";

/** 100 right answers scoring 0.8, 0.802, …, 0.998 and 100 wrong ones scoring 0.79, 0.788, …, 0.592. */
const split: ScoredOutcome[] = [
  ...Array.from({ length: 100 }, (_, i) => ({ score: 0.8 + 0.002 * i, correct: true })),
  ...Array.from({ length: 100 }, (_, i) => ({ score: 0.79 - 0.002 * i, correct: false })),
];

function chosen<T extends ThresholdChoice>(r: T | { refused: true; reason: string }): T {
  if (r.refused) throw new Error(`expected a threshold, got refusal: ${r.reason}`);
  return r;
}

describe("riskControlThreshold", () => {
  it("stops at the last right answer when one more wrong answer would break the bound", () => {
    // Preconditions derived in closed form: 0 wrong of 100 passes alpha = 0.04, 1 wrong of 101 does not.
    expect(1 - 0.05 ** (1 / 100)).toBeLessThan(0.04);
    expect(clopperPearsonUpper(1, 101)).toBeGreaterThan(0.04);
    const r = chosen<RiskControlChoice>(riskControlThreshold(split, { alpha: 0.04, delta: 0.05 }));
    expect(r.threshold).toBe(0.8);
    expect(r).toMatchObject({ method: "risk_control", coverage: 0.5, escalationRate: 0.5, acceptedAccuracy: 1, accepted: 100, n: 200 });
    expect(r.upperBound).toBeCloseTo(1 - 0.05 ** (1 / 100), 12);
  });

  it("takes exactly as many wrong answers as the bound allows", () => {
    expect(clopperPearsonUpper(1, 101)).toBeLessThanOrEqual(0.05);
    expect(clopperPearsonUpper(2, 102)).toBeGreaterThan(0.05);
    const r = chosen<RiskControlChoice>(riskControlThreshold(split, { alpha: 0.05, delta: 0.05 }));
    expect(r.threshold).toBe(0.79);
    expect(r.accepted).toBe(101);
    expect(r.acceptedAccuracy).toBeCloseTo(100 / 101, 12);
  });

  it("does not resume after a failure even when more lenient thresholds would pass again", () => {
    // Two wrong answers just below 0.8 break the bound at 102 accepted; 1000 right answers further down
    // would bring the error rate back under alpha, but the fixed sequence has already stopped.
    const pairs = [...split.slice(0, 102), ...Array.from({ length: 1000 }, (_, i) => ({ score: 0.7 - 0.0005 * i, correct: true }))];
    expect(clopperPearsonUpper(2, 1102)).toBeLessThan(0.05);
    const r = chosen(riskControlThreshold(pairs, { alpha: 0.05, delta: 0.05 }));
    expect(r.threshold).toBe(0.79);
    expect(r.accepted).toBe(101);
  });

  it("accepts everything tied at score 1 and reports threshold 1 with honest coverage", () => {
    const r = chosen(
      riskControlThreshold(
        Array.from({ length: 50 }, () => ({ score: 1, correct: true })),
        { alpha: 0.1, delta: 0.1 },
      ),
    );
    expect(r).toMatchObject({ threshold: 1, coverage: 1, accepted: 50 });
  });

  it("refuses with too few items, saying how many are needed", () => {
    const r = riskControlThreshold(split.slice(0, 20), { alpha: 0.1, delta: 0.1, label: "action summarize" });
    expect(r).toMatchObject({ refused: true, n: 20 });
    if (r.refused) expect(r.reason).toMatch(/need at least 30 labelled items for action summarize.*have 20/);
    expect(riskControlThreshold(split.slice(0, 20), { alpha: 0.2, delta: 0.1, minItems: 20 }).refused).toBe(false);
  });

  it("refuses when alpha is too small to prove with the items at hand", () => {
    // ln(0.05)/ln(0.99) = 298.07 → 299 error-free answers needed.
    const r = riskControlThreshold(split.slice(0, 100), { alpha: 0.01, delta: 0.05 });
    expect(r.refused).toBe(true);
    if (r.refused) expect(r.reason).toMatch(/need at least 299 labelled items.*have 100/);
  });

  it("refuses when every testable threshold fails", () => {
    const allWrong = split.map((p) => ({ ...p, correct: false }));
    const r = riskControlThreshold(allWrong, { alpha: 0.1, delta: 0.1 });
    expect(r.refused).toBe(true);
    if (r.refused) expect(r.reason).toMatch(/no threshold keeps the error rate.*Escalate everything/);
  });

  it("stops at the first failure even if a more lenient threshold would pass (fixed sequence)", () => {
    // Ten wrong answers at the very top, then 450 right ones: overall 10/460 wrong would pass alpha = 0.1,
    // but the first testable threshold (22 accepted, 10 wrong) fails and ends the sequence.
    const pairs = [
      ...Array.from({ length: 10 }, (_, i) => ({ score: 0.99 - 0.001 * i, correct: false })),
      ...Array.from({ length: 450 }, (_, i) => ({ score: 0.9 - 0.001 * i, correct: true })),
    ];
    expect(clopperPearsonUpper(10, 460, { confidence: 0.9 })).toBeLessThan(0.1);
    expect(riskControlThreshold(pairs, { alpha: 0.1, delta: 0.1 }).refused).toBe(true);
  });

  it("with minAccepted, starts testing at a larger acceptance set", () => {
    // One wrong answer on top: 1 wrong of 22 fails alpha = 0.1 at 90 %, 1 wrong of 60 passes.
    const pairs = [{ score: 0.99, correct: false }, ...Array.from({ length: 199 }, (_, i) => ({ score: 0.9 - 0.004 * i, correct: true }))];
    expect(clopperPearsonUpper(1, 22, { confidence: 0.9 })).toBeGreaterThan(0.1);
    expect(clopperPearsonUpper(1, 60, { confidence: 0.9 })).toBeLessThanOrEqual(0.1);
    expect(riskControlThreshold(pairs, { alpha: 0.1, delta: 0.1 }).refused).toBe(true);
    const r = chosen(riskControlThreshold(pairs, { alpha: 0.1, delta: 0.1, minAccepted: 60 }));
    expect(r.coverage).toBe(1);
    expect(r.threshold).toBeCloseTo(0.9 - 0.004 * 198, 12);
  });

  it("rejects alpha and delta outside (0, 1)", () => {
    expect(() => riskControlThreshold(split, { alpha: 0, delta: 0.1 })).toThrow(/alpha/);
    expect(() => riskControlThreshold(split, { alpha: 0.1, delta: 1 })).toThrow(/delta/);
  });
});

describe("escalationShareThreshold", () => {
  /** Scores 0.01 … 1.00; right exactly when score > 0.5. */
  const grid = Array.from({ length: 100 }, (_, i) => ({ score: (i + 1) / 100, correct: (i + 1) / 100 > 0.5 }));

  it("uses the numpy-linear score quantile and reports the realised escalation rate", () => {
    const r = chosen(escalationShareThreshold(grid, { share: 0.2 }));
    // h = 99·0.2 = 19.8 → 0.20 + 0.8·(0.21 − 0.20).
    expect(r.threshold).toBeCloseTo(0.208, 12);
    expect(r).toMatchObject({ method: "escalation_share", accepted: 80, n: 100 });
    expect(r.escalationRate).toBeCloseTo(0.2, 12);
    expect(r.acceptedAccuracy).toBeCloseTo(50 / 80, 12);
  });

  it("maps share 0 to threshold 0 and share 1 to threshold 1, still accepting scores of exactly 1", () => {
    expect(chosen(escalationShareThreshold(grid, { share: 0 }))).toMatchObject({ threshold: 0, coverage: 1 });
    const all = chosen(escalationShareThreshold(grid, { share: 1 }));
    expect(all).toMatchObject({ threshold: 1, accepted: 1, coverage: 0.01, acceptedAccuracy: 1 });
    const none = chosen(escalationShareThreshold(grid.slice(0, 99), { share: 1 }));
    expect(none).toMatchObject({ threshold: 1, accepted: 0, escalationRate: 1, acceptedAccuracy: undefined });
  });

  it("reports the honest rate when ties make the target share unreachable", () => {
    const tied = Array.from({ length: 40 }, () => ({ score: 0.5, correct: true }));
    expect(chosen(escalationShareThreshold(tied, { share: 0.3 }))).toMatchObject({ threshold: 0.5, escalationRate: 0 });
  });

  it("refuses with too few items and rejects a share outside [0, 1]", () => {
    const r = escalationShareThreshold(grid.slice(0, 5), { share: 0.5, label: "action extract" });
    expect(r.refused).toBe(true);
    if (r.refused) expect(r.reason).toMatch(/need at least 30 labelled items for action extract.*have 5/);
    expect(() => escalationShareThreshold(grid, { share: 1.5 })).toThrow(/share/);
  });
});
