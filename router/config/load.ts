/**
 * Loads config/router*.yaml with its price table and optional calibration, checking every
 * cross-reference (tiers, providers, prices, check ids) so mistakes surface at start-up with a line number.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { loadCalibration, type Calibration } from "./calibration.js";
import { loadPriceTable, type ModelPrice, type PriceTable } from "./prices.js";
import { RouterConfigSchema, type ModelConfig, type RouterConfigData, type TierConfig } from "./schema.js";
import { issuesToError, parseAndValidate, readTextFile, type SourceIssue } from "./validate-source.js";
import { isKnownCheck, knownCheckIds } from "../quality/registry.js";

export interface RouterConfig {
  file: string;
  dir: string;
  data: RouterConfigData;
  prices: PriceTable;
  pricesFile: string;
  calibration: Calibration | undefined;
  calibrationFile: string;
}

export interface ResolvedModel extends ModelConfig {
  tier: string;
  local: boolean;
  /** The price-table entry (undefined for local models without one). */
  pricing: ModelPrice | undefined;
}

export const DEFAULT_CONFIG = "config/router.yaml";
export const EMBEDDED_CONFIG = "config/router.embedded.yaml";

export function resolveFrom(dir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(dir, p);
}

export function loadRouterConfig(file: string, opts: { calibration?: string | false } = {}): RouterConfig {
  const abs = resolve(file);
  const text = readTextFile(abs, "router config");
  const { value: data, locate } = parseAndValidate({ text, file, schema: RouterConfigSchema });
  const dir = dirname(abs);
  const pricesFile = resolveFrom(dir, data.prices);
  const prices = loadPriceTable(pricesFile);
  checkReferences(file, data, prices, locate);
  const calibrationFile = opts.calibration ? resolve(opts.calibration) : resolveFrom(dir, data.calibration);
  const calibration = opts.calibration === false ? undefined : loadCalibration(calibrationFile);
  return { file: abs, dir, data, prices, pricesFile, calibration, calibrationFile };
}

function checkReferences(file: string, data: RouterConfigData, prices: PriceTable, locate: (p: PropertyKey[]) => number | undefined): void {
  const issues: SourceIssue[] = [];
  const add = (path: PropertyKey[], message: string) => issues.push({ line: locate(path), field: path.join("."), message });
  const tierNames = Object.keys(data.tiers);
  const seenIds = new Map<string, string>();
  for (const [tierName, tier] of Object.entries(data.tiers)) {
    tier.models.forEach((m, i) => {
      const at = ["tiers", tierName, "models", i];
      if (!data.providers[m.provider]) add([...at, "provider"], `unknown provider "${m.provider}"; defined: ${Object.keys(data.providers).join(", ") || "none"}`);
      const prev = seenIds.get(m.id);
      if (prev) add([...at, "id"], `model id "${m.id}" is already used in tier ${prev}; ids must be unique`);
      seenIds.set(m.id, tierName);
      if (!tier.local && !prices.models[m.price ?? m.id]) add([...at, "price"], `no price for "${m.price ?? m.id}" in the price table; add it or set \`price:\` to an existing entry`);
    });
  }
  for (const [name, action] of Object.entries(data.actions)) {
    if (!data.tiers[action.tier]) add(["actions", name, "tier"], `unknown tier "${action.tier}"; allowed: ${tierNames.join(", ")}`);
    action.escalate.forEach((t, i) => {
      if (!data.tiers[t]) add(["actions", name, "escalate", i], `unknown tier "${t}"; allowed: ${tierNames.join(", ")}`);
      else if (t === action.tier || action.escalate.indexOf(t) !== i) add(["actions", name, "escalate", i], `tier "${t}" appears twice in the chain`);
    });
    action.checks.forEach((c, i) => {
      if (!isKnownCheck(c.id)) add(["actions", name, "checks", i, "id"], `unknown check "${c.id}"; allowed: ${knownCheckIds().join(", ")}`);
    });
    if (action.checks.some((c) => c.id === "json_schema") && !action.schema) add(["actions", name, "schema"], "the json_schema check needs a `schema:` on the action");
  }
  data.budgets.forEach((b, i) => {
    if (b.scope !== "global" && !b.key) add(["budgets", i, "key"], `a ${b.scope} budget needs \`key:\` (the ${b.scope} it limits)`);
  });
  if (issues.length > 0) throw issuesToError(file, issues.slice(0, 5), issues.length);
}

/** Every model with its tier, locality and price, in tier order. */
export function modelsOfTier(config: RouterConfig, tierName: string): ResolvedModel[] {
  const tier: TierConfig | undefined = config.data.tiers[tierName];
  if (!tier) return [];
  return tier.models.map((m) => ({ ...m, tier: tierName, local: tier.local, pricing: config.prices.models[m.price ?? m.id] }));
}

export function allModels(config: RouterConfig): ResolvedModel[] {
  return Object.keys(config.data.tiers).flatMap((t) => modelsOfTier(config, t));
}
