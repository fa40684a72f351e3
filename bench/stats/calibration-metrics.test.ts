import { describe, expect, it } from "vitest";
import { createRng } from "../../core/rng.js";
import { type ScoredOutcome, aurc, auroc, brierScore, expectedCalibrationError, reliabilityBins, riskCoverageCurve } from "./calibration-metrics.js";

/** `count` items at `score`, of which `right` are correct. */
function group(score: number, count: number, right: number): ScoredOutcome[] {
  return Array.from({ length: count }, (_, i) => ({ score, correct: i < right }));
}

/** Scores 0.1, 0.3, …, 0.9 with exactly that share correct: calibrated by construction. */
const calibrated = [group(0.1, 10, 1), group(0.3, 10, 3), group(0.5, 10, 5), group(0.7, 10, 7), group(0.9, 10, 9)].flat();

describe("reliabilityBins", () => {
  it("has 15 equal-width bins with count, mean score and accuracy", () => {
    const bins = reliabilityBins(calibrated);
    expect(bins).toHaveLength(15);
    expect(bins[0]).toMatchObject({ lower: 0, count: 0, meanScore: undefined, accuracy: undefined });
    // 0.9·15 = 13.5 → bin 13, covering [13/15, 14/15).
    expect(bins[13]).toMatchObject({ count: 10, accuracy: 0.9 });
    expect(bins[13]!.meanScore).toBeCloseTo(0.9, 12);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(50);
  });

  it("puts 0 in the first bin and 1 in the last", () => {
    const bins = reliabilityBins([
      { score: 0, correct: false },
      { score: 1, correct: true },
    ]);
    expect(bins[0]!.count).toBe(1);
    expect(bins[14]!.count).toBe(1);
  });

  it("rejects scores outside [0, 1]", () => {
    expect(() => reliabilityBins([{ score: 1.2, correct: true }])).toThrow(/item 0/);
  });
});

describe("expectedCalibrationError", () => {
  it("is 0 for a calibrated set", () => {
    expect(expectedCalibrationError(calibrated)).toBeCloseTo(0, 12);
  });

  it("is the confidence gap for an overconfident set", () => {
    // All at 0.9, half right: |0.5 − 0.9| = 0.4.
    expect(expectedCalibrationError(group(0.9, 20, 10))).toBeCloseTo(0.4, 12);
    // Two bins weighted by count: 3/4·|1 − 0.9| + 1/4·|0 − 0.2| = 0.125.
    expect(expectedCalibrationError([...group(0.9, 30, 30), ...group(0.2, 10, 0)])).toBeCloseTo(0.125, 12);
  });

  it("is undefined with no items", () => {
    expect(expectedCalibrationError([])).toBeUndefined();
  });
});

describe("brierScore", () => {
  it("is 0 for confident right answers and averages squared gaps otherwise", () => {
    expect(brierScore(group(1, 5, 5))).toBe(0);
    expect(brierScore(group(0.9, 2, 1))).toBeCloseTo((0.01 + 0.81) / 2, 12);
    expect(brierScore([])).toBeUndefined();
  });
});

describe("auroc", () => {
  it("is 1 when correct answers all score higher, 0 when reversed, 0.5 when all tied", () => {
    const separated = [...group(0.9, 5, 5), ...group(0.2, 5, 0)];
    expect(auroc(separated)).toBe(1);
    expect(auroc(separated.map((p) => ({ ...p, correct: !p.correct })))).toBe(0);
    expect(auroc(group(0.5, 10, 4))).toBe(0.5);
  });

  it("equals brute-force pair counting with ties worth one half", () => {
    const rng = createRng(7);
    // Scores on a coarse grid so ties are common.
    const pairs = Array.from({ length: 80 }, () => {
      const score = Math.floor(rng.next() * 6) / 5;
      return { score, correct: rng.next() < score * 0.8 + 0.1 };
    });
    let wins = 0;
    let total = 0;
    for (const p of pairs.filter((x) => x.correct)) {
      for (const q of pairs.filter((x) => !x.correct)) {
        total++;
        wins += p.score > q.score ? 1 : p.score === q.score ? 0.5 : 0;
      }
    }
    expect(auroc(pairs)).toBeCloseTo(wins / total, 12);
  });

  it("is undefined when one class is empty", () => {
    expect(auroc(group(0.7, 5, 5))).toBeUndefined();
    expect(auroc(group(0.7, 5, 0))).toBeUndefined();
  });
});

describe("riskCoverageCurve and aurc", () => {
  const pairs: ScoredOutcome[] = [
    { score: 0.9, correct: true },
    { score: 0.8, correct: false },
    { score: 0.8, correct: true },
    { score: 0.5, correct: true },
    { score: 0.1, correct: false },
  ];

  it("has one point per distinct score, strictest first, ties accepted together", () => {
    expect(riskCoverageCurve(pairs)).toEqual([
      { threshold: 0.9, accepted: 1, errors: 0, coverage: 0.2, risk: 0 },
      { threshold: 0.8, accepted: 3, errors: 1, coverage: 0.6, risk: 1 / 3 },
      { threshold: 0.5, accepted: 4, errors: 1, coverage: 0.8, risk: 0.25 },
      { threshold: 0.1, accepted: 5, errors: 2, coverage: 1, risk: 0.4 },
    ]);
  });

  it("integrates the step curve: 0.2·0 + 0.4·1/3 + 0.2·0.25 + 0.2·0.4", () => {
    expect(aurc(pairs)).toBeCloseTo(0.4 / 3 + 0.05 + 0.08, 12);
  });

  it("equals the mean of top-i risks when scores are distinct", () => {
    const rng = createRng(11);
    const distinct = Array.from({ length: 50 }, (_, i) => ({ score: (i + 0.5) / 50, correct: rng.next() < (i + 0.5) / 50 }));
    const sorted = [...distinct].sort((a, b) => b.score - a.score);
    let errors = 0;
    let sum = 0;
    sorted.forEach((p, i) => {
      if (!p.correct) errors++;
      sum += errors / (i + 1);
    });
    expect(aurc(distinct)).toBeCloseTo(sum / sorted.length, 12);
  });

  it("is 0 when no answer is wrong and undefined for no items", () => {
    expect(aurc(group(0.9, 5, 5))).toBe(0);
    expect(riskCoverageCurve([])).toEqual([]);
    expect(aurc([])).toBeUndefined();
  });
});
