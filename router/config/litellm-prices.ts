/**
 * LiteLLM's model_prices_and_context_window.json, read as it is published: a flat map of model key to
 * entry, with a documentation entry (`sample_spec`) and many entries tierlab cannot price per token
 * (images, audio seconds, characters, queries). Those are skipped and counted by reason, so a reader
 * can see what was left out rather than finding a model missing later.
 */
import { ConfigError } from "../../core/errors.js";
import type { PriceTable, SkippedEntries } from "./price-table.js";
import { ModelPrice } from "./prices.js";

export const LITELLM_SOURCE = "LiteLLM model_prices_and_context_window.json (as published; the file states no date)";

/** Our own table has `version` and `models`; LiteLLM's is a map of entries and documents itself in `sample_spec`. */
export function isLiteLlmTable(json: unknown): json is Record<string, unknown> {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return false;
  const o = json as Record<string, unknown>;
  if ("version" in o && "models" in o) return false;
  return Object.values(o).some((v) => v !== null && typeof v === "object" && "litellm_provider" in v);
}

const REASONS = {
  spec: "documentation entry (sample_spec)",
  notObject: "not an object",
  noTokenPrice: "no per-token price (priced per image, second, character, pixel or query)",
  inputOnly: "no output_cost_per_token",
  invalid: "a price field is not a non-negative number",
} as const;

export function readLiteLlmTable(args: { json: Record<string, unknown>; file: string }): PriceTable {
  const models: Record<string, ModelPrice> = {};
  const skipped: SkippedEntries = { total: 0, byReason: {} };
  const skip = (why: string) => {
    skipped.total++;
    skipped.byReason[why] = (skipped.byReason[why] ?? 0) + 1;
  };
  for (const [key, entry] of Object.entries(args.json)) {
    if (key === "sample_spec") {
      skip(REASONS.spec);
      continue;
    }
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      skip(REASONS.notObject);
      continue;
    }
    const e = entry as Record<string, unknown>;
    const hasIn = typeof e.input_cost_per_token === "number";
    const hasOut = typeof e.output_cost_per_token === "number";
    if (!hasIn && !hasOut) {
      skip(REASONS.noTokenPrice);
      continue;
    }
    if (!hasOut) {
      skip(REASONS.inputOnly);
      continue;
    }
    // LiteLLM's context sizes are sometimes strings or floats; they are not prices, so drop them rather than the entry.
    const cleaned = { ...e };
    for (const k of ["max_input_tokens", "max_output_tokens"] as const) {
      if (!(Number.isInteger(cleaned[k]) && (cleaned[k] as number) > 0)) delete cleaned[k];
    }
    const parsed = ModelPrice.safeParse(cleaned);
    if (!parsed.success || !tierRatesValid(parsed.data)) {
      skip(REASONS.invalid);
      continue;
    }
    models[key] = parsed.data;
  }
  if (Object.keys(models).length === 0) {
    throw new ConfigError({
      file: args.file,
      message: `no entry with per-token prices (${skipped.total} skipped)`,
      fix: "use LiteLLM's model_prices_and_context_window.json or a tierlab price table (version, taken, source, models)",
    });
  }
  return { format: "litellm", taken: null, source: LITELLM_SOURCE, currency: "USD", models, skipped };
}

function tierRatesValid(p: ModelPrice): boolean {
  return Object.entries(p).every(([k, v]) => !/_above_\d+k?_tokens$/.test(k) || v === null || (typeof v === "number" && v >= 0));
}
