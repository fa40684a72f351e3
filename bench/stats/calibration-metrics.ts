/**
 * How well quality scores predict correctness, from (score, correct) pairs measured by the bench:
 * reliability bins, ECE, Brier score, AUROC, risk–coverage curve and AURC.
 */
import { wilcoxonRankSum } from "simple-statistics";

export interface ScoredOutcome {
  /** Quality score in [0, 1]; read as the predicted probability that the answer is right. */
  score: number;
  correct: boolean;
}

export const DEFAULT_BINS = 15;

export interface ReliabilityBin {
  /** Bin covers [lower, upper); the last bin also includes 1. */
  lower: number;
  upper: number;
  count: number;
  /** Undefined for an empty bin. */
  meanScore: number | undefined;
  accuracy: number | undefined;
}

/** Equal-width bins over [0, 1] (15 by default, as in Guo et al. 2017), empty bins included. */
export function reliabilityBins(pairs: readonly ScoredOutcome[], opts: { bins?: number } = {}): ReliabilityBin[] {
  assertScoredOutcomes(pairs, "reliabilityBins");
  const bins = opts.bins ?? DEFAULT_BINS;
  if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`reliabilityBins: bins must be a positive integer, got ${bins}`);
  const count = new Array<number>(bins).fill(0);
  const scoreSum = new Array<number>(bins).fill(0);
  const correctSum = new Array<number>(bins).fill(0);
  for (const { score, correct } of pairs) {
    const i = Math.min(Math.floor(score * bins), bins - 1);
    count[i]!++;
    scoreSum[i]! += score;
    if (correct) correctSum[i]!++;
  }
  return count.map((c, i) => ({
    lower: i / bins,
    upper: (i + 1) / bins,
    count: c,
    meanScore: c === 0 ? undefined : scoreSum[i]! / c,
    accuracy: c === 0 ? undefined : correctSum[i]! / c,
  }));
}

/** Expected calibration error: Σ (count/n)·|accuracy − mean score| over the bins. Undefined for no pairs. */
export function expectedCalibrationError(pairs: readonly ScoredOutcome[], opts: { bins?: number } = {}): number | undefined {
  if (pairs.length === 0) return undefined;
  let ece = 0;
  for (const bin of reliabilityBins(pairs, opts)) {
    if (bin.count === 0) continue;
    ece += (bin.count / pairs.length) * Math.abs(bin.accuracy! - bin.meanScore!);
  }
  return ece;
}

/** Mean squared difference between score and outcome (1 = correct). Undefined for no pairs. */
export function brierScore(pairs: readonly ScoredOutcome[]): number | undefined {
  assertScoredOutcomes(pairs, "brierScore");
  if (pairs.length === 0) return undefined;
  let sum = 0;
  for (const { score, correct } of pairs) sum += (score - (correct ? 1 : 0)) ** 2;
  return sum / pairs.length;
}

/**
 * Area under the ROC curve for "score separates correct from wrong": P(score of a correct answer >
 * score of a wrong one) + ½·P(tie), via the Mann–Whitney U with mid-ranks for ties.
 * Undefined when every answer is correct or every answer is wrong: there is nothing to separate.
 */
export function auroc(pairs: readonly ScoredOutcome[]): number | undefined {
  assertScoredOutcomes(pairs, "auroc");
  const pos = pairs.filter((p) => p.correct).map((p) => p.score);
  const neg = pairs.filter((p) => !p.correct).map((p) => p.score);
  if (pos.length === 0 || neg.length === 0) return undefined;
  const u = wilcoxonRankSum(pos, neg) - (pos.length * (pos.length + 1)) / 2;
  return u / (pos.length * neg.length);
}

export interface RiskCoveragePoint {
  /** Accept when score ≥ threshold. */
  threshold: number;
  accepted: number;
  /** Wrong answers among the accepted. */
  errors: number;
  /** accepted / n. */
  coverage: number;
  /** errors / accepted. */
  risk: number;
}

/**
 * One point per distinct score, strictest first (coverage rising). Tied scores are accepted or
 * escalated together, since no threshold can split them.
 */
export function riskCoverageCurve(pairs: readonly ScoredOutcome[]): RiskCoveragePoint[] {
  assertScoredOutcomes(pairs, "riskCoverageCurve");
  const sorted = [...pairs].sort((a, b) => b.score - a.score);
  const n = sorted.length;
  const points: RiskCoveragePoint[] = [];
  let errors = 0;
  for (let i = 0; i < n; i++) {
    const item = sorted[i]!;
    if (!item.correct) errors++;
    const next = sorted[i + 1];
    if (next !== undefined && next.score === item.score) continue;
    const accepted = i + 1;
    points.push({ threshold: item.score, accepted, errors, coverage: accepted / n, risk: errors / accepted });
  }
  return points;
}

/**
 * Area under the risk–coverage curve (lower is better), integrating the step curve from coverage 0:
 * Σ risk_j·(coverage_j − coverage_{j−1}). With distinct scores this equals the usual
 * (1/n)·Σ_i risk(top i) of Geifman et al.; a tied group shares the group's risk.
 * Undefined for no pairs.
 */
export function aurc(pairs: readonly ScoredOutcome[]): number | undefined {
  if (pairs.length === 0) return undefined;
  let area = 0;
  let prevCoverage = 0;
  for (const pt of riskCoverageCurve(pairs)) {
    area += pt.risk * (pt.coverage - prevCoverage);
    prevCoverage = pt.coverage;
  }
  return area;
}

export function assertScoredOutcomes(pairs: readonly ScoredOutcome[], fn: string): void {
  pairs.forEach((p, i) => {
    if (!(Number.isFinite(p.score) && p.score >= 0 && p.score <= 1)) {
      throw new RangeError(`${fn}: item ${i} has score ${p.score}; scores must be numbers in [0, 1]`);
    }
  });
}
