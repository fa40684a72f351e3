/**
 * Config for running in production (router config keys `shadow:`, `drift:` and `batch:`): shadow
 * checks of accepted local answers, the drift alarm on kept-answer error, and the batch tier.
 */
import { z } from "zod";

const Probability = z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");

export const ShadowConfig = z.strictObject({
  /** Share of accepted local answers also sent to the API tier (per action: `shadow_rate` in the action table). */
  rate: Probability.default(0.02),
  /** The tier asked; default the action's last non-local tier. */
  tier: z.string().min(1).optional(),
  /** Shadow spend is its own budget scope: never counted against, nor limited by, the serving budgets. */
  budget: z
    .strictObject({
      period: z.enum(["day", "week", "month"]).default("day"),
      limit_usd: z.number().min(0).default(1),
    })
    .default({ period: "day", limit_usd: 1 }),
  /** Shadow calls running at once; a sampled answer beyond it is skipped (and counted), never queued. */
  max_in_flight: z.number().int().min(1).max(1000).default(4),
  /** Seed of the sampling draws (tests, replays); unset = random. */
  seed: z.number().int().optional(),
});
export type ShadowConfig = z.infer<typeof ShadowConfig>;

export const DriftConfig = z.strictObject({
  /** Labels (shadow verdicts and feedback) kept per action and tier: the rolling window. */
  window: z.number().int().min(10).max(100_000).default(200),
  /** Fewer labels than this: no estimate is judged. */
  min_samples: z.number().int().min(1).default(30),
  /** Two-sided level of the Wilson interval; the alarm fires when its lower end is above α. */
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  /** Raise the tier's threshold when the alarm fires, by `step`, never above `max_threshold`. Every change is a ledger row. */
  tighten: z
    .strictObject({
      enabled: z.boolean().default(false),
      step: z.number().gt(0).max(0.5).default(0.05),
      max_threshold: Probability.default(0.95),
    })
    .default({ enabled: false, step: 0.05, max_threshold: 0.95 }),
});
export type DriftConfig = z.infer<typeof DriftConfig>;

export const BatchConfig = z.strictObject({
  /** How often queued deferrable requests are sent as one batch per model (and how often batches are polled). */
  submit_every_ms: z.number().int().min(10).default(60_000),
  poll_every_ms: z.number().int().min(10).default(60_000),
  /** Requests per batch at most (both APIs accept far more; smaller batches finish sooner). */
  max_requests: z.number().int().min(1).max(50_000).default(1000),
  /** An expired request goes into a later batch this many times before it is recorded as failed. */
  resubmit_expired: z.number().int().min(0).max(10).default(1),
});
export type BatchConfig = z.infer<typeof BatchConfig>;

export const SHADOW_DEFAULTS: ShadowConfig = ShadowConfig.parse({});
export const DRIFT_DEFAULTS: DriftConfig = DriftConfig.parse({});
export const BATCH_DEFAULTS: BatchConfig = BatchConfig.parse({});
