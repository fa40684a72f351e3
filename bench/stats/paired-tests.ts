/**
 * Paired comparisons of a base run and a head run over the same items, for the regression check:
 * McNemar's exact test on right/wrong outcomes, and paired bootstrap intervals for mean and quantile
 * differences (head − base). Randomness comes only from the seeded RNG, so a seed reproduces a report.
 */
import { mean } from "simple-statistics";
import { quantileOfSorted as quantileSorted } from "./quantile.js";
import { createRng } from "../../core/rng.js";
import { binomialCdf } from "./proportion.js";

export interface DiscordantCounts {
  /** Items base got right and head got wrong (regressions). */
  b: number;
  /** Items base got wrong and head got right (improvements). */
  c: number;
}

export function discordantCounts(base: readonly boolean[], head: readonly boolean[]): DiscordantCounts {
  assertSameLength(base, head, "discordantCounts");
  let b = 0;
  let c = 0;
  for (let i = 0; i < base.length; i++) {
    if (base[i] && !head[i]) b++;
    else if (!base[i] && head[i]) c++;
  }
  return { b, c };
}

export interface McNemarResult extends DiscordantCounts {
  /** Two-sided exact p-value: 2·min(P(X ≤ b), P(X ≥ b)), capped at 1, X ~ Binomial(b + c, ½). */
  pTwoSided: number;
  /** One-sided p-value for "head is worse": P(X ≥ b). */
  pRegression: number;
  /** One-sided p-value for "head is better": P(X ≤ b). */
  pImprovement: number;
}

/**
 * McNemar's exact (conditional binomial) test. Only discordant items carry information; under "no
 * change" each is equally likely to be a regression or an improvement. b = c = 0 gives p = 1.
 */
export function mcnemarExact(counts: DiscordantCounts): McNemarResult {
  const { b, c } = counts;
  for (const [name, v] of [
    ["b", b],
    ["c", c],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`mcnemarExact: ${name} must be a non-negative integer, got ${v}`);
  }
  const n = b + c;
  // P(X ≥ b) is computed as P(n − X ≤ c) so the small tail never goes through 1 − (something near 1).
  const pRegression = binomialCdf(c, n, 0.5);
  const pImprovement = binomialCdf(b, n, 0.5);
  return { b, c, pTwoSided: Math.min(1, 2 * Math.min(pRegression, pImprovement)), pRegression, pImprovement };
}

export interface BootstrapOptions {
  seed: number;
  /** Resamples; default 10 000. */
  iterations?: number;
  /** Central interval mass; default 0.95. */
  confidence?: number;
}

export interface BootstrapDiff {
  /** Statistic on the full data, head − base. */
  diff: number;
  /** Percentile interval of the resampled differences. */
  lower: number;
  upper: number;
  confidence: number;
  iterations: number;
  n: number;
}

/** Mean of head − base with a paired percentile-bootstrap interval (items resampled with replacement). */
export function pairedBootstrapDiff(base: readonly number[], head: readonly number[], opts: BootstrapOptions): BootstrapDiff {
  assertPairedSamples(base, head, "pairedBootstrapDiff");
  const deltas = head.map((h, i) => h - base[i]!);
  return bootstrap(deltas.length, opts, mean(deltas), (idx) => {
    let sum = 0;
    for (const i of idx) sum += deltas[i]!;
    return sum / idx.length;
  });
}

/**
 * quantile(head, q) − quantile(base, q) (numpy "linear" quantiles), e.g. q = 0.5 for p50 latency.
 * The same resampled items feed both sides, keeping the pairing (same prompt, two runs).
 */
export function pairedBootstrapQuantileDiff(base: readonly number[], head: readonly number[], opts: BootstrapOptions & { q: number }): BootstrapDiff {
  assertPairedSamples(base, head, "pairedBootstrapQuantileDiff");
  const { q } = opts;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`pairedBootstrapQuantileDiff: q must be in [0, 1], got ${q}`);
  const quantileOf = (xs: number[]): number =>
    quantileSorted(
      xs.sort((x, y) => x - y),
      q,
    );
  const n = base.length;
  const b: number[] = new Array<number>(n);
  const h: number[] = new Array<number>(n);
  return bootstrap(n, opts, quantileOf([...head]) - quantileOf([...base]), (idx) => {
    for (let j = 0; j < n; j++) {
      b[j] = base[idx[j]!]!;
      h[j] = head[idx[j]!]!;
    }
    return quantileOf(h) - quantileOf(b);
  });
}

/**
 * quantile(head, q) / quantile(base, q) with a paired percentile-bootstrap interval: the latency gate's
 * significance test. A ratio, because a slowdown is relative: 10 ms matters at 50 ms, not at 5 s.
 */
export function pairedBootstrapQuantileRatio(base: readonly number[], head: readonly number[], opts: BootstrapOptions & { q: number }): BootstrapDiff {
  assertPairedSamples(base, head, "pairedBootstrapQuantileRatio");
  const quantileOf = (xs: number[]): number =>
    quantileSorted(
      xs.sort((x, y) => x - y),
      opts.q,
    );
  const ratio = (h: number, b: number) => (b > 0 ? h / b : h > 0 ? Infinity : 1);
  const n = base.length;
  const b: number[] = new Array<number>(n);
  const h: number[] = new Array<number>(n);
  return bootstrap(n, opts, ratio(quantileOf([...head]), quantileOf([...base])), (idx) => {
    for (let j = 0; j < n; j++) {
      b[j] = base[idx[j]!]!;
      h[j] = head[idx[j]!]!;
    }
    return ratio(quantileOf(h), quantileOf(b));
  });
}

function bootstrap(n: number, opts: BootstrapOptions, diff: number, statistic: (idx: Uint32Array) => number): BootstrapDiff {
  const iterations = opts.iterations ?? 10_000;
  const confidence = opts.confidence ?? 0.95;
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new RangeError(`bootstrap: iterations must be a positive integer, got ${iterations}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`bootstrap: confidence must be in (0, 1), got ${confidence}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`bootstrap: seed must be a finite number, got ${opts.seed}`);
  const rng = createRng(opts.seed);
  const idx = new Uint32Array(n);
  const stats: number[] = new Array<number>(iterations);
  for (let it = 0; it < iterations; it++) {
    for (let j = 0; j < n; j++) idx[j] = Math.floor(rng.next() * n);
    stats[it] = statistic(idx);
  }
  stats.sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  return {
    diff,
    lower: quantileSorted(stats, tail),
    upper: quantileSorted(stats, 1 - tail),
    confidence,
    iterations,
    n,
  };
}

function assertSameLength(base: readonly unknown[], head: readonly unknown[], fn: string): void {
  if (base.length !== head.length) {
    throw new RangeError(`${fn}: base has ${base.length} items and head has ${head.length}; pair them by item id first`);
  }
}

function assertPairedSamples(base: readonly number[], head: readonly number[], fn: string): void {
  assertSameLength(base, head, fn);
  if (base.length === 0) throw new RangeError(`${fn}: no paired items to compare`);
  for (const [name, xs] of [
    ["base", base],
    ["head", head],
  ] as const) {
    xs.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new RangeError(`${fn}: ${name}[${i}] is ${v}; drop failed items from both runs before comparing`);
    });
  }
}
