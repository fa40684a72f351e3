import { describe, expect, it } from "vitest";
import { quantile as perfQuantile } from "../../perf/types.js";
import { quantileSorted as simQuantile } from "../../simulator/summary.js";
import { summarize } from "./latency.js";
import { quantile, quantileOfSorted } from "./quantile.js";

describe("one percentile definition (type 7)", () => {
  it("matches R's quantile(type = 7) and numpy's default", () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(xs, 0.95)).toBeCloseTo(9.55, 12); // np.percentile(range(1, 11), 95)
    expect(quantile([15, 20, 35, 40, 50], 0.4)).toBeCloseTo(29, 12); // h = 1.6: 20 + 0.6 × 15
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it("is the same function in the bench, the simulator and perf", () => {
    const xs = Array.from({ length: 37 }, (_, i) => (i * 7919) % 101);
    const sorted = [...xs].sort((a, b) => a - b);
    for (const p of [0.05, 0.5, 0.9, 0.95, 0.99]) {
      const want = quantileOfSorted(sorted, p);
      expect(simQuantile(Float64Array.from(sorted), p)).toBe(want);
      expect(perfQuantile(sorted, p)).toBe(want);
    }
    expect(summarize(xs).p95).toBe(quantile(xs, 0.95));
  });
});
