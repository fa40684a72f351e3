/**
 * The cells the router walks for an action, decided once per action: the policy the action names
 * (`policy:` in the action table), else the one the calibration file recommends, else the legacy
 * cascade. With a calibrated policy each cell carries its rule from the file (a threshold on the
 * compiled scorer's P(correct), or `final`); without one every cell keeps the self-check rule and the
 * route ends best effort, as before issue 12.
 */
import { allModels, type ResolvedModel, type RouterConfig } from "../config/load.js";
import type { PolicyEntry } from "../config/calibration.js";
import { compileScorer, type CompiledScorer } from "../confidence/scorer.js";
import { ConfigError } from "../../core/errors.js";
import { thresholdFor } from "./escalation.js";
import { policyCells, type CellSpec, type PolicyKind } from "./policy-cells.js";

export type RouteRule = { basis: "final" } | { basis: "self_check"; threshold: number } | { basis: "p_correct"; threshold: number; scorer: CompiledScorer };

export interface RouteCell {
  cell: string;
  tier: string;
  local: boolean;
  /** A tier cell: the tier's models in order (the next one answers when one fails). Consensus: the pair, called in parallel. */
  models: ResolvedModel[];
  consensus: boolean;
  /** Model calls the cell makes when reached (consensus: 2, in parallel). */
  calls: number;
  rule: RouteRule;
  /** The self-check threshold of the tier (kept on every attempt under its own name). */
  selfCheckThreshold: number;
}

export interface RoutePolicy {
  /** `legacy`: no policy named or calibrated: the tiers with the self-check rule. */
  kind: PolicyKind | "legacy";
  source: "action" | "calibration" | "default";
  cells: RouteCell[];
  /** The calibration's entry the cells come from (its counts feed the simulator); undefined without one. */
  entry: PolicyEntry | undefined;
  /** Some cell's scorer reads token log-probabilities: ask the backends for them. */
  wantsLogprobs: boolean;
  /** Some cell's scorer reads the verifier's P(yes). */
  wantsVerifier: boolean;
  /** Some cell's scorer reads agreement: the route keeps the canonicals of its local answers. */
  readsAnswers: boolean;
}

export function routePolicy(config: RouterConfig, action: string): RoutePolicy {
  const named = config.data.actions[action]?.policy;
  const entries = config.calibration?.policies.filter((p) => p.action === action) ?? [];
  const entry = named ? entries.find((p) => p.kind === named) : entries.find((p) => p.recommended);
  const source = named ? "action" : entry ? "calibration" : "default";
  const kind = named ?? entry?.kind ?? "legacy";
  const cells = entry ? calibratedCells(config, entry) : selfCheckCells(config, action, kind);
  const scorers = cells.flatMap((c) => (c.rule.basis === "p_correct" ? [c.rule.scorer] : []));
  const reads = (pred: (f: string) => boolean) => scorers.some((s) => s.features.some(pred));
  return {
    kind,
    source,
    cells,
    entry,
    wantsLogprobs: reads((f) => f.startsWith("logprob_")),
    wantsVerifier: reads((f) => f === "verifier"),
    // Consensus compares the pair's answers whatever the rule; later cells may read agreement with them.
    readsAnswers: cells.some((c) => c.consensus) || reads((f) => f === "agreement"),
  };
}

function selfCheckCells(config: RouterConfig, action: string, kind: PolicyKind | "legacy"): RouteCell[] {
  const specs = policyCells(config, action, kind === "legacy" ? "cascade" : kind);
  if (!specs.ok)
    throw new ConfigError({
      file: config.file,
      field: `actions.${action}.policy`,
      message: `policy ${kind}: ${specs.why}`,
      fix: "name another policy, or change the action's tiers",
    });
  return specs.cells.map((s) => {
    const threshold = thresholdFor(config, action, s.tier).threshold;
    return { ...cellModels(config, s), rule: { basis: "self_check", threshold }, selfCheckThreshold: threshold };
  });
}

function calibratedCells(config: RouterConfig, entry: PolicyEntry): RouteCell[] {
  const cal = config.calibration!;
  const at = `policies[${cal.policies.indexOf(entry)}]`;
  const stale = (field: string, message: string) =>
    new ConfigError({
      file: config.calibrationFile,
      field: `${at}.${field}`,
      message: `${entry.action} (${entry.kind}): ${message}`,
      fix: "run `bench calibrate` again on a bench run of this config",
    });
  return entry.cells.map((c, j) => {
    if (!config.data.tiers[c.tier])
      throw stale(`cells[${j}].tier`, `unknown tier "${c.tier}"; ${config.file} defines ${Object.keys(config.data.tiers).join(", ")}`);
    const consensus = c.cell === "consensus";
    const spec: CellSpec = { cell: c.cell, tier: c.tier, local: c.local, models: c.models, calls: c.calls, consensus };
    const resolved = cellModels(config, spec);
    if (resolved.models.length < (consensus ? 2 : 1))
      throw stale(`cells[${j}].models`, `cell ${c.cell} calls ${c.models.join(", ")}, which ${config.file} does not define`);
    const selfCheckThreshold = thresholdFor(config, entry.action, c.tier).threshold;
    if (c.basis === "final" || c.threshold === null) return { ...resolved, rule: { basis: "final" }, selfCheckThreshold };
    if (c.basis === "self_check") return { ...resolved, rule: { basis: "self_check", threshold: c.threshold }, selfCheckThreshold };
    const scorer = cal.scorers.find((s) => s.action === entry.action && s.cell === c.cell && (s.policy === undefined || s.policy === entry.kind));
    if (!scorer) throw stale(`cells[${j}].basis`, `cell ${c.cell} keeps answers on P(correct) but the file has no scorer for it`);
    return { ...resolved, rule: { basis: "p_correct", threshold: c.threshold, scorer: compileScorer(scorer.model) }, selfCheckThreshold };
  });
}

/** The cell with its models resolved: a tier cell gets every model of its tier (fallbacks on errors). */
function cellModels(config: RouterConfig, s: CellSpec): Omit<RouteCell, "rule" | "selfCheckThreshold"> {
  const all = allModels(config);
  const models = s.consensus ? s.models.flatMap((id) => all.filter((m) => m.id === id)) : all.filter((m) => m.tier === s.tier);
  return { cell: s.cell, tier: s.tier, local: s.local, models, consensus: s.consensus, calls: s.calls };
}
