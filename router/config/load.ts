/**
 * Loads config/router*.yaml with its action table, price table and optional calibration, checking
 * every cross-reference (tiers, providers, prices, check ids and params) so mistakes surface at
 * start-up with a file and line number.
 */
import { dirname, resolve } from "node:path";
import { resolveFrom } from "./paths.js";
import { readCalibration, type Calibration } from "./calibration.js";
import { checkCalibrationRefs } from "./calibration-refs.js";
import { findPrice, priceCandidates } from "./price-lookup.js";
import { loadPriceTable, type PriceTable } from "./price-table.js";
import type { ModelPrice } from "./prices.js";
import { ActionTableSchema, RouterConfigSchema, type ActionConfig, type ModelConfig, type RouterConfigData, type TierConfig } from "./schema.js";
import { issuesToError, parseAndValidate, readTextFile, type SourceIssue } from "../../core/validate-source.js";
import { resolveActionChecks } from "./resolve-checks.js";
import { modelUrl } from "../models/model-uri.js";

export { resolveFrom };

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
  /** The table key that priced it, and the alias rule when that key is not the model's own name. */
  priceKey: string | undefined;
  priceAlias: string | null;
}

export const DEFAULT_CONFIG = "config/router.yaml";
export const EMBEDDED_CONFIG = "config/router.embedded.yaml";
/** Recorded real answers of the seed's models, replayed: the demo's default. */
export const REPLAY_CONFIG = "config/router.replay.yaml";

type Locate = (path: ReadonlyArray<PropertyKey>) => number | undefined;
interface Source {
  file: string;
  locate: Locate;
}

export function loadRouterConfig(file: string, opts: { calibration?: string | false } = {}): RouterConfig {
  const abs = resolve(file);
  const { value, locate } = parseAndValidate({ text: readTextFile(abs, "router config"), file, schema: RouterConfigSchema });
  const dir = dirname(abs);
  const main: Source = { file, locate };
  let actions: Record<string, ActionConfig> = {};
  const actionSources: { source: Source & { prefix: PropertyKey[] }; names: string[] }[] = [];
  if (typeof value.actions === "string" || Array.isArray(value.actions)) {
    const files = typeof value.actions === "string" ? [value.actions] : value.actions;
    files.forEach((f, i) => {
      const actionsFile = resolveFrom(dir, f);
      const parsed = parseAndValidate({ text: readTextFile(actionsFile, "action table"), file: actionsFile, schema: ActionTableSchema });
      const twice = Object.keys(parsed.value).filter((name) => actions[name]);
      if (twice.length)
        throw issuesToError(
          file,
          [
            {
              line: locate(["actions", i]),
              field: `actions.${i}`,
              message: `${f} defines ${twice.join(", ")} again; an action may be defined in one action file only`,
            },
          ],
          1,
        );
      actions = { ...actions, ...parsed.value };
      actionSources.push({ source: { file: actionsFile, locate: parsed.locate, prefix: [] }, names: Object.keys(parsed.value) });
    });
  } else {
    actions = value.actions;
    actionSources.push({ source: { ...main, prefix: ["actions"] }, names: Object.keys(actions) });
  }
  const data: RouterConfigData = { ...value, actions };
  const pricesFile = resolveFrom(dir, data.prices);
  const prices = loadPriceTable(pricesFile);
  checkTiers(main, data, prices);
  for (const { source, names } of actionSources) checkActions(source, data, dir, names);
  const calibrationFile = typeof opts.calibration === "string" ? resolve(opts.calibration) : resolveFrom(dir, data.calibration);
  const read = opts.calibration === false ? undefined : readCalibration(calibrationFile);
  if (read) checkCalibrationRefs({ file: calibrationFile, locate: read.locate, calibration: read.value, data });
  return { file: abs, dir, data, prices, pricesFile, calibration: read?.value, calibrationFile };
}

function collector(src: Source, prefix: PropertyKey[] = []) {
  const issues: SourceIssue[] = [];
  const add = (path: PropertyKey[], message: string) => {
    const full = [...prefix, ...path];
    issues.push({ line: src.locate(full), field: full.join("."), message });
  };
  const raise = () => {
    if (issues.length > 0) throw issuesToError(src.file, issues.slice(0, 5), issues.length);
  };
  return { add, raise };
}

const REPLAY_ONLY = ["pace", "seed", "hardware_profile", "models"] as const;

