/**
 * Inputs and results of the cost–quality frontier (frontier.ts). Items say, for every model, whether its
 * answer was right, what the call cost, the scorer's P(correct) and the extracted answer; policies are
 * computed from those alone, so the same items give the same frontier whatever produced them (replay,
 * live bench). The result is the `policies[]` of `bench evaluate --json` (issue 12), snake_case on the wire.
 */
import { z } from "zod";

export const ModelOutcome = z.strictObject({
  correct: z.boolean(),
  /** What this call costs, in USD (0 for an unpriced local call; amortised hardware cost where configured). */
  costUsd: z.number().min(0),
  /** The scorer's P(correct) of this answer; needed where a policy thresholds this model. */
  score: z.number().min(0).max(1).optional(),
  /** The extracted, canonical answer (router/answers/); null when unparseable. Needed by consensus. */
  answer: z.string().nullable().optional(),
});
export type ModelOutcome = z.infer<typeof ModelOutcome>;

export const FrontierItem = z.strictObject({
  id: z.string().min(1),
  outcomes: z.record(z.string(), ModelOutcome),
});
export type FrontierItem = z.infer<typeof FrontierItem>;

export const ModelTier = z.strictObject({ name: z.string().min(1), tier: z.enum(["local", "api"]) });
export type ModelTier = z.infer<typeof ModelTier>;

/** Threshold policies carry the α and δ their thresholds were chosen for (Learn-then-Test), if any. */
const Guarantee = { alpha: z.number().gt(0).lt(1).optional(), delta: z.number().gt(0).lt(1).optional() };

export const PolicySpec = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("single"), name: z.string().optional(), model: z.string() }),
  /** Calls models in order; keeps model i's answer when its score ≥ thresholds[i]; the last one always answers. */
  z.strictObject({
    kind: z.literal("cascade"),
    name: z.string().optional(),
    models: z.array(z.string()).min(2),
    thresholds: z.array(z.number().min(0).max(1)),
    ...Guarantee,
  }),
  /**
   * Calls both local models (paying both); keeps the first one's answer when their answers agree and
   * the score of `scoreFrom` (default the first) ≥ threshold (null: agreement alone); else calls `fallback`.
   */
  z.strictObject({
    kind: z.literal("consensus"),
    name: z.string().optional(),
    models: z.tuple([z.string(), z.string()]),
    fallback: z.string(),
    threshold: z.number().min(0).max(1).nullable(),
    scoreFrom: z.string().optional(),
    ...Guarantee,
  }),
  /** Calls models in order and keeps the first right answer, the last model answering otherwise: the limit of any cascade over them. */
  z.strictObject({ kind: z.literal("oracle"), name: z.string().optional(), models: z.array(z.string()).min(2) }),
  /** Sends each request to `api` with probability apiShare, else to `local`: the exact expectation, not a sample. */
  z.strictObject({ kind: z.literal("random"), name: z.string().optional(), local: z.string(), api: z.string(), apiShare: z.number().min(0).max(1) }),
]);
export type PolicySpec = z.infer<typeof PolicySpec>;

export const PolicyKind = z.enum(["single", "cascade", "consensus", "oracle", "random"]);

const Interval = z.strictObject({ lower: z.number(), upper: z.number() });

export const PolicyPoint = z.strictObject({
  name: z.string(),
  kind: PolicyKind,
  /** Every model the policy may call, in call order. */
  models: z.array(z.string()),
  /** Per-model thresholds where the policy has them, else null. */
  thresholds: z.array(z.number()).nullable(),
  n: z.number().int().min(0),
  /** Share of final answers that are right (an exact expectation for `random`). */
  accuracy: z.number(),
  /** Wilson 95 % interval (at the expected rate for `random`). */
  accuracy_ci95: Interval,
  /** Share of requests that called an API-tier model. */
  api_share: z.number(),
  cost_per_1k_usd: z.number(),
  /** Local answers kept (expected count for `random`). */
  kept: z.number(),
  /** Error among the kept local answers; null for single models and where nothing was kept. */
  kept_error: z.number().nullable(),
  alpha: z.number().nullable(),
  delta: z.number().nullable(),
  /** The calibration file's policy this point is (`bench evaluate`), null for the reference points. */
  policy: z.enum(["cascade", "consensus", "api_first"]).nullable().optional(),
  /** The policy `bench calibrate`'s rule recommends, chosen on the fit part only. */
  recommended: z.boolean().optional(),
  /** One-sided Clopper–Pearson (1 − δ) upper bound on kept_error; null where kept_error is. */
  kept_error_upper: z.number().nullable().optional(),
  /** kept_error ≤ alpha on these (held-out) items; null where the policy has no alpha. */
  within_alpha: z.boolean().nullable().optional(),
});
export type PolicyPoint = z.infer<typeof PolicyPoint>;

export const SignalAurocRow = z.strictObject({
  policy: z.enum(["cascade", "consensus", "api_first"]),
  cell: z.string(),
  /** The model whose answers are scored. */
  model: z.string(),
  signal: z.string(),
  auroc: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  n: z.number().int().min(0),
});
export type SignalAurocRow = z.infer<typeof SignalAurocRow>;

export const RouterMetricsRow = z.strictObject({
  policy: z.enum(["cascade", "consensus", "api_first"]),
  cell: z.string(),
  local: z.string(),
  api: z.string(),
  /** Accuracy of the local (weak) and API (strong) model alone on the evaluated items. */
  weak: z.number(),
  strong: z.number(),
  apgr: z.number().nullable(),
  calls_to_gap: z.strictObject({ "50": z.number().nullable(), "80": z.number().nullable(), "95": z.number().nullable() }),
});
export type RouterMetricsRow = z.infer<typeof RouterMetricsRow>;

export const EVALUATE_REPORT_VERSION = 1;

/** The whole `bench evaluate --json` document of issue 12; readers check `version` first. */
export const EvaluateReport = z.strictObject({
  version: z.literal(EVALUATE_REPORT_VERSION),
  dataset: z.string(),
  /** Items the scorer and thresholds were fitted on, items the policies were judged on, and the split's seed. */
  split: z.strictObject({ fit: z.number().int().min(0), eval: z.number().int().min(0), seed: z.number().int() }),
  policies: z.array(PolicyPoint),
  /** The action evaluated (a dataset may hold several; one is evaluated at a time). */
  action: z.string().optional(),
  /** Name of the recommended policy's point. */
  recommended: z.string().nullable().optional(),
  /** AUROC of each signal (and of the learned P(correct)) on the evaluated items that reach each scored cell, with bootstrap 95 % intervals. */
  signals: z.array(SignalAurocRow).optional(),
  /** RouteLLM's APGR and calls-to-reach-the-gap for each scored first cell, routed against the final API model. */
  routellm: z.array(RouterMetricsRow).optional(),
  /** Cells left out, items dropped, what could not be computed. */
  notes: z.array(z.string()).optional(),
});
export type EvaluateReport = z.infer<typeof EvaluateReport>;
