import { describe, expect, it } from "vitest";
import { modelTiming, roundTripMs, type HardwareProfile } from "./replay-latency.js";

const profile: HardwareProfile = { prefill_tokens_per_s: 1000, decode_tokens_per_s: 50, round_trip_ms: { median: 100, log_sd: 0.5 } };
const fixed: HardwareProfile = { ...profile, round_trip_ms: { median: 40, log_sd: 0 } };

describe("modelled latency", () => {
  it("is round trip + prefill + one decode step to the first token, then a decode step per token", () => {
    const t = modelTiming({ profile: fixed, inputTokens: 500, outputTokens: 101, seed: 1, key: "m\u0000id:1" });
    expect(t.source).toBe("modelled");
    expect(t.ttftMs).toBeCloseTo(40 + 500 + 20, 9);
    expect(t.totalMs).toBeCloseTo(40 + 500 + 20 + 100 * 20, 9);
    const empty = modelTiming({ profile: fixed, inputTokens: 10, outputTokens: 0, seed: 1, key: "k" });
    expect(empty.totalMs).toBe(empty.ttftMs);
  });

  it("draws the same round trip for the same seed and request, in any order; another seed or item draws another", () => {
    const keys = Array.from({ length: 200 }, (_, i) => `phi3\u0000id:item-${i}`);
    const a = keys.map((k) => roundTripMs(profile, 7, k));
    const b = [...keys]
      .reverse()
      .map((k) => roundTripMs(profile, 7, k))
      .reverse();
    expect(b).toEqual(a);
    expect(keys.map((k) => roundTripMs(profile, 8, k))).not.toEqual(a);
    expect(new Set(a).size).toBe(a.length);
  });

  it("follows the configured lognormal: median and log-sd of 4,000 draws", () => {
    const logs = Array.from({ length: 4000 }, (_, i) => Math.log(roundTripMs(profile, 3, `k${i}`))).sort((x, y) => x - y);
    const median = Math.exp(logs[2000]!);
    const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / (logs.length - 1));
    expect(median).toBeGreaterThan(95);
    expect(median).toBeLessThan(105);
    expect(sd).toBeGreaterThan(0.47);
    expect(sd).toBeLessThan(0.53);
  });
});
