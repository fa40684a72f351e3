/**
 * The one cost function and the price entry it reads. Entries use LiteLLM's model-price fields
 * (model_prices_and_context_window.json); price-table.ts loads a whole table.
 */
import { z } from "zod";
import type { Usage } from "../contracts/provider.js";
import { ConfigError } from "../../core/errors.js";
import type { LocalCostConfig } from "./schema.js";

const UsdPerToken = z.number().min(0, "a price cannot be negative");

export const ModelPrice = z.looseObject({
  input_cost_per_token: UsdPerToken,
  output_cost_per_token: UsdPerToken,
  cache_read_input_token_cost: UsdPerToken.optional(),
  cache_creation_input_token_cost: UsdPerToken.optional(),
  litellm_provider: z.string().optional(),
  mode: z.string().optional(),
  max_input_tokens: z.number().int().positive().optional(),
  max_output_tokens: z.number().int().positive().optional(),
  /** When this entry's prices were taken, if not with the rest of the table (`taken` below). */
  taken: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD")
    .optional(),
  /** Where this entry's prices come from, if not the table's `source`. */
  source: z.string().min(1).optional(),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

export const PriceTableSchema = z.strictObject({
  version: z.literal(1),
  /** The day the prices were taken; prices drift, so reports print it. */
  taken: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD"),
  source: z.string().min(1),
  currency: z.literal("USD").default("USD"),
  models: z.record(z.string(), ModelPrice),
});

/** The rates one request pays: LiteLLM's long-context tiers apply to every token of a request whose input exceeds the threshold. */
export interface RequestRates {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** The tier's threshold in input tokens, or null for the base rates. */
  aboveTokens: number | null;
}

const TIER_KEY = /^input_cost_per_token_above_(\d+)(k?)_tokens$/;

/** The long-context thresholds an entry prices (`input_cost_per_token_above_200k_tokens` → 200 000), largest first. */
export function tierThresholds(price: ModelPrice): { tokens: number; suffix: string }[] {
  const out: { tokens: number; suffix: string }[] = [];
  for (const [key, value] of Object.entries(price)) {
    const m = TIER_KEY.exec(key);
    if (!m || typeof value !== "number") continue;
    out.push({ tokens: Number(m[1]) * (m[2] ? 1000 : 1), suffix: `${m[1]}${m[2]}` });
  }
  return out.sort((a, b) => b.tokens - a.tokens);
}

function rate(price: ModelPrice, key: string, fallback: number): number {
  const v = (price as Record<string, unknown>)[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number" || !(v >= 0))
    throw new ConfigError({ message: `price field ${key} is ${JSON.stringify(v)}, not a price per token`, fix: "fix the price table entry" });
  return v;
}

/**
 * As LiteLLM computes it (_get_token_base_cost): the largest threshold the request's input tokens
 * exceed picks the tier, and each rate the tier leaves out falls back to the base rate.
 */
export function requestRates(price: ModelPrice, inputTokens: number): RequestRates {
  const base: RequestRates = {
    input: price.input_cost_per_token,
    output: price.output_cost_per_token,
    cacheRead: price.cache_read_input_token_cost ?? price.input_cost_per_token,
    cacheWrite: price.cache_creation_input_token_cost ?? price.input_cost_per_token,
    aboveTokens: null,
  };
  const tier = tierThresholds(price).find((t) => inputTokens > t.tokens);
  if (!tier) return base;
  const s = tier.suffix;
  const input = rate(price, `input_cost_per_token_above_${s}_tokens`, base.input);
  // A cache rate the entry never lists is the input rate, at this tier as at the base.
  const cacheRead = price.cache_read_input_token_cost === undefined ? input : base.cacheRead;
  const cacheWrite = price.cache_creation_input_token_cost === undefined ? input : base.cacheWrite;
  return {
    input,
    output: rate(price, `output_cost_per_token_above_${s}_tokens`, base.output),
    cacheRead: rate(price, `cache_read_input_token_cost_above_${s}_tokens`, cacheRead),
    cacheWrite: rate(price, `cache_creation_input_token_cost_above_${s}_tokens`, cacheWrite),
    aboveTokens: tier.tokens,
  };
}

/**
 * Marginal USD for one call. Unknown token counts cost nothing here but are flagged by the caller.
 * `requestInputTokens` picks the long-context tier when `usage` sums many calls (the simulator's day
 * totals); by default the usage is one request and its own input size picks it.
 */
export function tokenCostUsd(price: ModelPrice, usage: Usage, requestInputTokens?: number): number {
  const input = usage.inputTokens ?? 0;
  const cachedIn = usage.cacheReadTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  const plainIn = Math.max(0, input - cachedIn - written);
  const r = requestRates(price, requestInputTokens ?? input);
  return plainIn * r.input + cachedIn * r.cacheRead + written * r.cacheWrite + (usage.outputTokens ?? 0) * r.output;
}

/** USD per busy second of local hardware: (GPU rent + power) spread over the share of time it is used. */
export function localUsdPerSecond(cost: LocalCostConfig | undefined): number {
  if (!cost) return 0;
  const perHour = cost.gpu_usd_per_hour + (cost.watts / 1000) * cost.usd_per_kwh;
  return perHour / 3600 / cost.utilisation;
}
