/**
 * Actions a dataset declares in its header, turned into router actions on a given config, so a new
 * task needs no router config edit. A config's own action of the same name always wins. Problems
 * (a tier the config lacks, a bad check) point at the dataset's header line.
 */
import { dirname, resolve } from "node:path";
import type { RouterConfig } from "../../router/config/load.js";
import { resolveActionChecks } from "../../router/config/resolve-checks.js";
import { ActionConfig, type CheckConfig } from "../../router/config/schema.js";
import { formatPath, issuesToError, type SourceIssue } from "../../core/validate-source.js";
import { ConfigError } from "../../core/errors.js";
import type { Dataset, DatasetAction } from "./schema.js";

/** The declared action as the router's ActionConfig on `tiers` (the config's tier names, in order). */
export function toActionConfig(declared: DatasetAction, tiers: readonly string[]): ActionConfig {
  const tier = declared.tier ?? tiers[0] ?? "";
  const escalate = declared.escalate ?? tiers.slice(tiers.indexOf(tier) + 1);
  const checks: CheckConfig[] =
    declared.checks ?? (declared.labels ? [{ id: "label_set", labels: declared.labels }, { id: "finish_reason" }, { id: "non_empty" }] : []);
  return ActionConfig.parse({
    description: declared.description,
    system: declared.system,
    template: declared.template ?? "{input}",
    max_tokens: declared.max_tokens,
    temperature: declared.temperature,
    threshold: declared.threshold,
    tier,
    escalate,
    checks,
    output: "text",
    answer: declared.answer,
  });
}

/**
 * The config with every action the dataset's items use and the config lacks, taken from the
 * dataset's header. `declared` lists what was added (a bench run stores it in meta.json).
 */
export function withDatasetActions(config: RouterConfig, dataset: Dataset): { config: RouterConfig; declared: Record<string, ActionConfig> } {
  const used = [...new Set(dataset.items.map((i) => i.action))];
  const wanted = used.filter((a) => !config.data.actions[a] && dataset.header.actions?.[a]);
  if (wanted.length === 0) return { config, declared: {} };
  const tiers = Object.keys(config.data.tiers);
  const issues: SourceIssue[] = [];
  const declared: Record<string, ActionConfig> = {};
  for (const name of wanted) {
    const action = toActionConfig(dataset.header.actions![name]!, tiers);
    const add = (path: PropertyKey[], message: string) => issues.push({ line: dataset.headerLine, field: formatPath(["actions", ...path]), message });
    checkTiersExist({ name, action, tiers, add, config: config.file });
    resolveActionChecks({ name, action, dir: dirname(resolve(dataset.file)), add });
    declared[name] = action;
  }
  if (issues.length > 0) throw issuesToError(dataset.file, issues.slice(0, 5), issues.length);
  return { config: withActions(config, declared), declared };
}

/** The config with `actions` added where it has no action of that name (the config's own win). */
export function withActions(config: RouterConfig, actions: Record<string, ActionConfig>): RouterConfig {
  return { ...config, data: { ...config.data, actions: { ...actions, ...config.data.actions } } };
}

/** Validated actions a bench run recorded in meta.json (`declared_actions`), for the readers of that run. */
export function parseRecordedActions(value: unknown, file: string): Record<string, ActionConfig> {
  if (value === undefined) return {};
  const out: Record<string, ActionConfig> = {};
  if (!value || typeof value !== "object") throw new ConfigError({ file, field: "declared_actions", message: "must be an object of actions" });
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    const p = ActionConfig.safeParse(raw);
    if (!p.success)
      throw new ConfigError({ file, field: `declared_actions.${name}.${formatPath(p.error.issues[0]!.path)}`, message: p.error.issues[0]!.message });
    out[name] = p.data;
  }
  return out;
}

function checkTiersExist(a: {
  name: string;
  action: ActionConfig;
  tiers: readonly string[];
  add: (path: PropertyKey[], message: string) => void;
  config: string;
}): void {
  const allowed = `the config ${a.config} defines ${a.tiers.join(", ")}`;
  if (!a.tiers.includes(a.action.tier)) a.add([a.name, "tier"], `unknown tier "${a.action.tier}"; ${allowed}`);
  a.action.escalate.forEach((t, i) => {
    if (!a.tiers.includes(t)) a.add([a.name, "escalate", i], `unknown tier "${t}"; ${allowed}`);
    else if (t === a.action.tier || a.action.escalate.indexOf(t) !== i) a.add([a.name, "escalate", i], `tier "${t}" appears twice in the chain`);
  });
}
