import { describe, expect, it } from "vitest";
import { apgr, callsToReachGap, routerSummary, thresholdCurve } from "./routellm-metrics.js";
import type { FrontierItem } from "./frontier-types.js";

// The five items of frontier.test.ts, L1 against A. Win rate of A = 1 − L1's score:
//   i1 0.10 (L1 ✓, A ✓)  i2 0.30 (✗, ✓)  i3 0.80 (✗, ✗)  i4 0.60 (✓, ✓)  i5 0.05 (✗, ✓)
const o = (correct: boolean, score?: number) => ({ correct, costUsd: 0, ...(score === undefined ? {} : { score }) });
const items: FrontierItem[] = [
  { id: "i1", outcomes: { L1: o(true, 0.9), A: o(true) } },
  { id: "i2", outcomes: { L1: o(false, 0.7), A: o(true) } },
  { id: "i3", outcomes: { L1: o(false, 0.2), A: o(false) } },
  { id: "i4", outcomes: { L1: o(true, 0.4), A: o(true) } },
  { id: "i5", outcomes: { L1: o(false, 0.95), A: o(true) } },
];

describe("RouteLLM metrics on the hand case (4 bins)", () => {
  // Sorted win rates 0.05, 0.1, 0.3, 0.6, 0.8; quartile edges (linear) are exactly those values.
  //   ≥ 0.05: all to A → accuracy 4/5 at share 1
  //   ≥ 0.10: i1, i2, i3, i4 to A, i5 on L1 ✗ → ✓✓✗✓✗ = 0.6 at share 0.8
  //   ≥ 0.30: i2, i3, i4 to A; i1 ✓, i5 ✗ on L1 → 0.6 at share 0.6
  //   ≥ 0.60: i3, i4 to A; i1 ✓, i2 ✗, i5 ✗ on L1 → 0.4 at share 0.4
  //   > 0.80: none to A → L1 alone, 0.4 at share 0
  const curve = thresholdCurve({ items, local: "L1", api: "A", bins: 4 });

  it("builds the curve at the qcut edges, sorted by API share", () => {
    expect(curve).toEqual([
      { apiShare: 0, accuracy: 0.4 },
      { apiShare: 0.4, accuracy: 0.4 },
      { apiShare: 0.6, accuracy: 0.6 },
      { apiShare: 0.8, accuracy: 0.6 },
      { apiShare: 1, accuracy: 0.8 },
    ]);
  });

  it("computes APGR by the trapezoid rule", () => {
    // AUC = 0.4·0.4 + 0.2·(0.4+0.6)/2 + 0.2·0.6 + 0.2·(0.6+0.8)/2 = 0.16 + 0.10 + 0.12 + 0.14 = 0.52.
    // APGR = (0.52 − 0.4·1) / ((0.8 − 0.4)·1) = 0.3.
    expect(apgr({ curve, weak: 0.4, strong: 0.8 })).toBeCloseTo(0.3, 12);
  });

  it("computes the API share needed for 50 / 80 / 95 % of the gap", () => {
    // Targets 0.4 + f·0.4: 0.6 reached at share 0.6; 0.72 on the last segment: 0.8 + 0.2·(0.12/0.2) = 0.92;
    // 0.78: 0.8 + 0.2·(0.18/0.2) = 0.98.
    expect(callsToReachGap({ curve, weak: 0.4, strong: 0.8, fraction: 0.5 })).toBeCloseTo(0.6, 12);
    expect(callsToReachGap({ curve, weak: 0.4, strong: 0.8, fraction: 0.8 })).toBeCloseTo(0.92, 12);
    expect(callsToReachGap({ curve, weak: 0.4, strong: 0.8, fraction: 0.95 })).toBeCloseTo(0.98, 12);
    // A curve that never gets there.
    expect(callsToReachGap({ curve: curve.slice(0, 3), weak: 0.4, strong: 0.8, fraction: 0.8 })).toBeNull();
  });

  it("summarises the router with RouteLLM's default 10 bins", () => {
    const s = routerSummary({ items, local: "L1", api: "A" });
    expect([s.weak, s.strong]).toEqual([0.4, 0.8]);
    expect(s.curve[0]).toEqual({ apiShare: 0, accuracy: 0.4 });
    expect(s.curve.at(-1)).toEqual({ apiShare: 1, accuracy: 0.8 });
    expect(s.curve).toHaveLength(11);
    expect(Object.keys(s.calls_to_gap)).toEqual(["50", "80", "95"]);
  });
});

describe("APGR landmarks", () => {
  it("scores random routing (a straight line from weak to strong) 0.5", () => {
    const line = Array.from({ length: 11 }, (_, i) => ({ apiShare: i / 10, accuracy: 0.3 + 0.5 * (i / 10) }));
    expect(apgr({ curve: line, weak: 0.3, strong: 0.8 })).toBeCloseTo(0.5, 12);
    expect(callsToReachGap({ curve: line, weak: 0.3, strong: 0.8, fraction: 0.8 })).toBeCloseTo(0.8, 12);
  });

  it("scores a router that recovers the whole gap at once 1 (on a curve of two points)", () => {
    expect(
      apgr({
        curve: [
          { apiShare: 0, accuracy: 0.8 },
          { apiShare: 1, accuracy: 0.8 },
        ],
        weak: 0.3,
        strong: 0.8,
      }),
    ).toBe(1);
  });

  it("refuses curves it cannot score", () => {
    expect(() => apgr({ curve: [{ apiShare: 0, accuracy: 0.5 }], weak: 0.3, strong: 0.8 })).toThrow(/two points/);
    expect(() =>
      apgr({
        curve: [
          { apiShare: 0, accuracy: 0.5 },
          { apiShare: 1, accuracy: 0.5 },
        ],
        weak: 0.5,
        strong: 0.5,
      }),
    ).toThrow(/no gap/);
    expect(() => thresholdCurve({ items: [{ id: "x", outcomes: { L1: o(true), A: o(true) } }], local: "L1", api: "A" })).toThrow(/no score for L1/);
  });
});
