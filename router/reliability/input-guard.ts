/**
 * Request checks that need the action's plan, done once before any model is called, so bad input
 * fails fast with exit code 2 (HTTP 400) instead of as a cascade of provider errors (exit 3, 502).
 */
import type { ActionPlan } from "../action-plan.js";
import type { ResolvedModel } from "../config/load.js";
import type { RouteRequest } from "../contracts/route-result.js";
import { UsageError } from "../../core/errors.js";
import type { ContextWindow } from "./context-window.js";

/** English averages ~4 characters per token; code and other scripts have fewer, so this under-counts. */
const CHARS_PER_TOKEN = 4;

export function checkMaxTokens(req: RouteRequest): void {
  const max = req.maxTokens;
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) {
    throw new UsageError({
      message: `max tokens must be a whole number ≥ 1 (got ${max})`,
      fix: "pass --max-tokens N, or leave it out to use the action's max_tokens",
    });
  }
}

/** The models a request may reach, in cascade order. */
export function candidateModels(plan: ActionPlan, req: RouteRequest): ResolvedModel[] {
  return plan.tiers.filter((t) => !req.onlyTiers || req.onlyTiers.includes(t.name)).flatMap((t) => t.models);
}

/**
 * Refuses a prompt that no usable model of the action can take: every model has a context window
 * (context-window.ts), and a model that cannot answer at all (a hosted API without its key) does not
 * count as one that could take it. When no model is usable at all, the prompt's size is not the problem.
 */
export function checkRequestFits(args: {
  plan: ActionPlan;
  req: RouteRequest;
  windows: ReadonlyMap<string, ContextWindow>;
  unusable: (m: ResolvedModel) => string | undefined;
}): void {
  const { plan, req } = args;
  checkMaxTokens(req);
  const models = candidateModels(plan, req);
  if (models.length === 0) return;
  const chars = plan.messages(req.prompt, req.history).reduce((n, m) => n + m.content.length, 0);
  const promptTokens = Math.ceil(chars / CHARS_PER_TOKEN);
  const output = req.maxTokens ?? plan.maxTokens;
  const sized = models.map((m) => ({ m, tokens: args.windows.get(m.id)?.tokens ?? Number.POSITIVE_INFINITY, unusable: args.unusable(m) }));
  if (sized.some((s) => !s.unusable && promptTokens + output <= s.tokens)) return;
  const usable = sized.filter((s) => !s.unusable);
  // No model can answer at all, yet one could take the prompt: that is unavailability, not size; the route reports it.
  if (usable.length === 0 && sized.some((s) => promptTokens + output <= s.tokens)) return;
  const largest = (usable.length ? usable : sized).reduce((a, b) => (b.tokens > a.tokens ? b : a));
  const big = sized.filter((s) => s.unusable && promptTokens + output <= s.tokens);
  const skipped = big.length ? `; ${big.map((s) => `${s.m.id} (${s.tokens} tokens) could take it but cannot be used: ${s.unusable}`).join("; ")}` : "";
  throw new UsageError({
    message: `the prompt is about ${promptTokens} tokens + ${output} to generate, over the context of every ${big.length ? "usable " : ""}model of action "${plan.name}" (largest: ${largest.m.id}, ${largest.tokens} tokens)${skipped}`,
    fix: big.length
      ? `shorten the prompt or lower --max-tokens, or make ${big.map((s) => s.m.id).join(", ")} usable (${big[0]!.unusable})`
      : "shorten the prompt, lower --max-tokens, or add a model with a larger context to the action's tiers (context_tokens, or context_size on the provider)",
  });
}
