/**
 * The routing rules as a lookup table for the hot loop, built by CALLING the router's policy functions
 * (router/policy/escalation.ts) once per (action, cell, kept/not kept): there is no second copy of the
 * rules. decision-table.test.ts checks the table against `nextStep` on random draws.
 *
 * A cell's score is its self-check confidence or, under a calibrated policy with a scorer, its P(correct);
 * either way the policy keeps the answer when the score clears the cell's threshold. The last cell of a
 * calibrated policy keeps every answer: its threshold is 0, below any score.
 */
import { nextStep, type AttemptOutcome, type NextStep, type ThresholdChoice } from "../router/policy/escalation.js";

/** Step codes stored in the table; the engines stop on ACCEPT and move up the chain otherwise. */
export const STEP_CODES: Record<NextStep, number> = { accept: 0, next_tier: 1, next_model: 2, retry: 3 };
export const STEP_ACCEPT = 0;

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
export function buildDecisionTable(plans: readonly { cells: readonly { threshold: ThresholdChoice | null }[] }[], maxChain: number, maxRetries: number): Uint8Array {
  const table = new Uint8Array(plans.length * maxChain * 2);
  plans.forEach((plan, a) => {
    plan.cells.forEach((cell, pos) => {
      for (const pass of [false, true]) {
        const step = nextStep(outcomeFor(pass, effectiveThreshold(cell.threshold)), 0, maxRetries);
        if (step !== "accept" && step !== "next_tier") throw new Error(`policy returned ${step} for an answer outcome; the simulator only models answers`);
        table[(a * maxChain + pos) * 2 + (pass ? 1 : 0)] = STEP_CODES[step];
      }
    });
  });
  return table;
}
