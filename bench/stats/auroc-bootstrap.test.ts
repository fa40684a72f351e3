import { describe, expect, it } from "vitest";
import { createRng } from "../../core/rng.js";
import { aurocWithBootstrap, signalAurocs, toUnitRanks } from "./auroc-bootstrap.js";

const items = (pos: number[], neg: number[]) => [...pos.map((score) => ({ score, correct: true })), ...neg.map((score) => ({ score, correct: false }))];

describe("aurocWithBootstrap", () => {
  it("computes the point AUROC of real-valued scores by hand", () => {
    // Right: 3, 2. Wrong: 1, 2. Pairs (right > wrong): 3>1, 3>2, 2>1 count 1 each, 2=2 counts ½ → 3.5/4.
    expect(aurocWithBootstrap(items([3, 2], [1, 2]), { seed: 1, iterations: 50 }).auroc).toBe(0.875);
    // Negative log-probabilities in the same order give the same AUROC.
    expect(aurocWithBootstrap(items([-0.1, -0.5], [-7, -0.5]), { seed: 1, iterations: 50 }).auroc).toBe(0.875);
  });

  it("brackets the point estimate with a percentile interval that narrows with more answers", () => {
    const rng = createRng(9);
    const sample = (n: number) =>
      Array.from({ length: n }, () => {
        const correct = rng.next() < 0.5;
        return { score: rng.next() + (correct ? 0.4 : 0), correct };
      });
    const small = aurocWithBootstrap(sample(60), { seed: 3 });
    const large = aurocWithBootstrap(sample(1000), { seed: 3, iterations: 1000 });
    for (const e of [small, large]) {
      expect(e.lower!).toBeLessThanOrEqual(e.auroc!);
      expect(e.upper!).toBeGreaterThanOrEqual(e.auroc!);
    }
    // Width shrinks like 1/√n: √(1000/60) ≈ 4.
    expect(large.upper! - large.lower!).toBeLessThan((small.upper! - small.lower!) / 2.5);
    // Two shifted uniforms (shift 0.4): AUROC = 1 − (1 − 0.4)²/2 = 0.82.
    expect(large.lower!).toBeLessThan(0.82);
    expect(large.upper!).toBeGreaterThan(0.82);
  });

  it("is reproducible from the seed and changes with it", () => {
    const rng = createRng(2);
    const data = Array.from({ length: 40 }, () => ({ score: rng.next(), correct: rng.next() < 0.5 }));
    const interval = (seed: number) => {
      const e = aurocWithBootstrap(data, { seed, iterations: 300 });
      return [e.lower, e.upper];
    };
    expect(interval(4)).toEqual(interval(4));
    expect(interval(4)).not.toEqual(interval(5));
  });

  it("leaves out missing values and counts them, and is null with one class only", () => {
    const e = aurocWithBootstrap(
      [...items([1], [0]), { score: null, correct: true }, { score: Number.NaN, correct: false }, { score: undefined, correct: true }],
      { seed: 1, iterations: 10 },
    );
    expect(e).toMatchObject({ auroc: 1, n: 2, positives: 1, negatives: 1, missing: 3 });
    expect(aurocWithBootstrap(items([1, 2], []), { seed: 1 })).toMatchObject({ auroc: null, lower: null, upper: null, positives: 2, negatives: 0 });
  });

  it("names each signal's estimate", () => {
    const out = signalAurocs({ logprob_min: items([-0.1], [-3]), agreement: items([1, 1], [0, 1]) }, { seed: 1, iterations: 20 });
    expect(Object.keys(out)).toEqual(["agreement", "logprob_min"]);
    // agreement: right 1, 1 vs wrong 0, 1 → (1 + ½ + 1 + ½)/4 = 0.75.
    expect(out.agreement!.auroc).toBe(0.75);
    expect(out.logprob_min!.auroc).toBe(1);
  });
});

describe("toUnitRanks", () => {
  it("keeps order and ties in [0, 1]", () => {
    expect(toUnitRanks(items([-5, 10], [10, 0])).map((p) => p.score)).toEqual([0, 1, 1, 0.5]);
    expect(toUnitRanks(items([3], [3])).map((p) => p.score)).toEqual([0, 0]);
  });
});
