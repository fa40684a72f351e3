/**
 * Latency statistics for bench runs: summaries, time per output token, inter-token gaps, goodput.
 *
 * Quantiles use linear interpolation between order statistics (Hyndman–Fan type 7): the p-quantile of
 * n sorted values x[0..n-1] is x[h] interpolated at h = (n - 1)·p. This is numpy's default
 * (`np.percentile(..., method="linear")`) and R's default, so numbers match what people check by hand.
 */
import { mean } from "simple-statistics";
import { quantileOfSorted as quantileSorted } from "./quantile.js";

export interface LatencySummary {
  n: number;
  /** All statistics are undefined when n = 0: there is no honest number to report. */
  mean: number | undefined;
  p50: number | undefined;
  p90: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
  min: number | undefined;
  max: number | undefined;
}

export function summarize(values: readonly number[]): LatencySummary {
  assertFinite(values, "summarize");
  if (values.length === 0) {
    return { n: 0, mean: undefined, p50: undefined, p90: undefined, p95: undefined, p99: undefined, min: undefined, max: undefined };
  }
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    mean: mean(sorted),
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

/**
 * Time per output token after the first: (e2e − ttft) / (outputTokens − 1).
 * Undefined when outputTokens ≤ 1, because a single-token answer has no inter-token time at all
 * (reporting 0 would flatter the mean).
 */
export function tpotMs(e2eMs: number, ttftMs: number, outputTokens: number): number | undefined {
  if (!Number.isFinite(e2eMs) || !Number.isFinite(ttftMs) || !Number.isFinite(outputTokens)) {
    throw new RangeError(`tpotMs: inputs must be finite numbers, got e2eMs=${e2eMs}, ttftMs=${ttftMs}, outputTokens=${outputTokens}`);
  }
  if (outputTokens <= 1) return undefined;
  // e2e before ttft can only come from mixing clocks; failing loudly beats averaging a negative time.
  if (e2eMs < ttftMs) {
    throw new RangeError(`tpotMs: e2eMs (${e2eMs}) is before ttftMs (${ttftMs}); measure both from the same monotonic clock`);
  }
  return (e2eMs - ttftMs) / (outputTokens - 1);
}

/**
 * Gaps between consecutive streamed chunks (length n − 1; empty for fewer than two chunks).
 * A chunk may carry several tokens, so these are inter-chunk latencies; that is what a reader of the
 * stream waits for.
 */
export function interTokenLatencies(chunkTimesMs: readonly number[]): number[] {
  assertFinite(chunkTimesMs, "interTokenLatencies");
  const gaps: number[] = [];
  for (let i = 1; i < chunkTimesMs.length; i++) {
    const gap = chunkTimesMs[i]! - chunkTimesMs[i - 1]!;
    if (gap < 0) {
      throw new RangeError(
        `interTokenLatencies: chunk ${i} arrived at ${chunkTimesMs[i]} ms, before chunk ${i - 1} at ${chunkTimesMs[i - 1]} ms; record arrival times from one monotonic clock (performance.now())`,
      );
    }
    gaps.push(gap);
  }
  return gaps;
}

export interface RequestTiming {
  ttftMs?: number;
  tpotMs?: number;
  e2eMs?: number;
  /** false = the request failed; a failed request never counts toward goodput. Default true. */
  ok?: boolean;
}

/** Service-level objectives; an unset field is not checked. A value equal to the limit meets it. */
export interface Slo {
  ttftMs?: number;
  tpotMs?: number;
  e2eMs?: number;
}

export interface Goodput {
  total: number;
  met: number;
  /** met / total; undefined when there were no requests. */
  share: number | undefined;
  /** Requests meeting every set SLO per second of wall time. */
  perSecond: number;
}

/**
 * Share and rate of requests meeting every set SLO (the DistServe / vLLM bench definition).
 * A missing ttftMs or e2eMs fails that SLO (the request never got there); a missing tpotMs meets it,
 * since a single-token answer has no inter-token time, as vLLM's bench treats it. So mark failed
 * requests `ok: false`, or a TPOT-only SLO would count them.
 */
export function goodput(requests: readonly RequestTiming[], slo: Slo, durationS: number): Goodput {
  if (!(Number.isFinite(durationS) && durationS > 0)) {
    throw new RangeError(`goodput: durationS must be a positive number of seconds, got ${durationS}`);
  }
  let met = 0;
  for (const r of requests) {
    if (r.ok === false) continue;
    if (slo.ttftMs !== undefined && !(r.ttftMs !== undefined && r.ttftMs <= slo.ttftMs)) continue;
    if (slo.e2eMs !== undefined && !(r.e2eMs !== undefined && r.e2eMs <= slo.e2eMs)) continue;
    if (slo.tpotMs !== undefined && r.tpotMs !== undefined && r.tpotMs > slo.tpotMs) continue;
    met++;
  }
  const total = requests.length;
  return { total, met, share: total === 0 ? undefined : met / total, perSecond: met / durationS };
}

function assertFinite(values: readonly number[], fn: string): void {
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`${fn}: value at index ${i} is ${v}; drop failed measurements before summarizing`);
  });
}
