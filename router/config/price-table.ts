/**
 * Loads the price table a router config names: a tierlab table (`version`, `taken`, `source`, `models`)
 * or LiteLLM's own model_prices_and_context_window.json as published (litellm-prices.ts reads that).
 */
import { isLiteLlmTable, readLiteLlmTable } from "./litellm-prices.js";
import { PriceTableSchema, type ModelPrice } from "./prices.js";
import { parseAndValidate, readTextFile } from "../../core/validate-source.js";

/** Entries a LiteLLM file holds that tierlab cannot price per token, counted by reason. */
export interface SkippedEntries {
  total: number;
  byReason: Record<string, number>;
}

export interface PriceTable {
  format: "tierlab" | "litellm";
  /** YYYY-MM-DD, or null when the file does not say (LiteLLM's does not). */
  taken: string | null;
  source: string;
  currency: "USD";
  models: Record<string, ModelPrice>;
  skipped: SkippedEntries;
}

export function loadPriceTable(file: string): PriceTable {
  const text = readTextFile(file, "price table");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined; // parseAndValidate below reports the line
  }
  if (json !== undefined && isLiteLlmTable(json)) return readLiteLlmTable({ json, file });
  const { value } = parseAndValidate({ text, file, schema: PriceTableSchema });
  return { format: "tierlab", taken: value.taken, source: value.source, currency: value.currency, models: value.models, skipped: { total: 0, byReason: {} } };
}
