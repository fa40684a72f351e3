/**
 * From per-trial, per-day records to what a decision maker reads: quantiles of cost, savings, shares and
 * latency over the horizon, week and month; P(budget overrun); the seed's success metrics as
 * probabilities; per-day fan-chart bands; the exceedance curve; the savings histogram.
 */
import type { BudgetConfig } from "../router/config/schema.js";
import { quantileOfSorted } from "../bench/stats/quantile.js";
import { F_API, F_CORRECT, F_HYBRID, F_LAT, F_LOCAL, F_PASSED, F_PCORR, F_REQ, F_SCORED, K, type TrialBlock } from "./engine-common.js";
import type { SuccessMetricTargets } from "./profiles.js";
import type { Band, BudgetResult, MetricResult, PerDay, QuantileSummary, SuccessBlock, WindowSummary } from "./results.js";

/** Six significant digits: stable, readable numbers in results files. */
export function sig(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}

export function sorted(values: Float64Array): Float64Array {
  return Float64Array.from(values).sort();
}

/** Type-7 quantile of sorted values: the one definition, bench/stats/quantile.ts. */
export function quantileSorted(s: Float64Array, q: number): number {
  return quantileOfSorted(s, q);
}

export function summarize(values: Float64Array): QuantileSummary {
  const s = sorted(values);
  let m = 0;
  for (const v of s) m += v;
  m /= s.length;
  let v2 = 0;
  for (const v of s) v2 += (v - m) * (v - m);
  const q = (p: number) => sig(quantileSorted(s, p));
  return {
    mean: sig(m),
    sd: sig(Math.sqrt(v2 / Math.max(1, s.length - 1))),
    min: sig(s[0]!),
    p5: q(0.05),
    p25: q(0.25),
    p50: q(0.5),
    p75: q(0.75),
    p95: q(0.95),
    max: sig(s[s.length - 1]!),
  };
}

const BAND_Q = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/** P5..P95 by selection instead of a full sort (the per-day fan chart needs 150 of these); same type-7 values. */
export function band(values: Float64Array): Band {
  const a = Float64Array.from(values);
  const n = a.length;
  const out: number[] = [];
  let from = 0;
  for (const q of BAND_Q) {
    const h = (n - 1) * q;
    const i = Math.floor(h);
    select(a, from, n - 1, i);
    from = i;
    let next = a[i]!;
    if (i + 1 < n) {
      next = Infinity;
      for (let j = i + 1; j < n; j++) if (a[j]! < next) next = a[j]!;
    }
    out.push(sig(a[i]! + (h - i) * (next - a[i]!)));
  }
  return { p5: out[0]!, p25: out[1]!, p50: out[2]!, p75: out[3]!, p95: out[4]! };
}

