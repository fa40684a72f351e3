/**
 * `bench evaluate`, the pure part: split a run's items (every model answered each one) into a fit part
 * and an evaluation part, fit every policy on the first exactly as `bench calibrate` does, and judge on
 * the second, with the same walk the router's decisions follow: each model alone, the seed's rule
 * cascade at the configured thresholds, the calibrated policies (cascade, consensus, api_first), the
 * oracle and random routing at the recommended policy's API share. Also: whether each α guarantee held
 * on the evaluated half, AUROC per signal, and RouteLLM's APGR / CPT.
 */
import { existsSync } from "node:fs";
import type { RouterConfig } from "../../router/config/load.js";
import { configOfRun, RunFolder } from "../run/run-folder.js";
import { UsageError } from "../../core/errors.js";
import { thresholdFor } from "../../router/policy/escalation.js";
import { policyCells, type CellSpec } from "../../router/policy/policy-cells.js";
import type { WalkCell } from "../../router/policy/walk.js";
import type { BenchRecord } from "../contracts/bench-record.js";
import { calibrateAction, DEFAULT_ACCURACY_TOLERANCE } from "../calibrate/calibrate-policies.js";
import { CALIBRATE_DEFAULTS } from "../calibrate/calibrate.js";
import { collectEvidence, type EvidenceItem } from "../calibrate/evidence.js";
import { walkCellOf, walkCells, type FittedPolicy } from "../calibrate/policy-fit.js";
import { summariseWalks, walkEvidence, type Answered } from "../calibrate/walk-metrics.js";
import { evaluatePolicy } from "./frontier.js";
import { EVALUATE_REPORT_VERSION, type EvaluateReport, type FrontierItem, type PolicyPoint } from "./frontier-types.js";
import { evaluateScoredCells } from "./scored-cells.js";
import { splitItems } from "./split.js";

export interface EvaluateOptions {
  records: readonly BenchRecord[];
  /** The config the run used, with the dataset's declared actions. */
  config: RouterConfig;
  dataset: string;
  /** Required when the records hold more than one action. */
  action?: string;
  /** Share of items to fit on, in (0, 1). */
  split: number;
  seed: number;
  alpha?: number;
  delta?: number;
  aurocIterations?: number;
}

type Fitted = Extract<FittedPolicy, { ok: true }>;

/** `bench evaluate --run`: a run folder's records under the config it was benched with. */
export function evaluateRun(
  o: Omit<EvaluateOptions, "records" | "config" | "dataset"> & { configFile: string; runDir: string; dataset?: string },
): EvaluateReport {
  const folder = new RunFolder(o.runDir);
  const dataset = o.dataset ?? (existsSync(folder.metaFile) ? folder.meta().dataset.file : o.runDir);
  return evaluateRecords({ ...o, records: folder.records(), config: configOfRun(o.configFile, o.runDir), dataset });
}

