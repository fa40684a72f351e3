import { describe, expect, it } from "vitest";
import { createRng } from "../router/util/rng.js";
import { K, F_HYBRID, F_REQ, type TrialBlock } from "./engine-common.js";
import { band, budgetResults, exceedance, quantileSorted, sig, sorted } from "./summary.js";

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
    for (let t = 0; t < 2; t++) for (let d = 0; d < days; d++) { daily[(t * days + d) * K + F_HYBRID] = t === 1 && d === 10 ? 9 : 1; daily[(t * days + d) * K + F_REQ] = 1; }
    const block: TrialBlock = { start: 0, end: 2, daily, tokens: new Float64Array(0), p95LatencyMs: new Float64Array(2) };
    const { results, clean } = budgetResults(block, days, [
      { scope: "global", period: "day", limit_usd: 5, on_exceed: "degrade" },
      { scope: "global", period: "week", limit_usd: 10, on_exceed: "degrade" },
      { scope: "action", key: "code", period: "day", limit_usd: 1, on_exceed: "refuse" },
    ], 14);
    expect(results[0]).toMatchObject({ p_overrun: 0.5, expected_overrun_periods: 0.5, periods_in_horizon: 14 });
    expect(results[1]).toMatchObject({ p_overrun: 0.5, expected_overrun_periods: 0.5, periods_in_horizon: 2 });
    expect(results[2]!.p_overrun).toBeNull();
    expect(Array.from(clean)).toEqual([1, 0]);
  });
});
