import { describe, expect, it } from "vitest";
import { stratifiedFolds } from "./folds.js";

describe("stratifiedFolds", () => {
  const labels = Array.from({ length: 23 }, (_, i) => i % 3 === 0); // 8 right, 15 wrong

  it("spreads each class evenly over the folds", () => {
    const folds = stratifiedFolds({ labels, k: 4, seed: 1 });
    for (let f = 0; f < 4; f++) {
      const right = labels.filter((l, i) => l && folds[i] === f).length;
      const wrong = labels.filter((l, i) => !l && folds[i] === f).length;
      expect(right).toBe(2); // 8 / 4
      expect(wrong === 3 || wrong === 4).toBe(true); // 15 / 4, dealt on from where the right ones stopped
    }
    expect(new Set(folds)).toEqual(new Set([0, 1, 2, 3]));
  });

  it("is reproducible from the seed and changes with it", () => {
    expect(stratifiedFolds({ labels, k: 4, seed: 7 })).toEqual(stratifiedFolds({ labels, k: 4, seed: 7 }));
    expect(stratifiedFolds({ labels, k: 4, seed: 7 })).not.toEqual(stratifiedFolds({ labels, k: 4, seed: 8 }));
  });

  it("refuses impossible k", () => {
    expect(() => stratifiedFolds({ labels: [true], k: 2, seed: 1 })).toThrow(/at least 2 items/);
    expect(() => stratifiedFolds({ labels, k: 1, seed: 1 })).toThrow(/k must be an integer ≥ 2/);
  });
});
