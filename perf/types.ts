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

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (h - lo);
}
