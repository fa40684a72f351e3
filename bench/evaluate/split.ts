/** A seeded split of items into a fit part and an evaluation part: the same items, share and seed give the same parts. */
import { createRng } from "../../core/rng.js";
import { shuffled } from "../stats/folds.js";

export function splitItems<T>(items: readonly T[], opts: { share: number; seed: number }): { fit: T[]; eval: T[] } {
  if (!(opts.share > 0 && opts.share < 1)) throw new RangeError(`splitItems: the fit share must be in (0, 1), got ${opts.share}`);
  const order = shuffled(items, createRng(opts.seed));
  const cut = Math.round(opts.share * items.length);
  return { fit: order.slice(0, cut), eval: order.slice(cut) };
}
