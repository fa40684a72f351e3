/** Seeded sampling of dataset items: same seed, same subset, returned in file order. */
import { createRng, type Rng } from "../../core/rng.js";
import type { DatasetItem } from "./schema.js";

/**
 * k distinct indices out of n, ascending. A seeded Fisher-Yates prefix, so for one seed a smaller
 * k gives a subset of a larger k: raising --limit adds items instead of reshuffling them.
 */
export function sampleIndices({ n, k, rng }: { n: number; k: number; rng: Rng }): number[] {
  const take = Math.max(0, Math.min(n, Math.floor(k)));
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, take).sort((a, b) => a - b);
}

export interface SampleOptions {
  /** How many items; undefined = all (after the action filter). */
  limit?: number | undefined;
  seed: number;
  /** Keep only items of this action. */
  action?: string | undefined;
}

export function sampleItems<T extends Pick<DatasetItem, "action">>(items: readonly T[], opts: SampleOptions): T[] {
  const pool = opts.action === undefined ? [...items] : items.filter((i) => i.action === opts.action);
  if (opts.limit === undefined || opts.limit >= pool.length) return pool;
  return sampleIndices({ n: pool.length, k: opts.limit, rng: createRng(opts.seed) }).map((i) => pool[i]!);
}
