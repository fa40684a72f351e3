/**
 * What the batch tier adds, as the results file records it: the same profile simulated with and
 * without the deferrable share (deferrable.ts), the hybrid cost of each over the month (or the
 * horizon), and the difference. Both runs are modelled; the batch latency is an assumption.
 */
import { z } from "zod";
import type { TrialBlock } from "./engine-common.js";
import type { DeferralPlan } from "./deferrable.js";
import { summarize, windowSeries } from "./summary.js";

const Num = z.number();

export const BatchSummarySchema = z.strictObject({
  /** action → share of its calls that may wait (profile `deferrable:` ∩ the config's deferrable actions). */
  shares: z.record(z.string(), Num),
  /** Share of all calls that may wait. */
  deferrable_share_of_calls: Num,
  /** Assumed time for a batch to come back (uniform). */
  latency_hours: z.strictObject({ lo: Num, hi: Num }),
  /** Trials of each of the two runs compared (the main run's first ones, and the run with deferral). */
  trials: z.number().int(),
  window_days: z.number().int(),
  hybrid_cost_usd_p50: z.strictObject({ live: Num, with_batch: Num }),
  hybrid_cost_usd_mean: z.strictObject({ live: Num, with_batch: Num }),
  /** live − with_batch, of the P50s. */
  saving_usd_p50: Num,
  /** saving / live, of the P50s. */
  saving_share_p50: Num,
  notes: z.array(z.string()),
});
export type BatchSummary = z.infer<typeof BatchSummarySchema>;

export function batchSummary(args: { live: TrialBlock; deferred: TrialBlock; days: number; plan: DeferralPlan; mix: Record<string, number> }): BatchSummary {
  const n = args.deferred.end - args.deferred.start;
  const window = args.days >= 30 ? 30 : args.days;
  // Trial i of both runs draws from the seed's stream i; the main run's first n trials are that run's.
  const live = summarize(windowSeries({ ...args.live, end: args.live.start + n }, args.days, 0, window).hybrid);
  const batch = summarize(windowSeries(args.deferred, args.days, 0, window).hybrid);
  const callShare = Object.entries(args.plan.shares).reduce((s, [a, x]) => s + x * (args.mix[a] ?? 0), 0);
  return {
    shares: args.plan.shares,
    deferrable_share_of_calls: callShare,
    latency_hours: args.plan.latencyHours,
    trials: n,
    window_days: window,
    hybrid_cost_usd_p50: { live: live.p50, with_batch: batch.p50 },
    hybrid_cost_usd_mean: { live: live.mean, with_batch: batch.mean },
    saving_usd_p50: live.p50 - batch.p50,
    saving_share_p50: live.p50 > 0 ? (live.p50 - batch.p50) / live.p50 : 0,
    notes: [
      "modelled: deferred calls run their local tiers, then the first API tier through its batch API at the batch price (half the standard rates unless the price table lists *_batches rates); they are never retried live",
      `batch completion time is an assumption: uniform ${args.plan.latencyHours.lo}–${args.plan.latencyHours.hi} h (assumptions.batch_latency_hours)`,
      ...args.plan.notes,
    ],
  };
}
