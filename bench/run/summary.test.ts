import { describe, expect, it } from "vitest";
import { makeRecord } from "../../test-support/bench-records.js";
import { summarizeRun } from "./summary.js";

describe("summarizeRun", () => {
  it("adds the run's goodput over every measured request, errors and all groups included", () => {
    const records = [
      makeRecord({ item_id: "a", e2e_ms: 100 }),
      makeRecord({ item_id: "b", e2e_ms: 140 }),
      makeRecord({ item_id: "c", e2e_ms: 400 }),
      makeRecord({ item_id: "d", e2e_ms: 90, error: "TimeoutError" }),
      makeRecord({ item_id: "a", e2e_ms: 120, action: "tag" }),
      makeRecord({ item_id: "w", e2e_ms: 10, warmup: true }),
    ];
    const s = summarizeRun({ runId: "r", records, wallS: 2, complete: true, slo: { e2eMs: 150 } });
    // a, b and the tag answer meet 150 ms; c is too slow, d failed, the warm-up is not counted.
    expect(s.goodput).toEqual({ met: 3, share: 3 / 5, per_s: 1.5 });
    expect(s.groups.map((g) => g.goodput.share)).toEqual([2 / 4, 1]);
  });
});
