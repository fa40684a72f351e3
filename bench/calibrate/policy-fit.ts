/**
 * Fits one policy of one action on labelled items, cell by cell in chain order: each non-final cell
 * gets a scorer (cross-fitted, calibrated: scorer-fit.ts) on the items that reach it, and a threshold on
 * its out-of-fold P(correct) by Learn-then-Test for error ≤ α on kept answers with probability 1 − δ.
 * The items a cell keeps (by those out-of-fold scores) do not reach the next one. A consensus cell's
 * threshold is tested on the items where the pair agrees, the only ones it can keep.
 *
 * A cell whose scorer cannot be fitted, or for which no threshold passes the test, is left out of the
 * policy: it could never keep an answer, so the route does not call it. The reasons are kept as notes.
 */
import type { RouterConfig } from "../../router/config/load.js";
import { compileScorer, type CompiledScorer } from "../../router/confidence/scorer.js";
import type { ScorerModel } from "../../router/confidence/scorer-model.js";
import { policyCells, type CellSpec, type PolicyKind } from "../../router/policy/policy-cells.js";
import { walkItem, type WalkCell } from "../../router/policy/walk.js";
import { signalAurocs } from "../stats/auroc-bootstrap.js";
import { riskControlThreshold } from "../stats/thresholds.js";
import type { ActionEvidence, EvidenceItem } from "./evidence.js";
import { fitScorer, type ScorerTrainingRow } from "./scorer-fit.js";

export interface SignalAuroc {
  auroc: number | null;
  lower: number | null;
  upper: number | null;
  n: number;
}

export interface FittedScorer {
  model: ScorerModel;
  compiled: CompiledScorer;
  /** Out-of-fold P(correct) of each fit item that reached the cell. */
  oof: Map<string, number>;
  /** AUROC of each feature alone and of the out-of-fold P(correct) (`p_correct`), on the items that reached the cell. */
  signalAuroc: Record<string, SignalAuroc>;
}

export interface FittedCell {
  spec: CellSpec;
  basis: "p_correct" | "final";
  /** null on the final cell. */
  threshold: number | null;
  scorer?: FittedScorer;
}

/** A cell left out of the policy, with its scorer when one could be fitted (reports still show how it ranks). */
export interface LeftOutCell {
  spec: CellSpec;
  /** Index the cell had in the policy's full chain. */
  position: number;
  /** Cells of the policy kept before it (so a walk can reach it again). */
  after: number;
  scorer?: FittedScorer;
  why: string;
}

export type FittedPolicy =
  | { ok: true; kind: PolicyKind; action: string; cells: FittedCell[]; leftOut: LeftOutCell[]; notes: string[] }
  | { ok: false; kind: PolicyKind; action: string; why: string };

export interface FitPolicyArgs {
  evidence: ActionEvidence;
  /** The items to fit on (a subset of evidence.items when a split is held out). */
  items: readonly EvidenceItem[];
  config: RouterConfig;
  kind: PolicyKind;
  alpha: number;
  delta: number;
  seed: number;
  folds?: number;
  /** Bootstrap resamples of each signal's AUROC; default 1000. */
  aurocIterations?: number;
}

export function fitPolicy(a: FitPolicyArgs): FittedPolicy {
  const { evidence, kind } = a;
  const action = evidence.action;
  const specs = policyCells(a.config, action, kind);
  if (!specs.ok) return { ok: false, kind, action, why: specs.why };
  const missing = specs.cells.flatMap((c) => (c.consensus ? c.models : [c.models[0]!])).filter((m) => !evidence.models.has(m));
  if (missing.length)
    return {
      ok: false,
      kind,
      action,
      why: `no usable records of ${[...new Set(missing)].join(", ")}: bench ${missing.length > 1 ? "them" : "it"} on the same items`,
    };
  if (a.items.length === 0) return { ok: false, kind, action, why: "no item has a usable answer from every model the policy calls" };

  const fitted: FittedCell[] = [];
  const leftOut: LeftOutCell[] = [];
  const notes: string[] = [];
  const leave = (spec: CellSpec, position: number, why: string, scorer?: FittedScorer) => {
    leftOut.push({ spec, position, after: fitted.length, why, ...(scorer ? { scorer } : {}) });
    notes.push(`${spec.cell} left out: ${why}`);
  };
  const last = specs.cells.length - 1;
  for (let i = 0; i <= last; i++) {
    const spec = specs.cells[i]!;
    if (i === last) {
      fitted.push({ spec, basis: "final", threshold: null });
      break;
    }
    const label = `action ${action} / ${kind} / cell ${spec.cell}`;
    const probe: WalkCell = { ...walkCellOf(spec), rule: { basis: "pending" } };
    const done = walkCells(fitted, "oof");
    const reached = a.items.flatMap((item) => {
      const o = walkItem({ itemId: item.id, cells: [...done, probe], answer: (m) => item.answers[m]! });
      return o.kind === "pending" ? [{ item, features: o.features, agree: o.agree }] : [];
    });
    const rows: ScorerTrainingRow[] = reached.map((r) => ({ features: r.features, correct: r.item.answers[spec.models[0]!]!.correct }));
    const names = usableFeatures(rows);
    if (names.length === 0) {
      leave(spec, i, `no signal varies over the ${rows.length} items that reach it`);
      continue;
    }
    const fit = fitScorer(rows, { featureNames: names, seed: a.seed, folds: a.folds, label });
    if (fit.refused) {
      leave(spec, i, fit.reason);
      continue;
    }
    const oof = new Map(reached.map((r, j) => [r.item.id, fit.oof[j]!.score]));
    const candidates = reached.flatMap((r, j) => (spec.consensus && !r.agree ? [] : [{ score: onGrid(fit.oof[j]!.score), correct: fit.oof[j]!.correct }]));
    const signals: Record<string, { score: number | null | undefined; correct: boolean }[]> = {};
    for (const name of names) signals[name] = rows.map((r) => ({ score: r.features[name], correct: r.correct }));
    signals.p_correct = fit.oof;
    const scorer: FittedScorer = { model: fit.model, compiled: compileScorer(fit.model), oof, signalAuroc: aurocsOf(signals, a.seed, a.aurocIterations) };
    const choice = riskControlThreshold(candidates, { alpha: a.alpha, delta: a.delta, label });
    if (choice.refused) {
      leave(spec, i, choice.reason, scorer);
      continue;
    }
    fitted.push({ spec, basis: "p_correct", threshold: choice.threshold, scorer });
  }
  return { ok: true, kind, action, cells: fitted, leftOut, notes };
}

