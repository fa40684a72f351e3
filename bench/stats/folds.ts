/**
 * Seeded, stratified k-fold assignment for cross-fitting: each fold gets the same share of correct and
 * wrong answers (±1), so no training split is left without one of the two classes.
 */
import { createRng, type Rng } from "../../core/rng.js";

/** The fold (0 … k−1) of each item. Same labels, k and seed give the same folds. */
export function stratifiedFolds(args: { labels: readonly boolean[]; k: number; seed: number }): number[] {
  const { labels, k, seed } = args;
  if (!(Number.isInteger(k) && k >= 2)) throw new RangeError(`stratifiedFolds: k must be an integer ≥ 2, got ${k}`);
  if (k > labels.length) throw new RangeError(`stratifiedFolds: k=${k} folds need at least ${k} items, have ${labels.length}`);
  if (!Number.isFinite(seed)) throw new RangeError(`stratifiedFolds: seed must be a finite number, got ${seed}`);
  const rng = createRng(seed);
  const folds = new Array<number>(labels.length);
  // Dealing continues across the two classes, so fold sizes differ by at most one overall too.
  let next = 0;
  for (const cls of [true, false]) {
    const members = shuffled(
      labels.flatMap((l, i) => (l === cls ? [i] : [])),
      rng,
    );
    for (const i of members) {
      folds[i] = next;
      next = (next + 1) % k;
    }
  }
  return folds;
}

/** Fisher–Yates with the project RNG. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
