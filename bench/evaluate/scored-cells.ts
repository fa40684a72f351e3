/**
 * How the fitted scorers rank answers they were not fitted on: for every scored cell of every policy
 * (kept or left out), the AUROC of each signal and of P(correct) on the evaluated items that reach it,
 * with bootstrap intervals; and for each scored first cell, RouteLLM's APGR and calls-to-reach-the-gap
 * against the final API model.
 */
import { walkItem } from "../../router/policy/walk.js";
import type { EvidenceItem } from "../calibrate/evidence.js";
import { aurocsOf, walkCellOf, walkCells, type FittedPolicy, type FittedScorer } from "../calibrate/policy-fit.js";
import type { CellSpec } from "../../router/policy/policy-cells.js";
import type { FrontierItem, RouterMetricsRow, SignalAurocRow } from "./frontier-types.js";
import { routerSummary } from "./routellm-metrics.js";

type Fitted = Extract<FittedPolicy, { ok: true }>;

interface ScoredCell {
  policy: Fitted;
  spec: CellSpec;
  scorer: FittedScorer;
  /** Kept cells of the policy before it. */
  after: number;
  position: number;
}

function scoredCells(f: Fitted): ScoredCell[] {
  const kept = f.cells.flatMap((c, i) => (c.scorer ? [{ policy: f, spec: c.spec, scorer: c.scorer, after: i, position: -1 }] : []));
  const left = f.leftOut.flatMap((c) => (c.scorer ? [{ policy: f, spec: c.spec, scorer: c.scorer, after: c.after, position: c.position }] : []));
  // A kept cell's position in the full chain: after as many cells as were kept or left out before it.
  for (const k of kept) k.position = k.after + f.leftOut.filter((l) => l.after <= k.after).length;
  return [...kept, ...left].sort((a, b) => a.position - b.position);
}

/** Each scored cell's rows on `items`: features and P(correct) of the cell's answer, and whether it was right. */
function rowsOf(c: ScoredCell, items: readonly EvidenceItem[]) {
  const before = walkCells(c.policy.cells.slice(0, c.after), "compiled");
  const model = c.spec.models[0]!;
  return items.flatMap((item) => {
    const o = walkItem({ itemId: item.id, cells: [...before, { ...walkCellOf(c.spec), rule: { basis: "pending" } }], answer: (m) => item.answers[m]! });
    return o.kind === "pending" ? [{ item, features: o.features, p: c.scorer.compiled.score(o.features), correct: item.answers[model]!.correct }] : [];
  });
}

export function evaluateScoredCells(a: { fitted: readonly Fitted[]; items: readonly EvidenceItem[]; api: string; seed: number; aurocIterations?: number }): {
  signals: SignalAurocRow[];
  routellm: RouterMetricsRow[];
  notes: string[];
} {
  const signals: SignalAurocRow[] = [];
  const routellm: RouterMetricsRow[] = [];
  const notes: string[] = [];
  for (const f of a.fitted) {
    for (const c of scoredCells(f)) {
      const rows = rowsOf(c, a.items);
      const model = c.spec.models[0]!;
      const named: Record<string, { score: number | null | undefined; correct: boolean }[]> = {};
      for (const feature of c.scorer.model.features) named[feature.name] = rows.map((r) => ({ score: r.features[feature.name], correct: r.correct }));
      named.p_correct = rows.map((r) => ({ score: r.p, correct: r.correct }));
      for (const [signal, e] of Object.entries(aurocsOf(named, a.seed, a.aurocIterations)))
        signals.push({ policy: f.kind, cell: c.spec.cell, model, signal, ...e });
      if (c.position !== 0 || c.spec.local === false) continue;
      const items: FrontierItem[] = rows.map((r) => ({
        id: r.item.id,
        outcomes: {
          [model]: { correct: r.correct, costUsd: r.item.answers[model]!.costUsd, score: r.p },
          [a.api]: { correct: r.item.answers[a.api]!.correct, costUsd: r.item.answers[a.api]!.costUsd },
        },
      }));
      try {
        const s = routerSummary({ items, local: model, api: a.api });
        routellm.push({
          policy: f.kind,
          cell: c.spec.cell,
          local: model,
          api: a.api,
          weak: s.weak,
          strong: s.strong,
          apgr: s.apgr,
          calls_to_gap: s.calls_to_gap,
        });
      } catch (err) {
        notes.push(`APGR for ${f.kind} / ${c.spec.cell}: not computed: ${(err as Error).message}`);
      }
    }
  }
  return { signals, routellm, notes };
}
