import { quantileOfSorted } from "../bench/stats/quantile.js";

/** One printed benchmark number with its target, so `npm run perf` reads as a checklist. */
export interface PerfRow {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "≤ 20". */
  target?: string;
  /** Whether the value meets the target; undefined when there is none. */
  ok?: boolean;
}

/** Type-7 quantile of sorted values: the one definition, bench/stats/quantile.ts. */
export function quantile(sorted: number[], q: number): number {
  return quantileOfSorted(sorted, q);
}
