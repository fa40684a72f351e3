/**
 * Tests for two independent samples, for runs that share few items (different seeds or samples):
 * Fisher's exact test on pass counts, and a seeded two-sample bootstrap for quantile differences and
 * ratios. A paired test on the few shared items would throw away most of both runs.
 */
import { errorFunction, gammaln } from "simple-statistics";
import { createRng } from "../../core/rng.js";
import type { BootstrapDiff, BootstrapOptions } from "./paired-tests.js";
import { quantileOfSorted } from "./quantile.js";

export interface FisherResult {
  /** One-sided p for "head passes less often than base": P(X ≥ base passes) under the hypergeometric null. */
  pRegression: number;
  /** One-sided p for "head passes more often". */
  pImprovement: number;
}

const logChoose = (n: number, k: number) => gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1);

/**
 * Fisher's exact test on the 2×2 table (base passes, base fails; head passes, head fails). Conditional
 * on the total passes, base's pass count is hypergeometric when both runs share one pass rate.
 */
export function fisherExact(args: { basePasses: number; baseN: number; headPasses: number; headN: number }): FisherResult {
  const { basePasses: a, baseN, headPasses: c, headN } = args;
  for (const [name, v] of Object.entries(args)) {
    if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`fisherExact: ${name} must be a non-negative integer, got ${v}`);
  }
  if (a > baseN || c > headN) throw new RangeError(`fisherExact: passes cannot exceed runs (${a}/${baseN}, ${c}/${headN})`);
  const total = baseN + headN;
  const passes = a + c;
  const lo = Math.max(0, passes - headN);
  const hi = Math.min(passes, baseN);
  const logDenom = logChoose(total, baseN);
  const pmf = (x: number) => Math.exp(logChoose(passes, x) + logChoose(total - passes, baseN - x) - logDenom);
  let upper = 0;
  let lower = 0;
  for (let x = lo; x <= hi; x++) {
    const p = pmf(x);
    if (x >= a) upper += p;
    if (x <= a) lower += p;
  }
  return { pRegression: Math.min(1, upper), pImprovement: Math.min(1, lower) };
}

type Statistic = (head: number, base: number) => number;

/** Each sample resampled on its own; `statistic` combines the two quantiles (difference or ratio). */
function twoSampleBootstrap(
  base: readonly number[],
  head: readonly number[],
  opts: BootstrapOptions & { q: number },
  statistic: Statistic,
  fn: string,
): BootstrapDiff {
  for (const [name, xs] of [
    ["base", base],
    ["head", head],
  ] as const) {
    if (xs.length === 0) throw new RangeError(`${fn}: ${name} has no values`);
    xs.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new RangeError(`${fn}: ${name}[${i}] is ${v}; drop failed items before comparing`);
    });
  }
  const iterations = opts.iterations ?? 10_000;
  const confidence = opts.confidence ?? 0.95;
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new RangeError(`${fn}: iterations must be a positive integer, got ${iterations}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`${fn}: confidence must be in (0, 1), got ${confidence}`);
  const q = (xs: number[]) =>
    quantileOfSorted(
      xs.sort((x, y) => x - y),
      opts.q,
    );
  const rng = createRng(opts.seed);
  const b = new Array<number>(base.length);
  const h = new Array<number>(head.length);
  const stats = new Array<number>(iterations);
  for (let it = 0; it < iterations; it++) {
    for (let j = 0; j < base.length; j++) b[j] = base[Math.floor(rng.next() * base.length)]!;
    for (let j = 0; j < head.length; j++) h[j] = head[Math.floor(rng.next() * head.length)]!;
    stats[it] = statistic(q(h), q(b));
  }
  stats.sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  return {
    diff: statistic(q([...head]), q([...base])),
    lower: quantileOfSorted(stats, tail),
    upper: quantileOfSorted(stats, 1 - tail),
    confidence,
    iterations,
    n: Math.min(base.length, head.length),
  };
}

/** quantile(head, q) − quantile(base, q), each run resampled independently. */
export function unpairedBootstrapQuantileDiff(base: readonly number[], head: readonly number[], opts: BootstrapOptions & { q: number }): BootstrapDiff {
  return twoSampleBootstrap(base, head, opts, (h, b) => h - b, "unpairedBootstrapQuantileDiff");
}

/** quantile(head, q) / quantile(base, q), each run resampled independently. */
export function unpairedBootstrapQuantileRatio(base: readonly number[], head: readonly number[], opts: BootstrapOptions & { q: number }): BootstrapDiff {
  return twoSampleBootstrap(base, head, opts, (h, b) => (b > 0 ? h / b : h > 0 ? Infinity : 1), "unpairedBootstrapQuantileRatio");
}

export interface MannWhitneyResult {
  /** U of head: pairs (head, base) with head larger, ties counting ½. */
  u: number;
  z: number;
  /** One-sided p for "head tends to be larger" (normal approximation, tie and continuity corrected). */
  pGreater: number;
}

/**
 * Mann–Whitney U (Wilcoxon rank-sum) test of "head values tend to exceed base values", for independent
 * samples: ranks only, so one slow outlier cannot carry it. As scipy's mannwhitneyu(head, base,
 * alternative="greater", method="asymptotic", use_continuity=True).
 */
export function mannWhitneyGreater(base: readonly number[], head: readonly number[]): MannWhitneyResult {
  const nb = base.length,
    nh = head.length;
  if (nb === 0 || nh === 0) throw new RangeError("mannWhitneyGreater: both samples need values");
  const all = [...base.map((v) => ({ v, head: false })), ...head.map((v) => ({ v, head: true }))].sort((a, b) => a.v - b.v);
  const n = all.length;
  let rankHead = 0,
    tieTerm = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j + 2) / 2,
      t = j - i + 1;
    for (let k = i; k <= j; k++) if (all[k]!.head) rankHead += rank;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankHead - (nh * (nh + 1)) / 2;
  const mean = (nb * nh) / 2;
  const sd = Math.sqrt(((nb * nh) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (!(sd > 0)) return { u, z: 0, pGreater: 1 };
  const z = (u - mean - 0.5) / sd;
  return { u, z, pGreater: 0.5 * (1 - errorFunction(z / Math.SQRT2)) };
}
