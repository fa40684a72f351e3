/**
 * `bench compare`, the pure part: the CI regression check between a base run and a head run. Records
 * are paired by (model_id, action, item_id), so every test is paired: McNemar's exact test on pass/fail
 * and a seeded paired bootstrap on latency.
 */
import type { BenchRecord } from "../contracts/bench-record.js";
import { summarize } from "../stats/latency.js";
import { discordantCounts, mcnemarExact, pairedBootstrapDiff, pairedBootstrapQuantileDiff } from "../stats/paired-tests.js";
import { type Interval, wilsonInterval } from "../stats/proportion.js";
import { UsageError } from "../../router/errors.js";
import { EXIT } from "../../router/exit-codes.js";

/** Version of the `--json` output, for scripts that read it (2: latency rows say whether they are measured or modelled). */
export const COMPARE_VERSION = 2 as const;

export type LatencySourceOfRun = "measured" | "modelled" | "mixed";

export const COMPARE_DEFAULTS = { margin: 0.02, alpha: 0.05, latencyMarginMs: 0, latencyMargin: 0.1, seed: 1, iterations: 10_000 };

export interface CompareOptions {
  /** Pass-rate drop (as a fraction) that counts as a regression when also significant. */
  margin?: number;
  /** Significance level for McNemar's one-sided test. */
  alpha?: number;
  /** The bootstrap interval's lower end of the e2e p50 increase must exceed this. */
  latencyMarginMs?: number;
  /** ...and the relative e2e p50 increase must reach this (0.1 = 10 %). */
  latencyMargin?: number;
  seed?: number;
  iterations?: number;
}

export type QualityComparison = {
  /** Paired items graded and without error in both runs. */
  n: number;
  base_passes: number;
  head_passes: number;
  base_rate: number;
  head_rate: number;
  base_ci95: Interval;
  head_ci95: Interval;
  /** base_rate − head_rate; positive = head got worse. */
  drop: number;
  mcnemar: { b: number; c: number; p_regression: number; p_two_sided: number };
  regression: boolean;
};

export type LatencyComparison = {
  metric: "e2e_p50" | "e2e_mean" | "ttft_p50";
  n: number;
  base: number;
  head: number;
  /** head − base, with its paired bootstrap interval. */
  diff: number;
  lower: number;
  upper: number;
  confidence: number;
  /** diff / base; null when base is 0. */
  relative: number | null;
  /**
   * Only e2e p50 carries a verdict; the others are shown for context (null). Also null when the two
   * runs' latencies do not have the same source: a measured run against a modelled one says nothing.
   */
  regression: boolean | null;
  /** Where each side's latencies came from: observed, or modelled from a hardware profile (replay). */
  source: { base: LatencySourceOfRun; head: LatencySourceOfRun };
};

export type GroupComparison = {
  model_id: string;
  action: string;
  /** Items with a measured record in both runs. */
  paired: number;
  /** Paired items that failed with an error, per run; kept out of pass rates and latency. */
  errors: { base: number; head: number };
  quality: QualityComparison | null;
  latency: LatencyComparison[];
  regression: boolean;
};

export type CompareResult = {
  version: typeof COMPARE_VERSION;
  base_run: string;
  head_run: string;
  options: Required<CompareOptions>;
  groups: GroupComparison[];
  /** Measured items present in one run only, per side. */
  unpaired: { base: number; head: number };
  verdict: "ok" | "regression";
  exit_code: number;
};

// Rates are ratios of counts; without slack a drop of exactly 2 points can round to 0.0199999.
const EPS = 1e-12;