/**
 * Thresholds are chosen on a grid of P(correct) (steps of THRESHOLD_GRID), fixed before any label is
 * seen: finer steps would test differences the scorer cannot resolve, and Learn-then-Test's fixed
 * sequence ends at its first failure, so one unlucky wrong answer among a sliver of top scores would end
 * it before the threshold that keeps a large, reliable group (e.g. every agreeing pair) is ever tested.
 * Keeping P ≥ t for a grid value t is the same as keeping onGrid(P) ≥ t.
 */
export const THRESHOLD_GRID = 0.05;
const onGrid = (p: number) => Number((Math.floor(p / THRESHOLD_GRID + 1e-9) * THRESHOLD_GRID).toFixed(10));

/**
 * The walk's cells for a fitted policy: `oof` scores the fit items by their out-of-fold P(correct) (what
 * the thresholds were chosen on), `compiled` scores any item with the scorer that ships (held-out items, the router).
 */
export function walkCells(cells: readonly FittedCell[], mode: "oof" | "compiled"): WalkCell[] {
  return cells.map((c) => {
    const base = walkCellOf(c.spec);
    if (c.basis === "final") return { ...base, rule: { basis: "final" } };
    const s = c.scorer!;
    const score =
      mode === "compiled"
        ? (f: Parameters<CompiledScorer["score"]>[0]) => s.compiled.score(f)
        : (_: unknown, id: string) => {
            const p = s.oof.get(id);
            if (p === undefined) throw new Error(`unreachable: item ${id} reached cell ${c.spec.cell} on the walk but not when it was fitted`);
            return p;
          };
    return { ...base, rule: { basis: "p_correct", threshold: c.threshold!, score } };
  });
}

export function walkCellOf(spec: CellSpec): Omit<WalkCell, "rule"> {
  return { cell: spec.cell, local: spec.local, model: spec.models[0]!, ...(spec.consensus ? { partner: spec.models[1]! } : {}) };
}

/** AUROC with a seeded bootstrap interval of each named signal (bench/stats/auroc-bootstrap.ts). */
export function aurocsOf(
  signals: Record<string, readonly { score: number | null | undefined; correct: boolean }[]>,
  seed: number,
  iterations = 1000,
): Record<string, SignalAuroc> {
  const out: Record<string, SignalAuroc> = {};
  for (const [name, e] of Object.entries(signalAurocs(signals, { seed, iterations }))) out[name] = { auroc: e.auroc, lower: e.lower, upper: e.upper, n: e.n };
  return out;
}

/**
 * Features worth fitting on: present on some rows, and either taking two values or missing on some
 * rows (the missing indicator then carries information). Sorted, so the model's feature order is stable.
 */
export function usableFeatures(rows: readonly ScorerTrainingRow[]): string[] {
  const seen = new Map<string, { values: Set<number>; present: number }>();
  for (const r of rows) {
    for (const [name, v] of Object.entries(r.features)) {
      const s = seen.get(name) ?? seen.set(name, { values: new Set(), present: 0 }).get(name)!;
      if (typeof v === "number" && Number.isFinite(v)) {
        s.present++;
        if (s.values.size < 2) s.values.add(v);
      }
    }
  }
  return [...seen.entries()]
    .filter(([, s]) => s.present > 0 && (s.values.size > 1 || s.present < rows.length))
    .map(([name]) => name)
    .sort();
}