export function evaluateRecords(o: EvaluateOptions): EvaluateReport {
  const all = collectEvidence(o.records, o.config);
  const actions = all.map((e) => e.action);
  if (o.action && !actions.includes(o.action))
    throw new UsageError({ message: `--action ${o.action}: the records have no usable answers for it`, fix: `use one of: ${actions.join(", ") || "(none)"}` });
  if (!o.action && all.length !== 1)
    throw new UsageError({ message: `the records hold ${all.length} actions (${actions.join(", ")})`, fix: "name one with --action" });
  const ev = all.find((e) => e.action === (o.action ?? actions[0]))!;
  if (!ev.hasSignals)
    throw new UsageError({
      message: `the records of ${ev.action} carry no signals (written before issue 12, or by a cascade run)`,
      fix: "bench every model of the action again with `bench run` (or let `bench evaluate` do it without --run)",
    });
  const act = o.config.data.actions[ev.action]!;
  const alpha = o.alpha ?? act.alpha ?? CALIBRATE_DEFAULTS.alpha;
  const delta = o.delta ?? act.delta ?? CALIBRATE_DEFAULTS.delta;
  const parts = splitItems(ev.items, { share: o.split, seed: o.seed });
  if (parts.fit.length === 0 || parts.eval.length === 0)
    throw new UsageError({
      message: `--split ${o.split} of ${ev.items.length} items leaves a part empty`,
      fix: "bench more items, or pick a split nearer 0.5",
    });
  const cal = calibrateAction({
    evidence: ev,
    config: o.config,
    fitItems: parts.fit,
    heldOutItems: parts.eval,
    alpha,
    delta,
    tolerance: act.accuracy_tolerance ?? DEFAULT_ACCURACY_TOLERANCE,
    reference: act.accuracy_reference,
    seed: o.seed,
    aurocIterations: o.aurocIterations,
  });
  const notes = [...cal.notes];
  if (ev.dropped.items > 0) notes.push(`${ev.dropped.items} item(s) left out for want of a usable answer from every model (e.g. ${ev.dropped.example})`);
  const evalItems = parts.eval;
  const chain = policyCells(o.config, ev.action, "cascade");
  if (!chain.ok) throw new UsageError({ message: chain.why });
  const finalModel = chain.cells.at(-1)!.models[0]!;
  const models = [...ev.models.values()];
  const frontier = { items: evalItems.map(frontierItem), models: models.map((m) => ({ name: m.id, tier: m.local ? ("local" as const) : ("api" as const) })) };

  const points: PolicyPoint[] = models.map((m) => ({ ...evaluatePolicy(frontier, { kind: "single", model: m.id }), policy: null }));
  points.push(ruleCascade({ config: o.config, action: ev.action, items: evalItems, cells: chain.cells }));
  const pair = policyCells(o.config, ev.action, "consensus");
  if (pair.ok) points.push(agreementConsensus({ items: evalItems, pair: pair.cells[0]!, final: pair.cells.at(-1)! }));
  const recommendedKind = cal.policies.find((p) => p.recommended)?.kind;
  for (const f of cal.fitted) points.push(calibratedPoint({ f, items: evalItems, alpha, delta, recommended: f.kind === recommendedKind, finalModel }));
  const locals = models.filter((m) => m.local).map((m) => m.id);
  if (locals.length > 0 && ev.models.get(finalModel)?.local === false) {
    points.push({ ...evaluatePolicy(frontier, { kind: "oracle", models: [...locals, finalModel] }), policy: null });
    const best = points.find((p) => p.recommended);
    if (best)
      points.push({
        ...evaluatePolicy(frontier, { kind: "random", local: chain.cells[0]!.models[0]!, api: finalModel, apiShare: best.api_share }),
        policy: null,
      });
  }
  const scored = evaluateScoredCells({ fitted: cal.fitted, items: evalItems, api: finalModel, seed: o.seed, aurocIterations: o.aurocIterations });
  return {
    version: EVALUATE_REPORT_VERSION,
    dataset: o.dataset,
    split: { fit: parts.fit.length, eval: evalItems.length, seed: o.seed },
    policies: points,
    action: ev.action,
    recommended: points.find((p) => p.recommended)?.name ?? null,
    signals: scored.signals,
    routellm: scored.routellm,
    notes: [...notes, ...scored.notes],
  };
}

function frontierItem(item: EvidenceItem): FrontierItem {
  const outcomes: FrontierItem["outcomes"] = {};
  for (const [m, a] of Object.entries(item.answers)) outcomes[m] = { correct: a.correct, costUsd: a.costUsd, answer: a.reading.canonical };
  return { id: item.id, outcomes };
}

