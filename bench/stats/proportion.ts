/**
 * Binomial proportions: Wilson interval for reporting, Clopper–Pearson upper bound for guarantees,
 * and the binomial CDF both rest on.
 */
import { gammaln } from "simple-statistics";

/** z for a two-sided 95 % interval (the 0.975 normal quantile), to full double precision. */
export const Z_95 = 1.959963984540054;

export interface Interval {
  lower: number;
  upper: number;
}

/**
 * Wilson score interval. Preferred over the Wald interval because it stays inside [0, 1] and keeps
 * near-nominal coverage at the extremes (0/n, n/n) where bench accuracies often sit.
 * n = 0 gives [0, 1]: no data rules nothing out.
 */
export function wilsonInterval(successes: number, n: number, opts: { z?: number } = {}): Interval {
  assertCounts(successes, n, "wilsonInterval");
  return wilson(successes, n, opts.z, "wilsonInterval");
}

/**
 * The Wilson interval at an expected rate rather than an observed count: for a modelled policy whose
 * accuracy is an exact expectation over n items (random routing), read as if that rate had been
 * observed on n items. Equals wilsonInterval(rate·n, n) whenever rate·n is whole.
 */
export function wilsonIntervalOfRate(rate: number, n: number, opts: { z?: number } = {}): Interval {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`wilsonIntervalOfRate: n must be a non-negative integer, got ${n}`);
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`wilsonIntervalOfRate: rate must be in [0, 1], got ${rate}`);
  return wilson(rate * n, n, opts.z, "wilsonIntervalOfRate");
}

function wilson(successes: number, n: number, zOpt: number | undefined, fn: string): Interval {
  const z = zOpt ?? Z_95;
  if (!(Number.isFinite(z) && z > 0)) throw new RangeError(`${fn}: z must be positive, got ${z}`);
  if (n === 0) return { lower: 0, upper: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0/n and n/n the ends are exactly 0 and 1; the formula only reaches them up to rounding.
  return {
    lower: successes === 0 ? 0 : Math.max(0, centre - half),
    upper: successes === n ? 1 : Math.min(1, centre + half),
  };
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p), computed as the regularized incomplete beta I_{1−p}(n − k, k + 1).
 * Summing pmf terms loses everything to rounding in the far tails and costs O(n); the continued
 * fraction keeps relative precision in the small tail (which is where p-values and bounds live).
 * k is floored, so non-integer k means "at most k".
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`binomialCdf: n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialCdf: p must be in [0, 1], got ${p}`);
  if (Number.isNaN(k)) throw new RangeError("binomialCdf: k is NaN");
  const kk = Math.floor(k);
  if (kk < 0) return 0;
  if (kk >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  return regularizedIncompleteBeta(1 - p, n - kk, kk + 1, p);
}

/**
 * One-sided Clopper–Pearson (exact) upper confidence bound for a binomial proportion: the largest p
 * with P(X ≤ successes | n, p) ≥ 1 − confidence. With confidence 0.95 it is the upper end of a
 * one-sided 95 % interval (the same as the upper end of a two-sided 90 % one).
 * For successes = 0 it equals 1 − (1 − confidence)^(1/n). n = 0 gives 1.
 */
export function clopperPearsonUpper(successes: number, n: number, opts: { confidence?: number } = {}): number {
  assertCounts(successes, n, "clopperPearsonUpper");
  const confidence = opts.confidence ?? 0.95;
  assertConfidence(confidence, "clopperPearsonUpper");
  if (successes === n) return 1;
  const tail = 1 - confidence;
  // binomialCdf(k, n, p) falls monotonically in p, so bisection always converges to the one root.
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (binomialCdf(successes, n, mid) > tail) lo = mid;
    else hi = mid;
  }
  // hi always satisfies cdf ≤ tail, so returning it errs on the conservative (wider) side.
  return hi;
}

/** Two-sided Clopper–Pearson interval: each end at (1 − confidence)/2. */
export function clopperPearsonInterval(successes: number, n: number, opts: { confidence?: number } = {}): Interval {
  assertCounts(successes, n, "clopperPearsonInterval");
  const confidence = opts.confidence ?? 0.95;
  assertConfidence(confidence, "clopperPearsonInterval");
  const oneSided = 1 - (1 - confidence) / 2;
  const upper = clopperPearsonUpper(successes, n, { confidence: oneSided });
  // The lower bound for successes is one minus the upper bound for failures.
  const lower = 1 - clopperPearsonUpper(n - successes, n, { confidence: oneSided });
  return { lower, upper };
}

/**
 * I_x(a, b) by the Lentz continued fraction (Numerical Recipes §6.4). y = 1 − x is passed separately
 * so callers holding p can avoid the rounding in 1 − (1 − p).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number, y: number = 1 - x): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`regularizedIncompleteBeta: a and b must be positive, got a=${a}, b=${b}`);
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log(y));
  // The fraction converges fast only on one side of the mean; use the symmetry I_x(a,b) = 1 − I_y(b,a).
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(y, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const EPS = 1e-15;
  // Iterations needed grow like sqrt(max(a, b)); this leaves ample room for n in the billions.
  const maxIter = 1000 + Math.ceil(20 * Math.sqrt(Math.max(a, b)));
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIter; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new RangeError(`regularizedIncompleteBeta: continued fraction did not converge for x=${x}, a=${a}, b=${b}`);
}

function assertCounts(successes: number, n: number, fn: string): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`${fn}: n must be a non-negative integer, got ${n}`);
  if (!(Number.isInteger(successes) && successes >= 0 && successes <= n)) {
    throw new RangeError(`${fn}: successes must be an integer in [0, n=${n}], got ${successes}`);
  }
}

function assertConfidence(confidence: number, fn: string): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`${fn}: confidence must be in (0, 1), got ${confidence}`);
}
