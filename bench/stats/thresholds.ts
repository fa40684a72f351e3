/**
 * Choosing the acceptance threshold t for one action: accept the local answer when score ≥ t,
 * otherwise escalate to the paid API.
 *
 * Convention: thresholds live in [0, 1] and acceptance is `score ≥ t`. The strictest representable
 * threshold is 1, so "escalate everything" is written as 1 and answers scoring exactly 1 are still
 * accepted; coverage is always computed with that rule, never assumed to be 0. Likewise 0 accepts all.
 */
import { quantileOfSorted as quantileSorted } from "./quantile.js";
import { type ScoredOutcome, assertScoredOutcomes, riskCoverageCurve } from "./calibration-metrics.js";
import { clopperPearsonUpper } from "./proportion.js";

export const DEFAULT_MIN_ITEMS = 30;

export interface ThresholdChoice {
  refused: false;
  method: "risk_control" | "escalation_share";
  threshold: number;
  /** Share of items accepted at this threshold (= 1 − escalationRate). */
  coverage: number;
  escalationRate: number;
  /** Accuracy among accepted items; undefined when none is accepted. */
  acceptedAccuracy: number | undefined;
  accepted: number;
  n: number;
}

export interface RiskControlChoice extends ThresholdChoice {
  method: "risk_control";
  /** One-sided Clopper–Pearson (1 − δ) upper bound on the error rate among accepted answers. */
  upperBound: number;
}

export interface Refusal {
  refused: true;
  /** What is missing and what a person can do about it. */
  reason: string;
  n: number;
}

export interface RiskControlOptions {
  /** Tolerated error rate among accepted answers, in (0, 1). */
  alpha: number;
  /** Allowed probability that the guarantee fails, in (0, 1). */
  delta: number;
  minItems?: number;
  /**
   * Skip candidates accepting fewer answers than this (default: the fewest that could pass with zero
   * errors). Raising it lets one wrong answer among the very top scores not end the sequence, at the
   * cost of never choosing stricter thresholds. Fix it before looking at labels; tuning it on the
   * results would void the guarantee.
   */
  minAccepted?: number;
  /** Names the action in refusal reasons, e.g. "action summarize". */
  label?: string;
}

/**
 * Learn-then-Test with fixed-sequence testing (Angelopoulos et al. 2021). Candidates are the distinct
 * scores, strictest first; each tests H_t: "error rate among answers with score ≥ t exceeds alpha" by
 * the one-sided Clopper–Pearson bound. We accept thresholds while H_t is rejected and stop at the
 * first failure, so no multiplicity correction is needed. The chosen t is the most lenient one
 * reached, and with probability ≥ 1 − δ its error rate among accepted answers is ≤ alpha.
 *
 * Candidates accepting so few answers that even zero errors could not pass are skipped rather than
 * treated as failures: otherwise the very first, tiny acceptance sets would always end the sequence.
 * That skip looks only at counts, never at labels, so the sequence is still fixed before testing.
 */