/** Hoare quickselect: afterwards a[k] is the k-th smallest of a[lo..hi], smaller ones left of it, larger right. */
function select(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo,
      j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** Per-trial totals and ratios over days [from, from + days). */
export interface WindowSeries {
  requests: Float64Array;
  hybrid: Float64Array;
  api: Float64Array;
  savings: Float64Array;
  local: Float64Array;
  /** Share of returned answers their cell kept: the router's own check, not correctness. */
  selfCheck: Float64Array;
  /** Share of returned answers that are right; NaN when not computed. */
  accuracy: Float64Array;
  latency: Float64Array;
  /** Mean scorer P(correct) of answers kept by a scored cell; NaN when none was. */
  pCorrect: Float64Array;
  /** Share of requests answered by a cell with a learned scorer. */
  scored: Float64Array;
}

export function windowSeries(block: TrialBlock, totalDays: number, from: number, days: number): WindowSeries {
  const n = block.end - block.start;
  const series = () => new Float64Array(n);
  const w: WindowSeries = {
    requests: series(),
    hybrid: series(),
    api: series(),
    savings: series(),
    local: series(),
    selfCheck: series(),
    accuracy: series(),
    latency: series(),
    pCorrect: series(),
    scored: series(),
  };
  for (let t = 0; t < n; t++) {
    let req = 0,
      hyb = 0,
      api = 0,
      loc = 0,
      pas = 0,
      lat = 0,
      right = 0,
      pc = 0,
      sc = 0;
    for (let d = from; d < from + days; d++) {
      const o = (t * totalDays + d) * K;
      req += block.daily[o + F_REQ]!;
      hyb += block.daily[o + F_HYBRID]!;
      api += block.daily[o + F_API]!;
      loc += block.daily[o + F_LOCAL]!;
      pas += block.daily[o + F_PASSED]!;
      lat += block.daily[o + F_LAT]!;
      right += block.daily[o + F_CORRECT]!;
      pc += block.daily[o + F_PCORR]!;
      sc += block.daily[o + F_SCORED]!;
    }
    w.requests[t] = req;
    w.hybrid[t] = hyb;
    w.api[t] = api;
    w.savings[t] = api > 0 ? 1 - hyb / api : 0;
    const r = Math.max(req, 1);
    w.local[t] = req > 0 ? loc / r : 1;
    w.selfCheck[t] = req > 0 ? pas / r : 1;
    w.latency[t] = lat / r;
    // NaN stays NaN (not computed); with no requests there is no wrong answer either.
    w.accuracy[t] = req > 0 ? right / r : Number.isNaN(right) ? NaN : 1;
    w.pCorrect[t] = sc > 0 ? pc / sc : NaN;
    w.scored[t] = req > 0 ? sc / r : 0;
  }
  return w;
}

/** The summary of the finite values; null when there are none (a figure that was not computed). */
function summarizeFinite(values: Float64Array): QuantileSummary | null {
  const finite = values.filter((x) => Number.isFinite(x));
  return finite.length === 0 ? null : summarize(finite);
}

export function summarizeWindow(w: WindowSeries, from: number, days: number): WindowSummary {
  return {
    from_day: from,
    days,
    requests: summarize(w.requests),
    hybrid_cost_usd: summarize(w.hybrid),
    api_cost_usd: summarize(w.api),
    savings: summarize(w.savings),
    local_share: summarize(w.local),
    accuracy: w.accuracy.some((x) => Number.isNaN(x)) ? null : summarize(w.accuracy),
    self_check_pass_rate: summarize(w.selfCheck),
    mean_latency_ms: summarize(w.latency),
    mean_p_correct: summarizeFinite(w.pCorrect),
    scored_share: summarize(w.scored),
  };
}

const PERIOD_DAYS = { day: 1, week: 7, month: 30 } as const;

/** Per global budget: P(any period block of the horizon exceeds the limit). Also a per-trial "no overrun in [0, upTo)" flag. */
export function budgetResults(block: TrialBlock, totalDays: number, budgets: BudgetConfig[], upTo: number): { results: BudgetResult[]; clean: Uint8Array } {
  const n = block.end - block.start;
  const clean = new Uint8Array(n).fill(1);
  const results = budgets.map((b): BudgetResult => {
    const L = PERIOD_DAYS[b.period];
    const periods = Math.ceil(totalDays / L);
    const base = { scope: b.scope, key: b.key ?? null, period: b.period, limit_usd: b.limit_usd, on_exceed: b.on_exceed, periods_in_horizon: periods };
    if (b.scope !== "global") return { ...base, p_overrun: null, expected_overrun_periods: null, note: "only global budgets are simulated" };
    let any = 0,
      count = 0;
    for (let t = 0; t < n; t++) {
      let over = 0;
      for (let p = 0; p < periods; p++) {
        let cost = 0;
        const end = Math.min(totalDays, (p + 1) * L);
        for (let d = p * L; d < end; d++) cost += block.daily[(t * totalDays + d) * K + F_HYBRID]!;
        if (cost > b.limit_usd) {
          over++;
          if (p * L < upTo) clean[t] = 0;
        }
      }
      if (over > 0) any++;
      count += over;
    }
    const partial = totalDays % L !== 0 ? `the last ${b.period} is partial (${totalDays % L} of ${L} days)` : null;
    return { ...base, p_overrun: sig(any / n), expected_overrun_periods: sig(count / n), note: partial };
  });
  return { results, clean };
}

function prob(flags: (t: number) => boolean, n: number): number {
  let k = 0;
  for (let t = 0; t < n; t++) if (flags(t)) k++;
  return sig(k / n);
}

const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;

type Check = [id: string, label: string, target: string, holds: ((t: number) => boolean) | null, note: string | null];

/** P(each check holds) over trials; a check without a test (null) is "not computed" and left out of p_all. */
function successBlock(checks: Check[], n: number, from: number, days: number): SuccessBlock {
  const metrics: MetricResult[] = checks.map(([id, label, target, f, note]) => ({ id, label, target, probability: f ? prob(f, n) : null, note }));
  const active = checks.map((c) => c[3]).filter((f): f is (t: number) => boolean => f !== null);
  return { from_day: from, days, metrics, p_all: prob((t) => active.every((f) => f(t)), n) };
}

/** The seed's "quality pass rate > 95 %", judged on answers that are right (never on the router's own check). */
function qualityCheck(w: WindowSeries, id: string, min: number): Check {
  const computed = !w.accuracy.some((x) => Number.isNaN(x));
  return [
    id,
    "answers right (quality)",
    `> ${pct(min)}`,
    computed ? (t) => w.accuracy[t]! > min : null,
    computed ? null : "not computed: no correctness evidence for some cells (see notes)",
  ];
}

export function weekMetrics(w: WindowSeries, targets: SuccessMetricTargets["week"], from: number, days: number): SuccessBlock {
  const checks: Check[] = [
    ["week_cost", "cost", `< $${targets.max_cost_usd}/week`, (t) => w.hybrid[t]! < targets.max_cost_usd, null],
    ["week_savings", "savings vs pure API", `> ${pct(targets.min_savings)}`, (t) => w.savings[t]! > targets.min_savings, null],
    ["week_latency", "mean latency", `< ${targets.max_mean_latency_ms} ms`, (t) => w.latency[t]! < targets.max_mean_latency_ms, null],
    qualityCheck(w, "week_quality", targets.min_pass_rate),
    ["week_local", "local calls", `> ${pct(targets.min_local_share)}`, (t) => w.local[t]! > targets.min_local_share, null],
  ];
  return successBlock(checks, w.hybrid.length, from, days);
}

export function monthMetrics(w: WindowSeries, targets: SuccessMetricTargets["month"], clean: Uint8Array, from: number, days: number): SuccessBlock {
  // A trial in which no scored cell answered has no mean P(correct): the metric does not hold there.
  const scored = w.pCorrect.some((x) => Number.isFinite(x));
  const checks: Check[] = [
    ["month_cost", "cost", `< $${targets.max_cost_usd}/month`, (t) => w.hybrid[t]! < targets.max_cost_usd, null],
    ["month_savings", "savings vs pure API", `> ${pct(targets.min_savings)}`, (t) => w.savings[t]! > targets.min_savings, null],
    [
      "month_budget",
      "no budget overruns",
      "(global budgets)",
      targets.no_budget_overrun ? (t) => clean[t] === 1 : null,
      targets.no_budget_overrun ? null : "disabled in the profiles file",
    ],
    [
      "month_confidence",
      "quality confidence",
      `mean scorer P(correct) > ${targets.min_mean_confidence}`,
      scored ? (t) => w.pCorrect[t]! > targets.min_mean_confidence : null,
      scored
        ? "over answers kept by cells with a learned scorer only"
        : "not computed: no cell keeps answers on a learned scorer's P(correct) (needs a version 2 calibration with scorers)",
    ],
  ];
  return successBlock(checks, w.hybrid.length, from, days);
}

export function perDayBands(block: TrialBlock, totalDays: number, weekdays: string[]): PerDay[] {
  const n = block.end - block.start;
  const series = () => Array.from({ length: totalDays }, () => new Float64Array(n));
  const req = series(),
    h = series(),
    a = series(),
    cumH = series(),
    cumA = series();
  // One sequential pass over the records (trial-major), transposed into per-day series.
  for (let t = 0; t < n; t++) {
    let ch = 0,
      ca = 0;
    for (let d = 0; d < totalDays; d++) {
      const o = (t * totalDays + d) * K;
      const hd = block.daily[o + F_HYBRID]!,
        ad = block.daily[o + F_API]!;
      req[d]![t] = block.daily[o + F_REQ]!;
      h[d]![t] = hd;
      a[d]![t] = ad;
      cumH[d]![t] = ch += hd;
      cumA[d]![t] = ca += ad;
    }
  }
  return weekdays.slice(0, totalDays).map((weekday, d) => ({
    day: d,
    weekday,
    requests: band(req[d]!),
    hybrid_cost_usd: band(h[d]!),
    api_cost_usd: band(a[d]!),
    cumulative_hybrid_usd: band(cumH[d]!),
    cumulative_api_usd: band(cumA[d]!),
  }));
}

/** P(X > x) on `points` evenly spaced x between the sample's min and max. */
export function exceedance(values: Float64Array, points = 41): { usd: number; p: number }[] {
  const s = sorted(values);
  const lo = s[0]!,
    hi = s[s.length - 1]!;
  const out: { usd: number; p: number }[] = [];
  for (let i = 0; i < points; i++) {
    const x = lo + ((hi - lo) * i) / (points - 1);
    let a = 0,
      b = s.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (s[m]! <= x) a = m + 1;
      else b = m;
    }
    out.push({ usd: sig(x), p: sig((s.length - a) / s.length) });
  }
  return out;
}

export function histogram(values: Float64Array, bins = 30): { lo: number; hi: number; count: number }[] {
  const s = sorted(values);
  const lo = s[0]!,
    hi = s[s.length - 1]!;
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of s) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  return counts.map((count, i) => ({ lo: sig(lo + i * width), hi: sig(lo + (i + 1) * width), count }));
}
