/**
 * The offline walk of one request through a policy's cells over answers already recorded (bench
 * records joined on item id): what the router would have called, paid, kept and returned. `bench
 * calibrate` fits cell by cell with it (a `pending` cell stops the walk and hands back the features
 * there) and `bench evaluate` judges policies with it. Each decision is `decideCell`, and the features
 * are built by `answerFeatures` from the same signals the router computes, with the same peers: the
 * earlier local answers of the route, or the consensus partner.
 */
import type { FeatureValues } from "../confidence/scorer-model.js";
import type { ReadingSummary } from "../confidence/signals/contract.js";
import { answerFeatures } from "../confidence/signals/registry.js";
import { decideCell, type CellDecisionInput } from "./decide-cell.js";
import { pickBestEffort } from "./escalation.js";

/** One model's recorded answer to the item. */
export interface RecordedAnswer {
  correct: boolean;
  costUsd: number;
  /** An API-tier model (counts towards the API share). */
  api: boolean;
  reading: ReadingSummary;
  /** Own signal values as the record stores them. */
  own: FeatureValues;
  /** The quality checks' confidence (the legacy self-check); null when the record has none. */
  confidence: number | null;
}

export type WalkRule =
  | { basis: "final" }
  | { basis: "self_check"; threshold: number }
  /** `score` maps the cell's features to P(correct): the compiled scorer, or an out-of-fold lookup while fitting. */
  | { basis: "p_correct"; threshold: number; score: (features: FeatureValues, itemId: string) => number }
  /** Not fitted yet: the walk stops here (calibration fits cells in chain order). */
  | { basis: "pending" };

export interface WalkCell {
  cell: string;
  local: boolean;
  /** The model whose answer the cell keeps. */
  model: string;
  /** Consensus: the partner called in parallel, which must give the same answer. */
  partner?: string;
  rule: WalkRule;
}

export interface WalkStep {
  cell: string;
  features: Record<string, number | null | undefined>;
  /** Set on consensus cells. */
  agree?: boolean;
  pCorrect?: number;
  accepted: boolean;
}

export type WalkOutcome =
  | {
      kind: "answered";
      /** Index of the cell whose answer is returned (best effort: of the cell that produced it). */
      cellIndex: number;
      model: string;
      correct: boolean;
      costUsd: number;
      calledApi: boolean;
      /** The returned answer is a local model's. */
      keptLocal: boolean;
      /** No cell accepted: the legacy rule returned its best-scoring answer. */
      bestEffort: boolean;
      steps: WalkStep[];
    }
  | { kind: "pending"; cellIndex: number; features: Record<string, number | null | undefined>; agree?: boolean; costUsd: number; steps: WalkStep[] };

export function walkItem(args: { itemId: string; cells: readonly WalkCell[]; answer: (model: string) => RecordedAnswer }): WalkOutcome {
  const { itemId, cells, answer } = args;
  const peers: (string | null)[] = [];
  const steps: WalkStep[] = [];
  const visited: { cellIndex: number; model: string; a: RecordedAnswer; confidence: number }[] = [];
  let costUsd = 0;
  let calledApi = false;
  const call = (model: string) => {
    const a = answer(model);
    costUsd += a.costUsd;
    calledApi ||= a.api;
    return a;
  };
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    const primary = call(c.model);
    const partner = c.partner === undefined ? undefined : call(c.partner);
    const features = answerFeatures({ own: primary.own, reading: primary.reading, peers: partner ? [partner.reading.canonical] : peers });
    const agree = partner ? primary.reading.canonical !== null && primary.reading.canonical === partner.reading.canonical : undefined;
    if (c.rule.basis === "pending") return { kind: "pending", cellIndex: i, features, ...(agree === undefined ? {} : { agree }), costUsd, steps };
    const pCorrect = c.rule.basis === "p_correct" ? c.rule.score(features, itemId) : undefined;
    const decision = decideCell(decisionInput(c.rule, { pCorrect, confidence: primary.confidence, agree }));
    steps.push({
      cell: c.cell,
      features,
      ...(agree === undefined ? {} : { agree }),
      ...(pCorrect === undefined ? {} : { pCorrect }),
      accepted: decision === "accept",
    });
    if (decision === "accept") return answered({ i, model: c.model, a: primary, local: c.local, best: false });
    visited.push({ cellIndex: i, model: c.model, a: primary, confidence: primary.confidence ?? 0 });
    if (c.local) {
      peers.push(primary.reading.canonical);
      if (partner) peers.push(partner.reading.canonical);
    }
  }
  // Only a legacy chain (no final cell) gets here: the router returns its best-scoring answer, flagged.
  const best = pickBestEffort(visited)!;
  return answered({ i: best.cellIndex, model: best.model, a: best.a, local: cells[best.cellIndex]!.local, best: true });

  function answered(x: { i: number; model: string; a: RecordedAnswer; local: boolean; best: boolean }): WalkOutcome {
    return { kind: "answered", cellIndex: x.i, model: x.model, correct: x.a.correct, costUsd, calledApi, keptLocal: x.local, bestEffort: x.best, steps };
  }
}

function decisionInput(
  rule: Exclude<WalkRule, { basis: "pending" }>,
  a: { pCorrect: number | undefined; confidence: number | null; agree: boolean | undefined },
): CellDecisionInput {
  const agree = a.agree === undefined ? {} : { agree: a.agree };
  switch (rule.basis) {
    case "final":
      return { basis: "final" };
    case "p_correct":
      return { basis: "p_correct", threshold: rule.threshold, pCorrect: a.pCorrect, ...agree };
    case "self_check":
      // A record without a self-check score cannot clear a threshold.
      return { basis: "self_check", threshold: rule.threshold, confidence: a.confidence ?? -1, ...agree };
  }
}
