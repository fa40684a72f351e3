/**
 * The routing rules as a lookup table for the hot loop, built by CALLING the router's decision function
 * (router/policy/decide-cell.ts, which the router and the offline walk call too) once per (action, cell,
 * kept/not kept): there is no second copy of the rules. decision-table.test.ts checks the table against
 * the router's rule on random draws.
 *
 * A cell's score is its self-check confidence or, under a calibrated policy with a scorer, its P(correct);
 * either way the policy keeps the answer when the score clears the cell's threshold. The last cell of a
 * calibrated policy keeps every answer: its threshold is 0, below any score.
 */
import { decideCell, type CellBasis, type CellDecisionInput } from "../router/policy/decide-cell.js";
import type { AttemptOutcome, NextStep, ThresholdChoice } from "../router/policy/escalation.js";

/** Step codes stored in the table; the engines stop on ACCEPT and move up the chain otherwise. */
export const STEP_CODES: Record<NextStep, number> = { accept: 0, next_tier: 1, next_model: 2, retry: 3 };

/**
 * The outcome the simulator feeds the policy for a sampled pass/fail: a pass is an answer whose score
 * equals the threshold; a fail is the largest score below it.
 */
export function outcomeFor(pass: boolean, threshold: number): AttemptOutcome {
  const confidence = pass ? threshold : threshold > 0 ? threshold * (1 - Number.EPSILON) - Number.MIN_VALUE : -1;
  return { kind: "answer", confidence, threshold };
}

/** The threshold the policy applies at a cell: the last cell of a calibrated policy (null) keeps every score ≥ 0. */
export const effectiveThreshold = (threshold: { threshold: number } | null): number => threshold?.threshold ?? 0;

/**
 * Uint8Array indexed [(action · maxChain + position) · 2 + pass] → step code. Only answer outcomes are
 * simulated (no transport errors), so the policy can only say accept or next_tier; anything else is a bug.
 */
export function buildDecisionTable(
  plans: readonly { cells: readonly { basis: CellBasis; threshold: ThresholdChoice | null }[] }[],
  maxChain: number,
): Uint8Array {
  const table = new Uint8Array(plans.length * maxChain * 2);
  plans.forEach((plan, a) => {
    plan.cells.forEach((cell, pos) => {
      for (const pass of [false, true]) {
        const step = decideCell(decisionInput(cell, pass)) === "accept" ? "accept" : "next_tier";
        table[(a * maxChain + pos) * 2 + (pass ? 1 : 0)] = STEP_CODES[step];
      }
    });
  });
  return table;
}

/** What the router's rule sees for a sampled keep / not keep at a cell: a score at its threshold, or just below it. */
export function decisionInput(cell: { basis: CellBasis; threshold: ThresholdChoice | null }, pass: boolean): CellDecisionInput {
  if (cell.basis === "final" || cell.threshold === null) return { basis: "final" };
  const score = outcomeFor(pass, effectiveThreshold(cell.threshold));
  if (score.kind !== "answer") throw new Error("unreachable: outcomeFor always gives an answer");
  return cell.basis === "p_correct"
    ? { basis: "p_correct", threshold: score.threshold, pCorrect: score.confidence }
    : { basis: "self_check", threshold: score.threshold, confidence: score.confidence };
}
