import { describe, expect, it } from "vitest";
import { createRng } from "../core/rng.js";
import { K, F_HYBRID, F_REQ, type TrialBlock } from "./engine-common.js";
import { band, budgetResults, exceedance, monthMetrics, quantileSorted, sig, sorted, weekMetrics, type WindowSeries } from "./summary.js";

describe("summary helpers", () => {
  it("band (selection) equals type-7 quantiles of the sorted values, ties included", () => {
    const rng = createRng(1);
    for (const n of [1, 2, 7, 100, 1001]) {
      const v = Float64Array.from({ length: n }, () => Math.floor(rng.next() * 20));
      const s = sorted(v);
      const b = band(v);
      expect([b.p5, b.p25, b.p50, b.p75, b.p95]).toEqual([0.05, 0.25, 0.5, 0.75, 0.95].map((q) => sig(quantileSorted(s, q))));
    }
  });

  it("exceedance is P(X > x), falling from near 1 to 0", () => {
    const pts = exceedance(Float64Array.from([1, 2, 3, 4]), 4);
    expect(pts.map((p) => p.p)).toEqual([0.75, 0.5, 0.25, 0]);
  });

  it("a budget overrun counts each period block above the limit", () => {
    // 2 trials × 14 days; trial 0 spends $1/day, trial 1 spends $1/day but $9 on day 10.
    const days = 14;
    const daily = new Float64Array(2 * days * K);
    for (let t = 0; t < 2; t++)
      for (let d = 0; d < days; d++) {
        daily[(t * days + d) * K + F_HYBRID] = t === 1 && d === 10 ? 9 : 1;
        daily[(t * days + d) * K + F_REQ] = 1;
      }
    const block: TrialBlock = { start: 0, end: 2, daily, tokens: new Float64Array(0), p95LatencyMs: new Float64Array(2) };
    const { results, clean } = budgetResults(
      block,
      days,
      [
        { scope: "global", period: "day", limit_usd: 5, on_exceed: "degrade" },
        { scope: "global", period: "week", limit_usd: 10, on_exceed: "degrade" },
        { scope: "action", key: "code", period: "day", limit_usd: 1, on_exceed: "refuse" },
      ],
      14,
    );
    expect(results[0]).toMatchObject({ p_overrun: 0.5, expected_overrun_periods: 0.5, periods_in_horizon: 14 });
    expect(results[1]).toMatchObject({ p_overrun: 0.5, expected_overrun_periods: 0.5, periods_in_horizon: 2 });
    expect(results[2]!.p_overrun).toBeNull();
    expect(Array.from(clean)).toEqual([1, 0]);
  });

  it("success metrics: quality is judged on answers right, and a check that is not computed stays out of p_all", () => {
    const n = 4;
    const fill = (x: number) => new Float64Array(n).fill(x);
    const w: WindowSeries = {
      requests: fill(100),
      hybrid: fill(1),
      api: fill(10),
      savings: fill(0.9),
      local: fill(0.9),
      selfCheck: fill(1),
      accuracy: Float64Array.from([0.97, 0.96, 0.9, 0.8]),
      latency: fill(100),
      pCorrect: Float64Array.from([0.9, NaN, 0.7, 0.95]),
      scored: fill(0.5),
    };
    const targets = { max_cost_usd: 5, min_savings: 0.7, max_mean_latency_ms: 500, min_pass_rate: 0.95, min_local_share: 0.6 };
    const week = weekMetrics(w, targets, 0, 7);
    expect(week.metrics.find((m) => m.id === "week_quality")).toMatchObject({ label: "answers right (quality)", probability: 0.5 });
    expect(week.p_all).toBe(0.5);
    const unknown = weekMetrics({ ...w, accuracy: fill(NaN) }, targets, 0, 7);
    expect(unknown.metrics.find((m) => m.id === "week_quality")!.probability).toBeNull();
    expect(unknown.p_all).toBe(1);
    // Mean P(correct) > 0.8 in trials 0 and 3; trial 1 had no scored answer, so the metric does not hold there.
    const month = monthMetrics(
      w,
      { max_cost_usd: 20, min_savings: 0.75, no_budget_overrun: false, min_mean_confidence: 0.8 },
      new Uint8Array(n).fill(1),
      0,
      30,
    );
    expect(month.metrics.find((m) => m.id === "month_confidence")!.probability).toBe(0.5);
    const none = monthMetrics(
      { ...w, pCorrect: fill(NaN) },
      { max_cost_usd: 20, min_savings: 0.75, no_budget_overrun: false, min_mean_confidence: 0.8 },
      new Uint8Array(n).fill(1),
      0,
      30,
    );
    expect(none.metrics.find((m) => m.id === "month_confidence")!.probability).toBeNull();
  });
});
