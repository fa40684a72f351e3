/**
 * Request checks that need the action's plan, done once before any model is called, so bad input
 * fails fast with exit code 2 instead of as a cascade of provider errors (exit 3).
 */
import type { ActionPlan } from "../action-plan.js";
import type { RouteRequest } from "../contracts/route-result.js";
import { UsageError } from "../errors.js";

/** English averages ~4 characters per token; code and other scripts have fewer, so this under-counts. */
const CHARS_PER_TOKEN = 4;

export function checkRequestFits(plan: ActionPlan, req: RouteRequest): void {
  const max = req.maxTokens;
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) {
    throw new UsageError({ message: `max tokens must be a whole number ≥ 1 (got ${max})`, fix: "pass --max-tokens N, or leave it out to use the action's max_tokens" });
  }
  const models = plan.tiers.filter((t) => !req.onlyTiers || req.onlyTiers.includes(t.name)).flatMap((t) => t.models);
  // Only when every model declares its context: otherwise the undeclared one may take the prompt.
  if (models.length === 0 || models.some((m) => m.context_tokens === undefined)) return;
  const chars = plan.messages(req.prompt, req.history).reduce((n, m) => n + m.content.length, 0);
  const promptTokens = Math.ceil(chars / CHARS_PER_TOKEN);
  const output = max ?? plan.maxTokens;
  const largest = models.reduce((a, b) => (b.context_tokens! > a.context_tokens! ? b : a));
  if (promptTokens + output <= largest.context_tokens!) return;
  throw new UsageError({
    message: `the prompt is about ${promptTokens} tokens + ${output} to generate, over the context of every model of action "${plan.name}" (largest: ${largest.id}, ${largest.context_tokens} tokens)`,
    fix: "shorten the prompt, lower --max-tokens, or add a model with a larger context_tokens to the action's tiers",
  });
}