export function compareRuns(base: readonly BenchRecord[], head: readonly BenchRecord[], opts: CompareOptions = {}): CompareResult {
  const o: Required<CompareOptions> = {
    margin: opts.margin ?? COMPARE_DEFAULTS.margin,
    alpha: opts.alpha ?? COMPARE_DEFAULTS.alpha,
    latencyMarginMs: opts.latencyMarginMs ?? COMPARE_DEFAULTS.latencyMarginMs,
    latencyMargin: opts.latencyMargin ?? COMPARE_DEFAULTS.latencyMargin,
    seed: opts.seed ?? COMPARE_DEFAULTS.seed,
    iterations: opts.iterations ?? COMPARE_DEFAULTS.iterations,
  };
  checkOptions(o);
  const baseRun = runIds(base);
  const headRun = runIds(head);
  const b = indexRecords(base, `base run ${baseRun}`);
  const h = indexRecords(head, `head run ${headRun}`);

  const pairsByGroup = new Map<string, [BenchRecord, BenchRecord][]>();
  for (const [key, br] of b) {
    const hr = h.get(key);
    if (!hr) continue;
    const g = `${br.model_id}\u0000${br.action}`;
    const list = pairsByGroup.get(g);
    if (list) list.push([br, hr]);
    else pairsByGroup.set(g, [[br, hr]]);
  }
  const paired = [...pairsByGroup.values()].reduce((s, l) => s + l.length, 0);
  if (paired === 0) {
    throw new UsageError({
      message: `base run ${baseRun} (${b.size} measured records) and head run ${headRun} (${h.size}) have no (model, action, item) in common, so there is nothing to compare`,
      fix: "compare two runs of the same dataset and models (same item ids and model ids)",
    });
  }
  // The bootstrap resamples positions, so item order must not depend on the order records were written.
  const groups = [...pairsByGroup.values()]
    .map((pairs) => compareGroup(pairs.sort(([x], [y]) => byCodeUnit(x.item_id, y.item_id)), o))
    .sort((x, y) => byCodeUnit(x.model_id, y.model_id) || byCodeUnit(x.action, y.action));
  const regression = groups.some((g) => g.regression);
  return {
    version: COMPARE_VERSION,
    base_run: baseRun,
    head_run: headRun,
    options: o,
    groups,
    unpaired: { base: b.size - paired, head: h.size - paired },
    verdict: regression ? "regression" : "ok",
    exit_code: regression ? EXIT.regression : EXIT.ok,
  };
}

function compareGroup(pairs: [BenchRecord, BenchRecord][], o: Required<CompareOptions>): GroupComparison {
  const [first] = pairs[0]!;
  const ok = pairs.filter(([x, y]) => x.error === null && y.error === null);
  const quality = compareQuality(ok.filter(([x, y]) => x.grade !== null && y.grade !== null), o);
  const latency = compareLatency(ok, o);
  return {
    model_id: first.model_id,
    action: first.action,
    paired: pairs.length,
    errors: { base: pairs.filter(([x]) => x.error !== null).length, head: pairs.filter(([, y]) => y.error !== null).length },
    quality,
    latency,
    regression: (quality?.regression ?? false) || latency.some((l) => l.regression === true),
  };
}

function compareQuality(graded: [BenchRecord, BenchRecord][], o: Required<CompareOptions>): QualityComparison | null {
  const n = graded.length;
  if (n === 0) return null;
  const basePass = graded.map(([x]) => x.grade!.pass);
  const headPass = graded.map(([, y]) => y.grade!.pass);
  const basePasses = basePass.filter(Boolean).length;
  const headPasses = headPass.filter(Boolean).length;
  const m = mcnemarExact(discordantCounts(basePass, headPass));
  // Computed from the discordant counts so the drop and the test see exactly the same items.
  const drop = (m.b - m.c) / n;
  return {
    n,
    base_passes: basePasses,
    head_passes: headPasses,
    base_rate: basePasses / n,
    head_rate: headPasses / n,
    base_ci95: wilsonInterval(basePasses, n),
    head_ci95: wilsonInterval(headPasses, n),
    drop,
    mcnemar: { b: m.b, c: m.c, p_regression: m.pRegression, p_two_sided: m.pTwoSided },
    regression: drop >= o.margin - EPS && m.pRegression < o.alpha,
  };
}

