import { describe, expect, it } from "vitest";
import { runGatewayPerf } from "./perf.js";

describe("runGatewayPerf", () => {
  it("measures hop, TTFT and throughput next to the pass-through floor, with finite numbers and consistent verdicts", async () => {
    const rows = await runGatewayPerf({ requests: 60, warmup: 10, throughputRequests: 400, clientCostCalls: 50 });
    const byName = new Map(rows.map((r) => [r.name, r]));
    const get = (prefix: string) => rows.find((r) => r.name.startsWith(prefix))!;
    expect(get("upstream direct p50").value).toBeGreaterThan(0);
    expect(get("stream TTFT direct p50").value).toBeGreaterThanOrEqual(5);
    expect(get("gateway requests per CPU-second").value).toBeGreaterThan(0);
    for (const r of rows) expect(Number.isFinite(r.value), r.name).toBe(true);
    const goals = rows.filter((r) => r.target);
    expect(goals.map((r) => r.name.split(" (")[0])).toEqual(["gateway hop added p50", "stream TTFT added by the gateway p50", "gateway requests per CPU-second"]);
    for (const r of goals) expect(r.ok).toBe(r.target!.startsWith("≥") ? r.value >= Number(r.target!.replace(/[^\d.]/g, "")) : r.value <= Number(r.target!.replace(/[^\d.]/g, "")));
    expect(byName.size).toBe(rows.length);
  }, 300_000);
});
