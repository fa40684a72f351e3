/**
 * Calibration file version 2 for one action: every policy fitted (policy-fit.ts), judged on the fit
 * items with out-of-fold scores (`expected`) and, when a split is held out, on items nothing was fitted
 * on (`held_out`), with the counts the simulator turns into Beta draws, the scorers, the final tier's
 * accuracy, and the recommended policy with its reason (recommend.ts).
 */
import type { RouterConfig } from "../../router/config/load.js";
import type { FinalAccuracy, PolicyCell, PolicyEntry, ScorerEntry } from "../../router/config/calibration.js";
import { POLICY_KINDS } from "../../router/policy/policy-cells.js";
import type { BenchRecord } from "../contracts/bench-record.js";
import { collectEvidence, type ActionEvidence, type EvidenceItem } from "./evidence.js";
import { fitPolicy, walkCells, type FittedPolicy } from "./policy-fit.js";
import { recommendPolicy, type PolicyCandidate } from "./recommend.js";
import { summariseWalks, walkEvidence, type Answered } from "./walk-metrics.js";

export const DEFAULT_ACCURACY_TOLERANCE = 0.01;

export interface CalibrateActionArgs {
  evidence: ActionEvidence;
  config: RouterConfig;
  fitItems: readonly EvidenceItem[];
  /** Items held out of every fit, to check the guarantee on; none = `held_out: null`. */
  heldOutItems?: readonly EvidenceItem[];
  alpha: number;
  delta: number;
  /** Accuracy a policy may lose against the reference alone, as a share of it (0.01: within 1 %). */
  tolerance: number;
  /** Model id whose accuracy alone is the reference (the action's accuracy_reference); default the API tier alone. */
  reference?: string;
  seed: number;
  folds?: number;
  aurocIterations?: number;
}

export interface ActionCalibration {
  scorers: ScorerEntry[];
  policies: PolicyEntry[];
  finalAccuracy: FinalAccuracy[];
  /** Cells left out and policies not fitted, in words. */
  notes: string[];
  /** The fitted policies, for `bench evaluate` to walk other items with. */
  fitted: Extract<FittedPolicy, { ok: true }>[];
}

export function calibrateAction(a: CalibrateActionArgs): ActionCalibration {
  const action = a.evidence.action;
  const notes: string[] = [];
  const fitted: Extract<FittedPolicy, { ok: true }>[] = [];
  for (const kind of POLICY_KINDS) {
    const f = fitPolicy({
      evidence: a.evidence,
      items: a.fitItems,
      config: a.config,
      kind,
      alpha: a.alpha,
      delta: a.delta,
      seed: a.seed,
      folds: a.folds,
      aurocIterations: a.aurocIterations,
    });
    if (!f.ok) {
      notes.push(`${kind}: not fitted: ${f.why}`);
      continue;
    }
    notes.push(...f.notes.map((n) => `${kind}: ${n}`));
    fitted.push(f);
  }
  const candidates: PolicyCandidate[] = fitted.map((f) => {
    const fitRuns = walkEvidence(a.fitItems, walkCells(f.cells, "oof"));
    const heldRuns = a.heldOutItems?.length ? walkEvidence(a.heldOutItems, walkCells(f.cells, "compiled")) : undefined;
    return { fitted: f, entry: policyEntry({ f, fitRuns, heldRuns, alpha: a.alpha, delta: a.delta, evidence: a.evidence }) };
  });
  let reference: { model: string; accuracy: number } | undefined;
  if (a.reference !== undefined) {
    if (a.evidence.models.has(a.reference) && a.fitItems.length > 0)
      reference = { model: a.reference, accuracy: a.fitItems.filter((it) => it.answers[a.reference!]!.correct).length / a.fitItems.length };
    else notes.push(`accuracy_reference ${a.reference} has no usable records: the API tier alone is the reference`);
  }
  const choice = recommendPolicy({ candidates, tolerance: a.tolerance, reference });
  const policies = candidates.map((c) => ({ ...c.entry, recommended: c.entry.kind === choice.kind, reason: choice.reasons.get(c.entry.kind)! }));
  const scorers = fitted.flatMap((f) =>
    f.cells.flatMap((c): ScorerEntry[] =>
      c.scorer
        ? [
            {
              action,
              policy: f.kind,
              cell: c.spec.cell,
              models: c.spec.consensus ? c.spec.models : [c.spec.models[0]!],
              model: c.scorer.model,
              signal_auroc: c.scorer.signalAuroc,
            },
          ]
        : [],
    ),
  );
  return { scorers, policies, finalAccuracy: finalAccuracy(a, fitted), notes, fitted };
}

