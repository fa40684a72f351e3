/**
 * What a policy did over a set of items, from the offline walk's outcomes: accuracy (share of final
 * answers that are right) with its Wilson interval, API share, cost per 1,000 requests, and the error
 * among kept local answers with its one-sided Clopper–Pearson (1 − δ) upper bound.
 */
import { walkItem, type WalkCell, type WalkOutcome } from "../../router/policy/walk.js";
import type { EvidenceItem } from "./evidence.js";
import { clopperPearsonUpper, wilsonInterval } from "../stats/proportion.js";

export type Answered = Extract<WalkOutcome, { kind: "answered" }>;

export interface WalkSummary {
  n: number;
  correct: number;
  accuracy: number;
  accuracy_ci95: { lower: number; upper: number };
  api_share: number;
  cost_per_1k_usd: number;
  /** Local answers returned. */
  kept: number;
  kept_wrong: number;
  kept_error: number | null;
  kept_error_upper: number | null;
}

export function summariseWalks(outcomes: readonly Answered[], opts: { delta: number }): WalkSummary {
  const n = outcomes.length;
  let correct = 0;
  let api = 0;
  let cost = 0;
  let kept = 0;
  let keptWrong = 0;
  for (const o of outcomes) {
    if (o.correct) correct++;
    if (o.calledApi) api++;
    cost += o.costUsd;
    if (o.keptLocal) {
      kept++;
      if (!o.correct) keptWrong++;
    }
  }
  return {
    n,
    correct,
    accuracy: n === 0 ? 0 : correct / n,
    accuracy_ci95: wilsonInterval(correct, n),
    api_share: n === 0 ? 0 : api / n,
    cost_per_1k_usd: n === 0 ? 0 : (1000 * cost) / n,
    kept,
    kept_wrong: keptWrong,
    kept_error: kept === 0 ? null : keptWrong / kept,
    kept_error_upper: kept === 0 ? null : clopperPearsonUpper(keptWrong, kept, { confidence: 1 - opts.delta }),
  };
}

export function asAnswered(o: WalkOutcome): Answered {
  if (o.kind !== "answered") throw new Error(`unreachable: a fitted policy's walk stopped at pending cell ${o.cellIndex}`);
  return o;
}

/** Each item walked through the same cells, every model answering with its recorded answer. */
export function walkEvidence(items: readonly EvidenceItem[], cells: readonly WalkCell[]): Answered[] {
  return items.map((item) => asAnswered(walkItem({ itemId: item.id, cells, answer: (m) => item.answers[m]! })));
}
