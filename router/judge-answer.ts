/**
 * The router's per-answer decision, the hot path `npm run perf -- router` times: the self-check
 * (quality checks, kept under its own name), then, where the cell has a scorer or the route compares
 * answers, the answer's reading and signals, the scorer's P(correct) and `decideCell`.
 */
import type { ActionPlan } from "./action-plan.js";
import { answerSignals, type AnswerSignals } from "./confidence/answer-signals.js";
import { answerFeatures } from "./confidence/signals/registry.js";
import type { FinishReason, TokenLogprob } from "./contracts/provider.js";
import type { QualityVerdict } from "./contracts/quality.js";
import { decideCell, type CellDecision } from "./policy/decide-cell.js";
import type { RouteCell } from "./policy/route-cells.js";
import { scoreAnswer } from "./quality/score.js";

export interface AnswerUnderJudgement {
  text: string;
  finishReason: FinishReason;
  logprobs?: readonly TokenLogprob[];
  /** The verifier's P(yes), when one was asked. */
  verifier?: number;
}

/** Checks and, when the route needs them, signals: computed once per answer, before any decision. */
export interface AssessedAnswer {
  verdict: QualityVerdict;
  signals: AnswerSignals | undefined;
}

export function assessAnswer(a: { plan: ActionPlan; cell: RouteCell; prompt: string; answer: AnswerUnderJudgement }): AssessedAnswer {
  const { plan, cell, answer } = a;
  const verdict = scoreAnswer(
    plan.checks,
    { text: answer.text, finishReason: answer.finishReason, action: plan.name, prompt: a.prompt, schema: plan.action.schema },
    cell.selfCheckThreshold,
  );
  const needsSignals = cell.rule.basis === "p_correct" || plan.policy.readsAnswers;
  const signals = needsSignals
    ? answerSignals({ text: answer.text, kind: plan.answerKind, checks: verdict.checks, logprobs: answer.logprobs, verifier: answer.verifier })
    : undefined;
  return { verdict, signals };
}

export interface Judgement {
  decision: CellDecision;
  pCorrect?: number;
}

/** The decision at the cell, given the earlier local answers' canonicals (or the consensus partner's) and, on a consensus cell, whether the pair agrees. */
export function judgeAnswer(a: { cell: RouteCell; assessed: AssessedAnswer; peers: readonly (string | null)[]; agree?: boolean }): Judgement {
  const { cell, assessed } = a;
  const agree = a.agree === undefined ? {} : { agree: a.agree };
  switch (cell.rule.basis) {
    case "final":
      return { decision: decideCell({ basis: "final" }) };
    case "self_check":
      return { decision: decideCell({ basis: "self_check", threshold: cell.rule.threshold, confidence: assessed.verdict.confidence, ...agree }) };
    case "p_correct": {
      const s = assessed.signals!;
      const pCorrect = cell.rule.scorer.score(answerFeatures({ own: s.own, reading: s.reading, peers: a.peers }));
      return { decision: decideCell({ basis: "p_correct", threshold: cell.rule.threshold, pCorrect, ...agree }), pCorrect };
    }
  }
}