function compareLatency(ok: [BenchRecord, BenchRecord][], o: Required<CompareOptions>): LatencyComparison[] {
  if (ok.length === 0) return [];
  const boot = { seed: o.seed, iterations: o.iterations };
  const e2eBase = ok.map(([x]) => x.e2e_ms);
  const e2eHead = ok.map(([, y]) => y.e2e_ms);
  const source = { base: sourceOf(ok.map(([x]) => x)), head: sourceOf(ok.map(([, y]) => y)) };
  const out: LatencyComparison[] = [];
  const p50 = row("e2e_p50", e2eBase, e2eHead, pairedBootstrapQuantileDiff(e2eBase, e2eHead, { ...boot, q: 0.5 }), "p50", source);
  if (source.base === source.head && source.base !== "mixed") p50.regression = p50.lower > o.latencyMarginMs && p50.relative !== null && p50.relative >= o.latencyMargin - EPS;
  out.push(p50, row("e2e_mean", e2eBase, e2eHead, pairedBootstrapDiff(e2eBase, e2eHead, boot), "mean", source));
  const ttft = ok.filter(([x, y]) => x.ttft_ms !== null && y.ttft_ms !== null);
  if (ttft.length > 0) {
    const tb = ttft.map(([x]) => x.ttft_ms!);
    const th = ttft.map(([, y]) => y.ttft_ms!);
    out.push(row("ttft_p50", tb, th, pairedBootstrapQuantileDiff(tb, th, { ...boot, q: 0.5 }), "p50", source));
  }
  return out;
}

function sourceOf(records: readonly BenchRecord[]): LatencySourceOfRun {
  const modelled = records.filter((r) => r.latency_source === "modelled").length;
  return modelled === 0 ? "measured" : modelled === records.length ? "modelled" : "mixed";
}

function row(
  metric: LatencyComparison["metric"],
  base: number[],
  head: number[],
  d: { diff: number; lower: number; upper: number; confidence: number },
  stat: "p50" | "mean",
  source: LatencyComparison["source"],
): LatencyComparison {
  const b = summarize(base)[stat]!;
  const h = summarize(head)[stat]!;
  return { metric, n: base.length, base: b, head: h, diff: d.diff, lower: d.lower, upper: d.upper, confidence: d.confidence, relative: b > 0 ? d.diff / b : null, regression: null, source };
}

/** Measured records by (model, action, item); a second record for the same key makes pairing ambiguous. */
function indexRecords(records: readonly BenchRecord[], which: string): Map<string, BenchRecord> {
  const out = new Map<string, BenchRecord>();
  for (const r of records) {
    if (r.warmup) continue;
    const key = `${r.model_id}\u0000${r.action}\u0000${r.item_id}`;
    if (out.has(key)) {
      throw new UsageError({
        message: `${which} has two records for model ${r.model_id}, action ${r.action}, item ${r.item_id}; pairing needs one per item`,
        fix: "compare runs with one record per (model, action, item), e.g. not two runs' records concatenated",
      });
    }
    out.set(key, r);
  }
  return out;
}

/** Locale-independent, so CI machines with different locales print the same report. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function runIds(records: readonly BenchRecord[]): string {
  return [...new Set(records.map((r) => r.run_id))].sort().join("+") || "(empty)";
}

function checkOptions(o: Required<CompareOptions>): void {
  const bad = (flag: string, want: string, got: number) => new UsageError({ message: `--${flag} must be ${want}, got ${got}` });
  if (!(o.margin >= 0 && o.margin <= 1)) throw bad("margin", "a fraction in [0, 1] (0.02 = 2 points)", o.margin);
  if (!(o.alpha > 0 && o.alpha < 1)) throw bad("alpha", "in (0, 1)", o.alpha);
  if (!(Number.isFinite(o.latencyMarginMs) && o.latencyMarginMs >= 0)) throw bad("latency-margin-ms", "a number of ms ≥ 0", o.latencyMarginMs);
  if (!(Number.isFinite(o.latencyMargin) && o.latencyMargin >= 0)) throw bad("latency-margin", "a fraction ≥ 0 (0.1 = 10 %)", o.latencyMargin);
  if (!Number.isInteger(o.seed)) throw bad("seed", "an integer", o.seed);
  if (!(Number.isInteger(o.iterations) && o.iterations >= 1)) throw bad("iterations", "a positive integer", o.iterations);
}
