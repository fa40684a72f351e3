/**
 * Prices the engines' per-day token and busy-time totals through the one cost function (tokenCostUsd,
 * router/config/prices.ts) and fills each day's hybrid and pure-API cost. tokenCostUsd is linear in
 * tokens at a fixed rate, so pricing a day's totals equals pricing each call; the hybrid's paid tokens and
 * the baseline's come from the same draws. Long-context rates (above 200k/272k input tokens per request)
 * are left out: the profiles' per-call sizes are a few thousand tokens, so a day's total must not pick a tier. Runs in the main thread (workers stay free of zod).
 */
import { tokenCostUsd, type ModelPrice } from "../router/config/prices.js";
import type { CompiledSim } from "./compile.js";
import { F_API, F_HYBRID, K, T_BASE_IN, T_BASE_OUT, T_BUSY, T_TIERS, tokenStride, type Perturbation, type TrialBlock } from "./engine-common.js";

function scalePrice(price: ModelPrice, fIn: number, fOut: number): ModelPrice {
  return {
    ...price,
    input_cost_per_token: price.input_cost_per_token * fIn,
    output_cost_per_token: price.output_cost_per_token * fOut,
    cache_read_input_token_cost: price.cache_read_input_token_cost === undefined ? undefined : price.cache_read_input_token_cost * fIn,
    cache_creation_input_token_cost: price.cache_creation_input_token_cost === undefined ? undefined : price.cache_creation_input_token_cost * fIn,
  };
}

export function priceBlock(c: CompiledSim, p: Perturbation, block: TrialBlock): void {
  const prices = c.tierPrice.map((pr) => (pr ? scalePrice(pr, p.inputPrice, p.outputPrice) : null));
  const baseline = prices[c.baselineTier]!;
  const usdPerBusyMs = (c.usdPerBusySecond / 1000) * p.localCost;
  const fixed = c.fixedUsdPerDay * p.localCost;
  const TS = tokenStride(c);
  const rows = (block.end - block.start) * c.days;
  for (let r = 0; r < rows; r++) {
    const t0 = r * TS;
    let hybrid = block.tokens[t0 + T_BUSY]! * usdPerBusyMs + fixed;
    for (let t = 0; t < c.nTiers; t++) {
      const price = prices[t];
      const tin = block.tokens[t0 + T_TIERS + 2 * t]!,
        tout = block.tokens[t0 + T_TIERS + 2 * t + 1]!;
      if (price && (tin > 0 || tout > 0)) hybrid += tokenCostUsd(price, { inputTokens: tin * p.inputTokens, outputTokens: tout * p.outputTokens }, 0);
    }
    block.daily[r * K + F_HYBRID] = hybrid;
    block.daily[r * K + F_API] = tokenCostUsd(
      baseline,
      { inputTokens: block.tokens[t0 + T_BASE_IN]! * p.inputTokens, outputTokens: block.tokens[t0 + T_BASE_OUT]! * p.outputTokens },
      0,
    );
  }
}
