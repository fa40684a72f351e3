import type { FinishReason, JsonSchema } from "./provider.js";

/** What a check sees: the answer plus what the router knows about the request. */
export interface CheckInput {
  text: string;
  finishReason: FinishReason;
  action: string;
  prompt: string;
  schema?: JsonSchema;
}

export interface CheckResult {
  id: string;
  /** 0..1; 1 = no problem found. */
  score: number;
  pass: boolean;
  reason: string;
}

/** A pure check: same input and params, same result. Params come from the action's config entry. */
export interface QualityCheck {
  id: string;
  category: "format" | "completeness" | "coherence";
  description: string;
  /** The parameter keys it reads from its config entry; any other key is a config error (a typo would be ignored). */
  params: readonly string[];
  /** Validates params once at config load; throws with a message naming the bad field. */
  run(input: CheckInput, params: Record<string, unknown>): CheckResult;
}

export interface QualityVerdict {
  /** Combined confidence 0..1 (weighted mean, capped by failing gates). */
  confidence: number;
  threshold: number;
  pass: boolean;
  checks: CheckResult[];
}
