/**
 * The one price table and the one cost function. Entries use LiteLLM's model-price fields
 * (model_prices_and_context_window.json) so a table can be copied from there.
 */
import { z } from "zod";
import type { Usage } from "../contracts/provider.js";
import { parseAndValidate, readTextFile } from "./validate-source.js";
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
  taken: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD").optional(),
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
export type PriceTable = z.infer<typeof PriceTableSchema>;

export function loadPriceTable(file: string): PriceTable {
  return parseAndValidate({ text: readTextFile(file, "price table"), file, schema: PriceTableSchema }).value;
}

/** Marginal USD for one call. Unknown token counts cost nothing here but are flagged by the caller. */
export function tokenCostUsd(price: ModelPrice, usage: Usage): number {
  const cachedIn = usage.cacheReadTokens ?? 0;
  const written = usage.cacheWriteTokens ?? 0;
  const plainIn = Math.max(0, (usage.inputTokens ?? 0) - cachedIn - written);
  return (
    plainIn * price.input_cost_per_token +
    cachedIn * (price.cache_read_input_token_cost ?? price.input_cost_per_token) +
    written * (price.cache_creation_input_token_cost ?? price.input_cost_per_token) +
    (usage.outputTokens ?? 0) * price.output_cost_per_token
  );
}

/** USD per busy second of local hardware: (GPU rent + power) spread over the share of time it is used. */
export function localUsdPerSecond(cost: LocalCostConfig | undefined): number {
  if (!cost) return 0;
  const perHour = cost.gpu_usd_per_hour + (cost.watts / 1000) * cost.usd_per_kwh;
  return perHour / 3600 / cost.utilisation;
}

/** Worst-case cost of a call before it is made: the budget reservation. */
export function worstCaseCostUsd(price: ModelPrice, inputTokens: number, maxOutputTokens: number): number {
  return inputTokens * price.input_cost_per_token + maxOutputTokens * price.output_cost_per_token;
}
