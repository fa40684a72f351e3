/**
 * The routing rules, as pure functions. The router executes them against real providers; the
 * simulator executes the same functions against sampled outcomes. There is no second copy.
 */
import type { RouterConfig } from "../config/load.js";

export interface ThresholdChoice {
  threshold: number;
  source: "calibration" | "action" | "default";
}

/** The tiers an action may use, in order: its first tier, then its escalation chain. */
export function tierChain(config: RouterConfig, action: string): string[] {
  const a = config.data.actions[action];
  if (!a) return [];
  return [a.tier, ...a.escalate];
}

/**
 * Threshold for an answer of `action` produced on `tier`. Precedence: a calibration entry for
 * (action, tier), then for the action on any tier, then the action's own, then the default.
 */
export function thresholdFor(config: RouterConfig, action: string, tier?: string): ThresholdChoice {
  const cal = config.calibration?.thresholds;
  if (cal) {
    const exact = tier === undefined ? undefined : cal.find((t) => t.action === action && t.tier === tier);
    const any = exact ?? cal.find((t) => t.action === action && t.tier === undefined);
    if (any) return { threshold: any.threshold, source: "calibration" };
  }
  const own = config.data.actions[action]?.threshold;
  if (own !== undefined) return { threshold: own, source: "action" };
  return { threshold: config.data.defaults.threshold, source: "default" };
}

export type AttemptOutcome = { kind: "answer"; confidence: number; threshold: number } | { kind: "error"; retryable: boolean };

export type NextStep =
  /** Return this answer. */
  | "accept"
  /** Same model again after a backoff. */
  | "retry"
  /** The model failed for good: try the tier's next model, else the next tier. */
  | "next_model"
  /** The answer was below threshold: a sibling model of the same size rarely does better, so move up. */
  | "next_tier";

export function nextStep(outcome: AttemptOutcome, retriesUsed: number, maxRetries: number): NextStep {
  if (outcome.kind === "answer") return outcome.confidence >= outcome.threshold ? "accept" : "next_tier";
  if (outcome.retryable && retriesUsed < maxRetries) return "retry";
  return "next_model";
}

/**
 * When the chain is exhausted with only below-threshold answers, the best one is returned flagged
 * `best_effort` rather than nothing: the caller decides whether a low-confidence answer is usable.
 */
export function pickBestEffort<T extends { confidence: number }>(answers: T[]): T | undefined {
  let best: T | undefined;
  for (const a of answers) if (!best || a.confidence > best.confidence) best = a;
  return best;
}
