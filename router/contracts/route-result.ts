import type { ChatMessage, FinishReason, ResponseFormat, ServerTimings, TokenCounter, Usage } from "./provider.js";
import type { CheckResult } from "./quality.js";

export const ROUTE_RESULT_VERSION = 1 as const;

/** Whether a latency was observed on the clock or computed from a hardware profile (replay). */
export type LatencySource = "measured" | "modelled";

/** `verifier`: a call that judged another attempt's answer (the action's verifier), not an answer itself. */
export type AttemptVerdict = "accepted" | "rejected" | "error" | "skipped" | "verifier";

export interface AttemptError {
  /** Error class name, e.g. RateLimitError. */
  class: string;
  message: string;
  retryable: boolean;
  status?: number;
}

/** Why an attempt's usage is not simply what the provider reported; the ledger keeps it as JSON in `usage_audit`. */
export interface UsageAudit {
  /** The provider's own figures, when they exceeded the request's worst case and `usage` was clamped to it. */
  reported?: { input_tokens?: number; output_tokens?: number; cache_read_tokens?: number; cache_write_tokens?: number };
  /** The tokenizer that counted usage the provider did not report (an attempt that failed after text streamed). */
  counted_by?: string;
}

/** One call to one model: what the ledger stores a row of. */
export interface Attempt {
  attempt: number;
  tier: string;
  modelId: string;
  provider: string;
  model: string;
  startedAt: string;
  latencyMs: number;
  /** Time to first content chunk, client side; undefined when no text arrived. */
  ttftMs?: number;
  /** `modelled` when the backend computed the timing (replay) instead of it being observed; absent = measured. */
  latencySource?: LatencySource;
  usage: Usage;
  /** Who counted `usage` when the backend did not report it (replay: a tokenizer, maybe a stand-in). */
  usageCountedBy?: TokenCounter;
  costUsd: number;
  /** Set when `usage` was clamped or estimated (see router/budget/metering.ts). */
  usageAudit?: UsageAudit;
  finishReason?: FinishReason;
  serverTimings?: ServerTimings;
  /** The quality checks' self-check score (format, completeness): not a probability of being right. */
  confidence?: number;
  checks?: CheckResult[];
  /** The learned scorer's P(correct) of this answer, where its cell has a scorer. */
  pCorrect?: number;
  verdict: AttemptVerdict;
  /** The tier whose failure led here; undefined on the first tier. */
  escalatedFrom?: string;
  error?: AttemptError;
  /** Only kept when the config enables store_prompts. */
  answer?: string;
}

export type RouteVerdict =
  /** An answer met the threshold. */
  | "accepted"
  /** No answer met the threshold; the best-scoring one is returned, flagged. */
  | "best_effort"
  /** No answer at all. */
  | "failed";

export interface RouteRequest {
  action: string;
  /** The user's input; rendered into the action's template. */
  prompt: string;
  /** Extra turns before the prompt (agent loops, gateway). */
  history?: ChatMessage[];
  requestId?: string;
  /** Caller tag for per-caller budgets and reports. */
  tag?: string;
  signal?: AbortSignal;
  /** Skip tiers whose name is not listed (bench: measure one tier). */
  onlyTiers?: string[];
  maxTokens?: number;
  /** Dataset item id (bench), passed to every attempt so a replay backend can find its recording. */
  itemId?: string;
  /**
   * The caller's output format (the gateway's response_format): replaces the action's for this
   * request, reaches the backend's structured output, and adds a json_schema gate check.
   */
  responseFormat?: ResponseFormat;
}

export interface RouteResult {
  version: typeof ROUTE_RESULT_VERSION;
  requestId: string;
  action: string;
  verdict: RouteVerdict;
  text: string;
  tier?: string;
  modelId?: string;
  provider?: string;
  /** The answer's self-check score (quality checks), as before issue 12; not a probability of being right. */
  confidence?: number;
  /** The self-check threshold of the tier that answered. */
  threshold: number;
  /** The learned scorer's P(correct) of the returned answer, where its cell has a scorer. */
  pCorrect?: number;
  /** The threshold on P(correct) the returned answer cleared; absent when its cell had none (self-check, final cell). */
  pCorrectThreshold?: number;
  /** Which policy routed the request: a calibrated or named one, or `legacy` (self-check cascade). */
  policy?: "cascade" | "consensus" | "api_first" | "legacy";
  checks: CheckResult[];
  attempts: Attempt[];
  /** The `attempt` number of the answer in `text`; its usage and finish reason are the answer's own. */
  answerAttempt?: number;
  /** Summed over every attempt; the answer's own usage is that of `answerAttempt`. */
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  ttftMs?: number;
  /** `modelled` when any attempt's timing was computed (replay): the route's latency then includes it; absent = measured. */
  latencySource?: LatencySource;
}
