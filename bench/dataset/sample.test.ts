import { describe, expect, it } from "vitest";
import { createRng } from "../../core/rng.js";
import { sampleIndices, sampleItems } from "./sample.js";

const items = Array.from({ length: 50 }, (_, i) => ({ id: `i${i}`, action: i % 5 === 0 ? "code" : "classify" }));

describe("sampleItems", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = sampleItems(items, { limit: 10, seed: 7 });
    expect(sampleItems(items, { limit: 10, seed: 7 })).toEqual(a);
    expect(sampleItems(items, { limit: 10, seed: 8 }).map((i) => i.id)).not.toEqual(a.map((i) => i.id));
    expect(new Set(a.map((i) => i.id)).size).toBe(10);
  });

  it("keeps file order, and a smaller limit is a subset of a larger one", () => {
    const small = sampleItems(items, { limit: 5, seed: 3 }).map((i) => Number(i.id.slice(1)));
    const large = sampleItems(items, { limit: 20, seed: 3 }).map((i) => Number(i.id.slice(1)));
    expect(small).toEqual([...small].sort((x, y) => x - y));
    expect(large.filter((i) => small.includes(i))).toEqual(small);
  });

  it("filters by action and returns everything when the limit covers the pool", () => {
    expect(sampleItems(items, { limit: 100, seed: 1, action: "code" }).map((i) => i.id)).toEqual([
      "i0",
      "i5",
      "i10",
      "i15",
      "i20",
      "i25",
      "i30",
      "i35",
      "i40",
      "i45",
    ]);
    expect(sampleItems(items, { seed: 1 })).toHaveLength(50);
    expect(sampleItems(items, { limit: 3, seed: 1, action: "code" }).every((i) => i.action === "code")).toBe(true);
    expect(sampleItems(items, { limit: 0, seed: 1 })).toEqual([]);
  });

  it("sampleIndices covers every index evenly over many seeds", () => {
    const counts = new Array<number>(10).fill(0);
    for (let s = 0; s < 2000; s++) for (const i of sampleIndices({ n: 10, k: 3, rng: createRng(s) })) counts[i]!++;
    for (const c of counts) expect(c).toBeGreaterThan(500); // 600 expected each
  });
});