function policyEntry(x: {
  f: Extract<FittedPolicy, { ok: true }>;
  fitRuns: Answered[];
  heldRuns: Answered[] | undefined;
  alpha: number;
  delta: number;
  evidence: ActionEvidence;
}): Omit<PolicyEntry, "recommended" | "reason"> {
  const { f, alpha, delta } = x;
  const expected = summariseWalks(x.fitRuns, { delta });
  const held = x.heldRuns && summariseWalks(x.heldRuns, { delta });
  return {
    action: f.action,
    kind: f.kind,
    cells: cellCounts(f, x.fitRuns),
    alpha,
    delta,
    evidence: x.evidence.evidence,
    expected: {
      n: expected.n,
      accuracy: expected.accuracy,
      accuracy_ci95: expected.accuracy_ci95,
      api_share: expected.api_share,
      cost_per_1k_usd: expected.cost_per_1k_usd,
      kept_error: expected.kept_error,
      kept_error_upper: expected.kept_error_upper,
    },
    held_out: held
      ? {
          n: held.n,
          accuracy: held.accuracy,
          api_share: held.api_share,
          kept: held.kept,
          kept_error: held.kept_error,
          kept_error_upper: held.kept_error_upper,
          within_alpha: held.kept_error === null || held.kept_error <= alpha,
        }
      : null,
  };
}

/** Per cell: of the fit items that reached it, how many it kept, and how many of those were right. */
function cellCounts(f: Extract<FittedPolicy, { ok: true }>, runs: readonly Answered[]): PolicyCell[] {
  return f.cells.map((c, j) => {
    let reached = 0;
    let kept = 0;
    let right = 0;
    for (const r of runs) {
      const step = r.steps[j];
      if (!step) continue;
      reached++;
      if (step.accepted) {
        kept++;
        if (r.correct) right++;
      }
    }
    return {
      cell: c.spec.cell,
      tier: c.spec.tier,
      local: c.spec.local,
      models: c.spec.consensus ? c.spec.models : [...c.spec.models],
      calls: c.spec.calls,
      threshold: c.threshold,
      basis: c.basis,
      accept: { k: kept, n: reached },
      correct_if_accepted: { k: right, n: kept },
    };
  });
}

/** How often the last tier's first model is right on the fit items: the final cell of every policy. */
function finalAccuracy(a: CalibrateActionArgs, fitted: readonly Extract<FittedPolicy, { ok: true }>[]): FinalAccuracy[] {
  const last = fitted[0]?.cells.at(-1)?.spec;
  if (!last) return [];
  const model = last.models[0]!;
  const k = a.fitItems.filter((it) => it.answers[model]!.correct).length;
  return [{ action: a.evidence.action, tier: last.tier, model_id: model, correct: { k, n: a.fitItems.length }, evidence: a.evidence.evidence }];
}

export interface PolicyReport {
  action: string;
  alpha: number;
  delta: number;
  /** Items with a usable answer from every chain model that has records, and items dropped. */
  items: number;
  dropped: number;
  dropped_example: string | null;
  /** Why there are no policies for the action, when there are none. */
  skipped: string | null;
  notes: string[];
  recommended: string | null;
}

/**
 * Every action of a run: α and δ from the flags when given, else the action table, else the defaults;
 * actions whose records carry no signals are reported and skipped (self-check thresholds only).
 */
export function calibrateRunPolicies(a: {
  records: readonly BenchRecord[];
  config: RouterConfig;
  alpha: number | undefined;
  delta: number | undefined;
  defaults: { alpha: number; delta: number };
  seed: number;
  folds?: number;
}): { results: ActionCalibration[]; report: PolicyReport[] } {
  const results: ActionCalibration[] = [];
  const report: PolicyReport[] = [];
  for (const ev of collectEvidence(a.records, a.config)) {
    const act = a.config.data.actions[ev.action]!;
    const alpha = a.alpha ?? act.alpha ?? a.defaults.alpha;
    const delta = a.delta ?? act.delta ?? a.defaults.delta;
    const base = { action: ev.action, alpha, delta, items: ev.items.length, dropped: ev.dropped.items, dropped_example: ev.dropped.example };
    if (!ev.hasSignals) {
      report.push({
        ...base,
        skipped: "the records carry no signals (written before issue 12, or by a cascade run): only self-check thresholds",
        notes: [],
        recommended: null,
      });
      continue;
    }
    const r = calibrateAction({
      evidence: ev,
      config: a.config,
      fitItems: ev.items,
      alpha,
      delta,
      tolerance: act.accuracy_tolerance ?? DEFAULT_ACCURACY_TOLERANCE,
      reference: act.accuracy_reference,
      seed: a.seed,
      folds: a.folds,
    });
    results.push(r);
    report.push({ ...base, skipped: null, notes: r.notes, recommended: r.policies.find((p) => p.recommended)?.kind ?? null });
  }
  return { results, report };
}
