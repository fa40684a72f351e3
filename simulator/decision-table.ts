/**
 * The routing rules as a lookup table for the hot loop, built by CALLING the router's policy functions
 * (router/policy/escalation.ts) once per (action, chain position, pass/fail): there is no second copy of
 * the rules. decision-table.test.ts checks the table against `nextStep` on random draws.
 */
import type { RouterConfig } from "../router/config/load.js";
import { nextStep, thresholdFor, tierChain, type AttemptOutcome, type NextStep, type ThresholdChoice } from "../router/policy/escalation.js";

/** Step codes stored in the table; the engines stop on ACCEPT and move up the chain otherwise. */
export const STEP_CODES: Record<NextStep, number> = { accept: 0, next_tier: 1, next_model: 2, retry: 3 };

/**
 * The outcome the simulator feeds the policy for a sampled pass/fail: a pass is an answer whose confidence
 * equals the threshold; a fail is the largest confidence below it.
 */
export function outcomeFor(pass: boolean, threshold: number): AttemptOutcome {
  const confidence = pass ? threshold : threshold > 0 ? threshold * (1 - Number.EPSILON) - Number.MIN_VALUE : -1;
  return { kind: "answer", confidence, threshold };
}

export interface ChainCell {
  tier: string;
  threshold: ThresholdChoice;
}

/** Each action's chain (tierChain) with the threshold the router would apply on each tier (thresholdFor). */
export function chainsOf(config: RouterConfig, actions: string[]): ChainCell[][] {
  return actions.map((a) => tierChain(config, a).map((tier) => ({ tier, threshold: thresholdFor(config, a, tier) })));
}

/**
 * Uint8Array indexed [(action · maxChain + position) · 2 + pass] → step code. Only answer outcomes are
 * simulated (no transport errors), so the policy can only say accept or next_tier; anything else is a bug.
 */
export function buildDecisionTable(config: RouterConfig, actions: string[], maxChain: number): Uint8Array {
  const table = new Uint8Array(actions.length * maxChain * 2);
  const chains = chainsOf(config, actions);
  const maxRetries = config.data.retry.max_retries;
  chains.forEach((chain, a) => {
    chain.forEach((cell, pos) => {
      for (const pass of [false, true]) {
        const step = nextStep(outcomeFor(pass, cell.threshold.threshold), 0, maxRetries);
        if (step !== "accept" && step !== "next_tier") throw new Error(`policy returned ${step} for an answer outcome; the simulator only models answers`);
        table[(a * maxChain + pos) * 2 + (pass ? 1 : 0)] = STEP_CODES[step];
      }
    });
  });
  return table;
}
