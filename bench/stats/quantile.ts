/**
 * The one percentile definition every tierlab number uses: Hyndman–Fan type 7, linear interpolation
 * between order statistics at h = (n − 1)·p. It is R's default and numpy's `method="linear"`, so a reader
 * can redo any p50 or p95 in a spreadsheet (PERCENTILE.INC) and get the same figure.
 */
import { quantileSorted } from "simple-statistics";

/** Type-7 quantile of values already sorted ascending (numbers or a Float64Array); NaN when empty. */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  // simple-statistics implements type 7; it only indexes, so a typed array reads the same.
  return quantileSorted(sorted as unknown as number[], p);
}

/** Type-7 quantile of unsorted values; NaN when empty. */
export function quantile(values: readonly number[], p: number): number {
  return quantileOfSorted(
    [...values].sort((a, b) => a - b),
    p,
  );
}