/** The seed's rule: every tier's self-check confidence against the config's threshold (no calibration), best effort at the end. */
function ruleCascade(a: { config: RouterConfig; action: string; items: readonly EvidenceItem[]; cells: readonly CellSpec[] }): PolicyPoint {
  const uncalibrated = { ...a.config, calibration: undefined };
  const thresholds = a.cells.map((c) => thresholdFor(uncalibrated, a.action, c.tier).threshold);
  const cells: WalkCell[] = a.cells.map((c, i) => ({
    cell: c.cell,
    local: c.local,
    model: c.models[0]!,
    rule: { basis: "self_check", threshold: thresholds[i]! },
  }));
  const runs = walkEvidence(a.items, cells);
  const models = cells.map((c) => c.model);
  return walkPoint({
    name: `rule cascade ${models.join(" → ")} @ self-check ≥ ${thresholds.join(", ")}`,
    kind: "cascade",
    models,
    thresholds,
    runs,
    alpha: null,
    delta: null,
    policy: null,
  });
}

/**
 * Keep the pair's answer whenever the two agree, else the API: the consensus rule with no scorer and no
 * guarantee, shown so a reader sees what agreement alone buys next to what can be certified at α.
 */
function agreementConsensus(a: { items: readonly EvidenceItem[]; pair: CellSpec; final: CellSpec }): PolicyPoint {
  const cells: WalkCell[] = [
    { ...walkCellOf(a.pair), rule: { basis: "self_check", threshold: 0 } },
    { ...walkCellOf(a.final), rule: { basis: "final" } },
  ];
  const runs = walkEvidence(a.items, cells);
  const models = [...a.pair.models, a.final.models[0]!];
  return walkPoint({
    name: `consensus on agreement alone (no guarantee): ${a.pair.models.join(" + ")} → ${a.final.models[0]!}`,
    kind: "consensus",
    models,
    thresholds: null,
    runs,
    alpha: null,
    delta: null,
    policy: null,
  });
}

function calibratedPoint(a: {
  f: Fitted;
  items: readonly EvidenceItem[];
  alpha: number;
  delta: number;
  recommended: boolean;
  finalModel: string;
}): PolicyPoint {
  const cells = walkCells(a.f.cells, "compiled");
  const runs = walkEvidence(a.items, cells);
  const models = a.f.cells.flatMap((c) => (c.spec.consensus ? c.spec.models : [c.spec.models[0]!]));
  const thresholds = a.f.cells.flatMap((c) => (c.threshold === null ? [] : [c.threshold]));
  const shape = a.f.cells.map((c) => (c.spec.consensus ? c.spec.models.join(" + ") : c.spec.models[0]!)).join(" → ");
  const kind = a.f.kind === "api_first" ? "single" : a.f.kind;
  return walkPoint({
    name: `${a.f.kind} (calibrated): ${shape}${thresholds.length ? ` @ P(correct) ≥ ${thresholds.join(", ")}` : ""}`,
    kind,
    models,
    thresholds: thresholds.length ? thresholds : null,
    runs,
    alpha: a.alpha,
    delta: a.delta,
    policy: a.f.kind,
    recommended: a.recommended,
  });
}

function walkPoint(a: {
  name: string;
  kind: PolicyPoint["kind"];
  models: string[];
  thresholds: number[] | null;
  runs: Answered[];
  alpha: number | null;
  delta: number | null;
  policy: PolicyPoint["policy"];
  recommended?: boolean;
}): PolicyPoint {
  const s = summariseWalks(a.runs, { delta: a.delta ?? 0.1 });
  return {
    name: a.name,
    kind: a.kind,
    models: a.models,
    thresholds: a.thresholds,
    n: s.n,
    accuracy: s.accuracy,
    accuracy_ci95: s.accuracy_ci95,
    api_share: s.api_share,
    cost_per_1k_usd: s.cost_per_1k_usd,
    kept: s.kept,
    kept_error: s.kept_error,
    alpha: a.alpha,
    delta: a.delta,
    policy: a.policy,
    ...(a.recommended === undefined ? {} : { recommended: a.recommended }),
    kept_error_upper: a.delta === null ? null : s.kept_error_upper,
    within_alpha: a.alpha === null ? null : s.kept_error === null || s.kept_error <= a.alpha,
  };
}
