import { describe, expect, it } from "vitest";
import { runGatewayPerf } from "./perf.js";

describe("runGatewayPerf", () => {
  it("measures both scenarios and reports finite latencies, the gateway path slower than the direct one", async () => {
    const items = await runGatewayPerf({ requests: 100, warmup: 20 });
    const byName = new Map(items.map((i) => [i.name, i]));
    const direct = byName.get("upstream direct p50")!.value;
    const via = byName.get("through the gateway p50 (OpenAIProvider upstream)")!.value;
    expect(direct).toBeGreaterThan(0);
    expect(via).toBeGreaterThan(direct);
    expect(items.filter((i) => i.target)).toHaveLength(2);
    for (const i of items) expect(Number.isFinite(i.value)).toBe(true);
    for (const i of items.filter((x) => x.target)) expect(i.ok).toBe(i.value <= 0.3);
  }, 60_000);
});
