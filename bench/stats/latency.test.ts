import { describe, expect, it } from "vitest";
import { goodput, interTokenLatencies, summarize, tpotMs } from "./latency.js";

describe("summarize", () => {
  it("matches numpy's default (linear) percentiles", () => {
    // Reference: numpy 2.4 np.percentile(x, [50, 90, 95, 99]) and np.mean(x).
    const s = summarize([12, 3, 7, 45, 9, 21, 5, 18, 30, 11, 2]);
    expect(s.n).toBe(11);
    expect(s.p50).toBe(11);
    expect(s.p90).toBe(30);
    expect(s.p95).toBeCloseTo(37.5, 12);
    expect(s.p99).toBeCloseTo(43.5, 12);
    expect(s.mean).toBeCloseTo(14.818181818181818, 12);
    expect(s.min).toBe(2);
    expect(s.max).toBe(45);
  });

  it("interpolates between the two middle values for an even count", () => {
    // h = (4 − 1)·0.5 = 1.5 → halfway between 20 and 30; h = 3·0.9 = 2.7 → 30 + 0.7·(100 − 30).
    const s = summarize([100, 10, 30, 20]);
    expect(s.p50).toBe(25);
    expect(s.p90).toBeCloseTo(79, 12);
  });

  it("returns undefined statistics for no values and the value itself for one", () => {
    expect(summarize([])).toEqual({ n: 0, mean: undefined, p50: undefined, p90: undefined, p95: undefined, p99: undefined, min: undefined, max: undefined });
    expect(summarize([7])).toEqual({ n: 1, mean: 7, p50: 7, p90: 7, p95: 7, p99: 7, min: 7, max: 7 });
  });

  it("does not reorder the caller's array and rejects non-finite values", () => {
    const xs = [3, 1, 2];
    summarize(xs);
    expect(xs).toEqual([3, 1, 2]);
    expect(() => summarize([1, Number.NaN])).toThrow(/index 1/);
  });
});

describe("tpotMs", () => {
  it("spreads the time after the first token over the remaining tokens", () => {
    expect(tpotMs(1000, 200, 9)).toBe(100);
  });
  it("is undefined with one token or none", () => {
    expect(tpotMs(500, 500, 1)).toBeUndefined();
    expect(tpotMs(500, 500, 0)).toBeUndefined();
  });
  it("rejects e2e before ttft", () => {
    expect(() => tpotMs(100, 200, 5)).toThrow(/monotonic clock/);
  });
});

describe("interTokenLatencies", () => {
  it("returns consecutive gaps", () => {
    expect(interTokenLatencies([0, 10, 25, 25, 40])).toEqual([10, 15, 0, 15]);
    expect(interTokenLatencies([5])).toEqual([]);
    expect(interTokenLatencies([])).toEqual([]);
  });
  it("rejects times that go backwards", () => {
    expect(() => interTokenLatencies([0, 10, 5])).toThrow(/chunk 2/);
  });
});

describe("goodput", () => {
  const requests = [
    { ttftMs: 100, tpotMs: 30, e2eMs: 1000 }, // meets all, tpot exactly at the limit
    { ttftMs: 300, tpotMs: 20, e2eMs: 1000 }, // ttft too slow
    { ttftMs: 100, tpotMs: 50, e2eMs: 1000 }, // tpot too slow
    { ttftMs: 200, tpotMs: undefined, e2eMs: 200 }, // single token: ttft exactly at the limit, no tpot
    { ttftMs: 100, tpotMs: 20, e2eMs: 1000, ok: false }, // failed
    { tpotMs: 10 }, // never produced a first token
  ];

  it("counts requests meeting every set SLO, limits inclusive", () => {
    const g = goodput(requests, { ttftMs: 200, tpotMs: 30 }, 2);
    expect(g).toEqual({ total: 6, met: 2, share: 2 / 6, perSecond: 1 });
  });

  it("checks only the SLOs that are set", () => {
    expect(goodput(requests, { tpotMs: 30 }, 1).met).toBe(4);
    expect(goodput(requests, { e2eMs: 500 }, 1).met).toBe(1);
    expect(goodput(requests, {}, 1).met).toBe(5);
  });

  it("has undefined share for no requests and rejects a non-positive duration", () => {
    expect(goodput([], { ttftMs: 1 }, 1)).toEqual({ total: 0, met: 0, share: undefined, perSecond: 0 });
    expect(() => goodput(requests, {}, 0)).toThrow(/durationS/);
  });
});
