/**
 * The acceptance guarantee, chosen on one split and checked on another: keep a local answer when its
 * P(correct) ≥ t, where t is chosen by Learn-then-Test (riskControlThreshold) on the fit split's
 * out-of-fold scores for a target error α on kept answers with confidence 1 − δ. The held-out split,
 * which neither the scorer nor t saw, then says what that t does on new items: the kept answers' error,
 * its Clopper–Pearson upper bound, and the coverage.
 *
 * Why the second split: LTT's guarantee assumes the scores it tests come from a fixed function applied
 * to items exchangeable with future ones. Out-of-fold scores come from k fold models, not the shipped
 * one, so on the fit split the guarantee is close to, not exactly, what it says. The held-out check is
 * the honest measurement of it.
 */
import type { ScoredOutcome } from "./calibration-metrics.js";
import { clopperPearsonUpper } from "./proportion.js";
import { riskControlThreshold, type Refusal, type RiskControlChoice, type RiskControlOptions } from "./thresholds.js";

export interface HeldOutCheck {
  n: number;
  accepted: number;
  /** Wrong answers among the accepted. */
  errors: number;
  /** accepted / n (0 for an empty split). */
  coverage: number;
  /** errors / accepted; null when nothing was kept. */
  keptError: number | null;
  /** One-sided Clopper–Pearson (1 − δ) upper bound on the kept error; null when nothing was kept. */
  keptErrorUpper: number | null;
  /** keptError ≤ α; null when nothing was kept (nothing to be wrong about). */
  withinAlpha: boolean | null;
}

export interface RiskGuarantee {
  alpha: number;
  delta: number;
  /** What LTT chose on the fit split, or why it refused (then every answer escalates). */
  choice: RiskControlChoice | Refusal;
  /** The chosen t; null on a refusal. */
  threshold: number | null;
  heldOut: HeldOutCheck;
}

export interface RiskGuaranteeOptions extends RiskControlOptions {
  /** Out-of-fold P(correct) and labels of the split t is chosen on. */
  fit: readonly ScoredOutcome[];
  /** A disjoint split scored by the shipped scorer, never seen by the fit. */
  heldOut: readonly ScoredOutcome[];
}

export function checkRiskGuarantee(opts: RiskGuaranteeOptions): RiskGuarantee {
  const { fit, heldOut, ...control } = opts;
  const choice = riskControlThreshold(fit, control);
  const threshold = choice.refused ? null : choice.threshold;
  return { alpha: opts.alpha, delta: opts.delta, choice, threshold, heldOut: keptOutcome({ items: heldOut, threshold, delta: opts.delta, alpha: opts.alpha }) };
}

/** What keeping answers with score ≥ threshold does on `items` (threshold null: keep none). */
export function keptOutcome(args: { items: readonly ScoredOutcome[]; threshold: number | null; alpha: number; delta: number }): HeldOutCheck {
  const { items, threshold } = args;
  let accepted = 0;
  let errors = 0;
  if (threshold !== null) {
    for (const it of items) {
      if (it.score < threshold) continue;
      accepted++;
      if (!it.correct) errors++;
    }
  }
  const n = items.length;
  const kept = accepted > 0;
  const keptError = kept ? errors / accepted : null;
  return {
    n,
    accepted,
    errors,
    coverage: n === 0 ? 0 : accepted / n,
    keptError,
    keptErrorUpper: kept ? clopperPearsonUpper(errors, accepted, { confidence: 1 - args.delta }) : null,
    withinAlpha: keptError === null ? null : keptError <= args.alpha,
  };
}
