/**
 * Latency regression of one (model, action) group. Two identical runs on a loaded machine differ by a
 * few percent and, with enough items, significantly so; a gate that fires on that gets switched off.
 * So e2e p50 regresses only when both hold:
 *  - significance: a one-sided exact-enough test at alpha that head is slower: the sign test on the shared
 *    items' differences (paired), or Mann–Whitney U (independent runs). Rank and sign tests stay valid with
 *    a handful of items, where a bootstrap interval does not (3 items all slower is p = 1/8, not a proof);
 *  - a practical effect: the p50 rose by at least `latencyMargin` (10 %) and by at least `latencyMarginMs`.
 * The p50 ratio is shown with its one-sided (1 − alpha) bootstrap bound; mean e2e and TTFT p50 with 95 %
 * intervals. Only e2e p50 carries a verdict, and only when both runs' latencies have the same source: a
 * measured run against one modelled from a hardware profile (replay) says nothing about a regression.
 */
import type { BenchRecord } from "../contracts/bench-record.js";
import { summarize } from "../stats/latency.js";
import { mcnemarExact, pairedBootstrapDiff, pairedBootstrapQuantileDiff, pairedBootstrapQuantileRatio, type BootstrapDiff } from "../stats/paired-tests.js";
import { mannWhitneyGreater, unpairedBootstrapQuantileDiff, unpairedBootstrapQuantileRatio } from "../stats/unpaired-tests.js";
import type { CompareOptions, Design, Samples } from "./compare.js";

export type LatencyComparison = {
  metric: "e2e_p50" | "e2e_mean" | "ttft_p50";
  test: "paired_bootstrap" | "unpaired_bootstrap";
  n_base: number;
  n_head: number;
  base: number;
  head: number;
  /** head − base, with its 95 % bootstrap interval. */
  diff: number;
  lower: number;
  upper: number;
  confidence: number;
  /** diff / base; null when base is 0. */
  relative: number | null;
  /** e2e p50 only: head/base and its one-sided (1 − alpha) bootstrap lower bound. */
  ratio: number | null;
  ratio_lower: number | null;
  /** e2e p50 only: the significance test, its one-sided p, and the two halves of the verdict. */
  significance_test: "sign_test" | "mann_whitney" | null;
  p_slower: number | null;
  significant: boolean | null;
  practical: boolean | null;
  /** Only e2e p50 carries a verdict; the others are shown for context (null). Also null when the sources differ. */
  regression: boolean | null;
  /** Where each side's latencies came from: observed, or modelled from a hardware profile (replay). */
  source: { base: LatencySourceOfRun; head: LatencySourceOfRun };
};

export type LatencySourceOfRun = "measured" | "modelled" | "mixed";

const EPS = 1e-12;

export function compareLatency(args: { samples: Samples; design: Design; options: Required<CompareOptions> }): LatencyComparison[] {
  const { samples: s, design, options: o } = args;
  const boot = { seed: o.seed, iterations: o.iterations };
  const paired = design === "paired";
  const pick = (f: (r: BenchRecord) => number | null): [number[], number[]] => {
    if (paired) {
      const both = s.pairs.filter(([x, y]) => f(x) !== null && f(y) !== null);
      return [both.map(([x]) => f(x)!), both.map(([, y]) => f(y)!)];
    }
    return [s.base.map(f).filter((v): v is number => v !== null), s.head.map(f).filter((v): v is number => v !== null)];
  };
  const [eb, eh] = pick((r) => r.e2e_ms);
  if (eb.length === 0 || eh.length === 0) return [];
  const test = paired ? "paired_bootstrap" : "unpaired_bootstrap";
  const source = { base: sourceOf(paired ? s.pairs.map(([x]) => x) : s.base), head: sourceOf(paired ? s.pairs.map(([, y]) => y) : s.head) };
  const quantileDiff = paired ? pairedBootstrapQuantileDiff : unpairedBootstrapQuantileDiff;
  const quantileRatio = paired ? pairedBootstrapQuantileRatio : unpairedBootstrapQuantileRatio;

  const p50 = row({ metric: "e2e_p50", test, base: eb, head: eh, d: quantileDiff(eb, eh, { ...boot, q: 0.5 }), stat: "p50", source });
  // Percentile interval at 1 − 2·alpha: its lower end is the one-sided (1 − alpha) bound.
  const r = quantileRatio(eb, eh, { ...boot, q: 0.5, confidence: 1 - 2 * o.alpha });
  p50.ratio = r.diff;
  p50.ratio_lower = r.lower;
  if (paired) {
    // Sign test: ties dropped, P(X ≥ slower) with X ~ Binomial(slower + faster, ½), the same exact tail as McNemar's.
    const slower = eb.filter((b, i) => eh[i]! > b).length,
      faster = eb.filter((b, i) => eh[i]! < b).length;
    p50.p_slower = mcnemarExact({ b: slower, c: faster }).pRegression;
    p50.significance_test = "sign_test";
  } else {
    p50.p_slower = mannWhitneyGreater(eb, eh).pGreater;
    p50.significance_test = "mann_whitney";
  }
  p50.significant = p50.p_slower < o.alpha;
  p50.practical = p50.relative !== null && p50.relative >= o.latencyMargin - EPS && p50.head - p50.base >= o.latencyMarginMs - EPS;
  const comparable = source.base === source.head && source.base !== "mixed";
  p50.regression = comparable ? p50.significant && p50.practical : null;

  const out = [p50];
  if (paired) out.push(row({ metric: "e2e_mean", test, base: eb, head: eh, d: pairedBootstrapDiff(eb, eh, boot), stat: "mean", source }));
  const [tb, th] = pick((x) => x.ttft_ms);
  if (tb.length > 0 && th.length > 0)
    out.push(row({ metric: "ttft_p50", test, base: tb, head: th, d: quantileDiff(tb, th, { ...boot, q: 0.5 }), stat: "p50", source }));
  return out;
}

function sourceOf(records: readonly BenchRecord[]): LatencySourceOfRun {
  const modelled = records.filter((r) => r.latency_source === "modelled").length;
  return modelled === 0 ? "measured" : modelled === records.length ? "modelled" : "mixed";
}

function row(a: {
  metric: LatencyComparison["metric"];
  test: LatencyComparison["test"];
  base: number[];
  head: number[];
  d: BootstrapDiff;
  stat: "p50" | "mean";
  source: LatencyComparison["source"];
}): LatencyComparison {
  const b = summarize(a.base)[a.stat]!;
  const h = summarize(a.head)[a.stat]!;
  return {
    metric: a.metric,
    test: a.test,
    n_base: a.base.length,
    n_head: a.head.length,
    base: b,
    head: h,
    diff: a.d.diff,
    lower: a.d.lower,
    upper: a.d.upper,
    confidence: a.d.confidence,
    relative: b > 0 ? (h - b) / b : null,
    ratio: null,
    ratio_lower: null,
    significance_test: null,
    p_slower: null,
    significant: null,
    practical: null,
    regression: null,
    source: a.source,
  };
}
