/**
 * Which price-table entry prices a configured model. A config names models as the provider does
 * (`claude-sonnet-5-5`, `gpt-4o-2024-08-06`) while a table, LiteLLM's above all, may key the family
 * (`claude-sonnet-5`) or the undated alias. The lookup tries the exact names first, then a few
 * aliases, each with the rule that produced it, so a report can say "priced as claude-sonnet-5".
 */
import type { PriceTable } from "./price-table.js";
import type { ModelPrice } from "./prices.js";
import type { ModelConfig, ProviderKind } from "./schema.js";

export interface PriceMatch {
  key: string;
  price: ModelPrice;
  /** Null for an exact key; else how the key was derived from the model's name. */
  alias: string | null;
}

/** LiteLLM's provider names for the paid providers tierlab speaks to. */
const LITELLM_PROVIDER: Partial<Record<ProviderKind, string>> = { anthropic: "anthropic", openai: "openai" };

const RULES: { rule: string; derive: (name: string) => string | undefined }[] = [
  { rule: "date suffix dropped", derive: (n) => n.replace(/-(\d{8}|\d{4}-\d{2}-\d{2}|\d{4})$/, "") },
  { rule: "-latest dropped", derive: (n) => n.replace(/-latest$/, "") },
  // claude-sonnet-5-5 → claude-sonnet-5: the family entry, when the table has no entry for the point release.
  { rule: "point release priced as its family", derive: (n) => /^(.*-\d+)-\d+$/.exec(n)?.[1] },
];

/** Candidate keys in order, each with its rule (null = exact). */
export function priceCandidates(model: Pick<ModelConfig, "id" | "model" | "price">, kind: ProviderKind | undefined): { key: string; alias: string | null }[] {
  if (model.price) return [{ key: model.price, alias: null }];
  const out: { key: string; alias: string | null }[] = [];
  const add = (key: string | undefined, alias: string | null) => {
    if (key && !out.some((c) => c.key === key)) out.push({ key, alias });
  };
  const names = [model.id, model.model];
  for (const n of names) add(n, null);
  const provider = kind ? LITELLM_PROVIDER[kind] : undefined;
  if (provider) for (const n of names) add(`${provider}/${n}`, "provider prefix");
  for (const { rule, derive } of RULES) for (const n of names) add(derive(n), rule);
  return out;
}

export function findPrice(args: {
  table: PriceTable;
  model: Pick<ModelConfig, "id" | "model" | "price">;
  kind: ProviderKind | undefined;
}): PriceMatch | undefined {
  const provider = args.kind ? LITELLM_PROVIDER[args.kind] : undefined;
  for (const c of priceCandidates(args.model, args.kind)) {
    const price = args.table.models[c.key];
    if (!price) continue;
    // LiteLLM keys the same model name under several providers (azure/, bedrock); only ours prices this call.
    if (provider && price.litellm_provider && price.litellm_provider !== provider && c.alias !== null) continue;
    return { key: c.key, price, alias: c.alias };
  }
  return undefined;
}
