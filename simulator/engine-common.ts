/**
 * What the exact and aggregated engines share: the per-trial RNG streams, the trial's parameter draws
 * (Beta pass and correctness probabilities, so parameter uncertainty shows in the spread), daily volume
 * (gamma–Poisson = negative binomial), and the layout of the per-day records both engines write.
 * Workers import this file, so it stays free of zod/yaml (pricing happens in the main thread: pricing.ts).
 */
import { createRng, type Rng } from "../core/rng.js";
import { LAT_BINS, type CompiledSim } from "./compile.js";
import { Sampler } from "./distributions.js";

/**
 * Per-day record fields, in order; a trial writes days × DAY_FIELDS.length numbers. `passed`: returned
 * answers their cell kept (the router's own check, not correctness); `correct`: returned answers that are
 * right (NaN when not computed); `p_correct_sum` and `scored`: the scorer's P(correct) summed over, and
 * the count of, answers kept by a cell with a learned scorer.
 */
export const DAY_FIELDS = ["hybrid_usd", "api_usd", "requests", "passed", "local_served", "latency_sum_ms", "correct", "p_correct_sum", "scored"] as const;
export const K = DAY_FIELDS.length;
export const F_HYBRID = 0,
  F_API = 1,
  F_REQ = 2,
  F_PASSED = 3,
  F_LOCAL = 4,
  F_LAT = 5,
  F_CORRECT = 6,
  F_PCORR = 7,
  F_SCORED = 8;

export type SimMode = "exact" | "aggregated";

/** Multipliers applied on top of the compiled inputs (sensitivity analysis); all 1 = the inputs as given. */
export interface Perturbation {
  volume: number;
  dispersion: number;
  inputTokens: number;
  outputTokens: number;
  inputPrice: number;
  outputPrice: number;
  localCost: number;
  /** Per tier index: multiplies the drawn pass probability (clamped to [0, 1]). */
  passScale: number[];
  /** Per (action, position) cell: a fixed pass probability instead of the Beta draw (NaN = draw). */
  passFixed: number[] | null;
}

export function basePerturbation(c: CompiledSim): Perturbation {
  return {
    volume: 1,
    dispersion: 1,
    inputTokens: 1,
    outputTokens: 1,
    inputPrice: 1,
    outputPrice: 1,
    localCost: 1,
    passScale: new Array<number>(c.nTiers).fill(1),
    passFixed: null,
  };
}

/** Per-day token and busy-time totals the engines write and pricing.ts prices: busy ms, baseline in/out, then in/out per tier. */
export const T_BUSY = 0,
  T_BASE_IN = 1,
  T_BASE_OUT = 2,
  T_TIERS = 3;
export const tokenStride = (c: CompiledSim): number => T_TIERS + 2 * c.nTiers;

export interface TrialBlock {
  start: number;
  end: number;
  /** (end − start) × days × K, trial-major; F_HYBRID and F_API are filled by pricing.ts. */
  daily: Float64Array;
  /** (end − start) × days × tokenStride. */
  tokens: Float64Array;
  p95LatencyMs: Float64Array;
}

export function allocBlock(c: CompiledSim, start: number, end: number): TrialBlock {
  const n = end - start;
  return { start, end, daily: new Float64Array(n * c.days * K), tokens: new Float64Array(n * c.days * tokenStride(c)), p95LatencyMs: new Float64Array(n) };
}

/** Trial i always uses stream `fork(i)` of the seed (parameters, volume) and its fork(1) (per-request draws). */
export function trialRng(seed: number, trial: number): Rng {
  return createRng(seed).fork(trial);
}

/** Fills `out` with the trial's pass probability per cell (always drawing, so perturbed runs keep common random numbers). */
export function drawPassProbs(c: CompiledSim, p: Perturbation, s: Sampler, out: Float64Array): void {
  for (let a = 0; a < c.nActions; a++) {
    for (let pos = 0; pos < c.chainLen[a]!; pos++) {
      const k = a * c.maxChain + pos;
      // beta 0: a cell that keeps every answer (a point mass at 1), no draw.
      const drawn = c.passBeta[k] === 0 ? 1 : s.beta(c.passAlpha[k]!, c.passBeta[k]!);
      const fixed = p.passFixed?.[k];
      const base = fixed !== undefined && !Number.isNaN(fixed) ? fixed : drawn;
      out[k] = Math.min(1, Math.max(0, base * p.passScale[c.chainTier[k]!]!));
    }
  }
}

/**
 * Fills the trial's P(right | kept) and P(right | returned unkept) per cell; NaN where unknown. Drawn right
 * after the pass probabilities in both engines, only for cells with evidence (the same cells every trial).
 */
export function drawCorrectProbs(c: CompiledSim, s: Sampler, ifPass: Float64Array, ifFail: Float64Array): void {
  ifPass.fill(NaN);
  ifFail.fill(NaN);
  for (let a = 0; a < c.nActions; a++) {
    for (let pos = 0; pos < c.chainLen[a]!; pos++) {
      const k = a * c.maxChain + pos;
      if (!Number.isNaN(c.corrPassAlpha[k]!)) ifPass[k] = s.beta(c.corrPassAlpha[k]!, c.corrPassBeta[k]!);
      if (c.corrShared[k] === 1) ifFail[k] = ifPass[k]!;
      else if (!Number.isNaN(c.corrFailAlpha[k]!)) ifFail[k] = s.beta(c.corrFailAlpha[k]!, c.corrFailBeta[k]!);
    }
  }
}

/**
 * Each day's request rate Λ ~ Gamma(k, mean/k); requests are then Poisson(Λ), i.e. negative binomial with
 * shape k. Both engines draw all rates right after the pass probabilities, so a trial's parameters and
 * rates are the same in exact and aggregated mode (their comparison test is then not swamped by noise).
 */
export function drawDayRates(c: CompiledSim, p: Perturbation, s: Sampler, out: Float64Array): void {
  const k = c.dispersion * p.dispersion;
  for (let d = 0; d < c.days; d++) {
    const mean = c.dayMean[d]! * p.volume;
    out[d] = mean > 0 ? s.gamma(k, mean / k) : 0;
  }
}

/** Smallest grid value whose CDF reaches q (the same convention for histograms and mixture CDFs). */
export function quantileOnGrid(cdfAt: (bin: number) => number, q: number, width: number): number {
  let lo = 0,
    hi = LAT_BINS;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdfAt(mid) >= q) hi = mid;
    else lo = mid + 1;
  }
  return lo * width;
}
