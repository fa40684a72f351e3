/**
 * What a batch answer costs: LiteLLM's `input_cost_per_token_batches` / `output_cost_per_token_batches`
 * where the price entry has them, else half the standard rates, the discount both Anthropic's Message
 * Batches and OpenAI's Batch API apply to every token (cache reads and writes included).
 */
import { tokenCostUsd, type ModelPrice } from "../config/prices.js";
import type { Usage } from "../contracts/provider.js";

export const BATCH_DISCOUNT = 0.5;

export function batchPrice(price: ModelPrice): ModelPrice {
  const own = price as ModelPrice & { input_cost_per_token_batches?: unknown; output_cost_per_token_batches?: unknown };
  const half = (x: number | undefined) => (x === undefined ? undefined : x * BATCH_DISCOUNT);
  return {
    ...price,
    input_cost_per_token: typeof own.input_cost_per_token_batches === "number" ? own.input_cost_per_token_batches : price.input_cost_per_token * BATCH_DISCOUNT,
    output_cost_per_token:
      typeof own.output_cost_per_token_batches === "number" ? own.output_cost_per_token_batches : price.output_cost_per_token * BATCH_DISCOUNT,
    cache_read_input_token_cost: half(price.cache_read_input_token_cost),
    cache_creation_input_token_cost: half(price.cache_creation_input_token_cost),
  };
}

export function batchCostUsd(price: ModelPrice, usage: Usage): number {
  return tokenCostUsd(batchPrice(price), usage);
}