export function riskControlThreshold(pairs: readonly ScoredOutcome[], opts: RiskControlOptions): RiskControlChoice | Refusal {
  const { alpha, delta } = opts;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`riskControlThreshold: alpha must be in (0, 1), got ${alpha}`);
  if (!(delta > 0 && delta < 1)) throw new RangeError(`riskControlThreshold: delta must be in (0, 1), got ${delta}`);
  assertScoredOutcomes(pairs, "riskControlThreshold");
  const n = pairs.length;
  const forWhat = opts.label ? ` for ${opts.label}` : "";
  const tooFew = checkMinItems(n, opts.minItems, forWhat);
  if (tooFew) return tooFew;

  const minAccepted = opts.minAccepted ?? 0;
  if (!(Number.isInteger(minAccepted) && minAccepted >= 0)) {
    throw new RangeError(`riskControlThreshold: minAccepted must be a non-negative integer, got ${minAccepted}`);
  }
  const confidence = 1 - delta;
  let chosen: RiskControlChoice | undefined;
  for (const pt of riskCoverageCurve(pairs)) {
    if (pt.accepted < minAccepted || clopperPearsonUpper(0, pt.accepted, { confidence }) > alpha) continue;
    const upperBound = clopperPearsonUpper(pt.errors, pt.accepted, { confidence });
    if (upperBound > alpha) {
      if (chosen) break;
      return {
        refused: true,
        n,
        reason:
          `no threshold${forWhat} keeps the error rate among accepted answers provably at most alpha=${alpha}: ` +
          `the strictest testable threshold ${fmt(pt.threshold)} accepts ${pt.accepted} answers with ${pt.errors} wrong ` +
          `(upper bound ${fmt(upperBound)} at ${fmt(confidence)} confidence). ` +
          `Escalate everything for this action, improve its quality checks, or raise alpha.`,
      };
    }
    chosen = {
      refused: false,
      method: "risk_control",
      threshold: pt.threshold,
      coverage: pt.coverage,
      escalationRate: 1 - pt.coverage,
      acceptedAccuracy: 1 - pt.risk,
      accepted: pt.accepted,
      upperBound,
      n,
    };
  }
  if (chosen) return chosen;
  // Nothing was tested: even accepting all n items is too few to prove anything, whatever the labels.
  const needed = riskControlMinItems({ alpha, delta, minAccepted });
  return {
    refused: true,
    n,
    reason:
      `need at least ${needed} labelled items${forWhat} to show an error rate at most alpha=${alpha} ` +
      `with confidence ${fmt(confidence)} even if every accepted answer is right, have ${n}. ` +
      `Label more bench items, or raise alpha or delta.`,
  };
}

/**
 * The fewest labelled items with which risk control can choose any threshold at all: n answers, all
 * accepted and all right, must push the Clopper–Pearson (1 − δ) upper bound to alpha or below, i.e.
 * (1 − alpha)^n ≤ δ. 45 at alpha 0.05, δ 0.1; 59 at δ 0.05.
 */
export function riskControlMinItems(args: { alpha: number; delta: number; minAccepted?: number }): number {
  return Math.max(Math.ceil(Math.log(args.delta) / Math.log1p(-args.alpha)), args.minAccepted ?? 0);
}

export interface EscalationShareOptions {
  /** Target share of items to escalate, in [0, 1]. */
  share: number;
  minItems?: number;
  label?: string;
}

/**
 * RouteLLM-style: t is the `share` quantile of the scores (numpy "linear" definition), so about
 * `share` of items score below it and are escalated. Ties and interpolation make the realised rate
 * differ from `share`; the result reports the rate actually obtained on these items.
 * share = 0 gives t = 0 (accept all) and share = 1 gives t = 1 (see the convention above).
 */
export function escalationShareThreshold(pairs: readonly ScoredOutcome[], opts: EscalationShareOptions): ThresholdChoice | Refusal {
  const { share } = opts;
  if (!(share >= 0 && share <= 1)) throw new RangeError(`escalationShareThreshold: share must be in [0, 1], got ${share}`);
  assertScoredOutcomes(pairs, "escalationShareThreshold");
  const n = pairs.length;
  const tooFew = checkMinItems(n, opts.minItems, opts.label ? ` for ${opts.label}` : "");
  if (tooFew) return tooFew;

  const sorted = pairs.map((p) => p.score).sort((a, b) => a - b);
  const threshold = share === 0 ? 0 : share === 1 ? 1 : quantileSorted(sorted, share);
  let accepted = 0;
  let acceptedCorrect = 0;
  for (const p of pairs) {
    if (p.score < threshold) continue;
    accepted++;
    if (p.correct) acceptedCorrect++;
  }
  return {
    refused: false,
    method: "escalation_share",
    threshold,
    coverage: accepted / n,
    escalationRate: 1 - accepted / n,
    acceptedAccuracy: accepted === 0 ? undefined : acceptedCorrect / accepted,
    accepted,
    n,
  };
}

function checkMinItems(n: number, minItems: number | undefined, forWhat: string): Refusal | undefined {
  const min = minItems ?? DEFAULT_MIN_ITEMS;
  if (n >= min && n > 0) return undefined;
  return {
    refused: true,
    n,
    reason: `need at least ${Math.max(min, 1)} labelled items${forWhat} to choose a threshold, have ${n}. Label more bench items for it, or lower minItems.`,
  };
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
