/**
 * The one accept/escalate decision at a cell of a route, pure. The router (real calls), the offline
 * walk of `bench calibrate` / `bench evaluate` (recorded answers), the frontier and the simulator all
 * call it; there is no second copy of the rule.
 *
 * - `p_correct`: a learned scorer exists for (action, cell): keep the answer when P(correct) ≥ t. An
 *   answer the scorer could not score escalates.
 * - `self_check`: no scorer: the legacy rule, the quality checks' confidence ≥ threshold (nextStep).
 * - `final`: the last cell of a policy always answers.
 * On a consensus cell (`agree` given) the pair must also give the same answer.
 */
import { nextStep } from "./escalation.js";

export type CellBasis = "p_correct" | "self_check" | "final";

export type CellDecisionInput =
  | { basis: "final" }
  | { basis: "p_correct"; threshold: number; pCorrect: number | undefined; agree?: boolean }
  | { basis: "self_check"; threshold: number; confidence: number; agree?: boolean };

export type CellDecision = "accept" | "escalate";

export function decideCell(input: CellDecisionInput): CellDecision {
  if (input.basis === "final") return "accept";
  if (input.agree === false) return "escalate";
  if (input.basis === "p_correct") return input.pCorrect !== undefined && input.pCorrect >= input.threshold ? "accept" : "escalate";
  return nextStep({ kind: "answer", confidence: input.confidence, threshold: input.threshold }, 0, 0) === "accept" ? "accept" : "escalate";
}