function checkTiers(src: Source, data: RouterConfigData, prices: PriceTable): void {
  const { add, raise } = collector(src);
  for (const [name, p] of Object.entries(data.providers)) {
    if (p.kind === "replay" && (!p.models || Object.keys(p.models).length === 0))
      add(["providers", name, "models"], "a replay provider needs `models:` (model name → recordings, tokenizer, latency)");
    if (p.kind !== "replay")
      for (const k of REPLAY_ONLY) if (p[k] !== undefined) add(["providers", name, k], `only a \`kind: replay\` provider takes \`${k}:\``);
  }
  const seenIds = new Map<string, string>();
  for (const [tierName, tier] of Object.entries(data.tiers)) {
    tier.models.forEach((m, i) => {
      const at = ["tiers", tierName, "models", i];
      const provider = data.providers[m.provider];
      if (!provider) add([...at, "provider"], `unknown provider "${m.provider}"; defined: ${Object.keys(data.providers).join(", ") || "none"}`);
      else if (provider.kind === "replay" && provider.models && !provider.models[m.model])
        add([...at, "model"], `replay provider "${m.provider}" has no model "${m.model}"; its models: ${Object.keys(provider.models).join(", ")}`);
      const prev = seenIds.get(m.id);
      if (prev) add([...at, "id"], `model id "${m.id}" is already used in tier ${prev}; ids must be unique`);
      seenIds.set(m.id, tierName);
      const kind = data.providers[m.provider]?.kind;
      if (!tier.local && !findPrice({ table: prices, model: m, kind })) {
        const tried = priceCandidates(m, kind).map((c) => c.key);
        add(
          [...at, "price"],
          `no price for "${m.price ?? m.id}" in the price table${tried.length > 1 ? ` (tried ${tried.join(", ")})` : ""}; add an entry with per-token prices or set \`price:\` to an existing key`,
        );
      }
      if (m.uri !== undefined) {
        try {
          modelUrl(m.uri, {});
        } catch (err) {
          add([...at, "uri"], (err as Error).message);
        }
      }
    });
  }
  data.budgets.forEach((b, i) => {
    if (b.scope !== "global" && !b.key) add(["budgets", i, "key"], `a ${b.scope} budget needs \`key:\` (the ${b.scope} it limits)`);
    // A key naming nothing would never match a request: the budget would silently never be enforced.
    if (b.scope === "global" && b.key !== undefined)
      add(["budgets", i, "key"], `a global budget limits every request and takes no \`key:\`; set \`scope: action\` or \`scope: tag\` to limit one`);
    if (b.scope === "action" && b.key && !data.actions[b.key])
      add(["budgets", i, "key"], `unknown action "${b.key}"; the config's actions: ${Object.keys(data.actions).join(", ")}`);
  });
  const shadowTier = data.shadow.tier;
  if (shadowTier !== undefined && !data.tiers[shadowTier])
    add(["shadow", "tier"], `unknown tier "${shadowTier}"; allowed: ${Object.keys(data.tiers).join(", ")}`);
  else if (shadowTier !== undefined && data.tiers[shadowTier]!.local)
    add(["shadow", "tier"], `tier "${shadowTier}" is local; shadow checks compare kept local answers with an API tier's`);
  raise();
}

function checkActions(src: Source & { prefix: PropertyKey[] }, data: RouterConfigData, dir: string, names: readonly string[]): void {
  const { add, raise } = collector(src, src.prefix);
  const tierNames = Object.keys(data.tiers);
  const modelIds = new Set(Object.values(data.tiers).flatMap((t) => t.models.map((m) => m.id)));
  for (const name of names) {
    const action = data.actions[name]!;
    if (action.verifier && !modelIds.has(action.verifier.model))
      add([name, "verifier", "model"], `unknown model id "${action.verifier.model}"; the tiers define: ${[...modelIds].join(", ")}`);
    if (!data.tiers[action.tier]) add([name, "tier"], `unknown tier "${action.tier}"; allowed: ${tierNames.join(", ")}`);
    action.escalate.forEach((t, i) => {
      if (!data.tiers[t]) add([name, "escalate", i], `unknown tier "${t}"; allowed: ${tierNames.join(", ")}`);
      else if (t === action.tier || action.escalate.indexOf(t) !== i) add([name, "escalate", i], `tier "${t}" appears twice in the chain`);
    });
    // Resolves label files, derives label schemas and dry-runs every check's params.
    resolveActionChecks({ name, action, dir: src.prefix.length ? dir : dirname(resolve(src.file)), add });
  }
  raise();
}

/** Every model with its tier, locality and price, in tier order. */
export function modelsOfTier(config: RouterConfig, tierName: string): ResolvedModel[] {
  const tier: TierConfig | undefined = config.data.tiers[tierName];
  if (!tier) return [];
  return tier.models.map((m) => {
    const match = findPrice({ table: config.prices, model: m, kind: config.data.providers[m.provider]?.kind });
    return { ...m, tier: tierName, local: tier.local, pricing: match?.price, priceKey: match?.key, priceAlias: match?.alias ?? null };
  });
}

export function allModels(config: RouterConfig): ResolvedModel[] {
  return Object.keys(config.data.tiers).flatMap((t) => modelsOfTier(config, t));
}
