import { describe, expect, it } from "vitest";
import { formatSeedReproduction, reproduceSeed } from "./reproduce-seed.js";

const prices = [
  { model: "claude-sonnet", input: 3e-6, output: 1.5e-5, maxInputTokens: 200_000 },
  { model: "gpt-4o", input: 2.5e-6, output: 1e-5, maxInputTokens: 128_000 },
];
const budgets = [
  { scope: "global" as const, period: "day" as const, limit_usd: 5, on_exceed: "degrade" as const },
  { scope: "global" as const, period: "month" as const, limit_usd: 20, on_exceed: "degrade" as const },
];

describe("--reproduce-seed", () => {
  const r = reproduceSeed({ prices, budgets, callsPerIteration: 8 });
  const f = (id: string) => r.findings.find((x) => x.id === id)!;

  it("recomputes the seed's arithmetic", () => {
    expect(r.derived.iterations).toBe(3000);
    expect(r.derived.usd_per_iteration).toBe(4.74);
    expect(r.derived.tokens_per_iteration_low).toBe(1_580_000); // $4.74 at $3.0/M
    expect(r.derived.tokens_per_iteration_high).toBe(1_896_000); // $4.74 at $2.5/M
    expect(r.derived.savings).toBeCloseTo(0.8598, 4); // 1 − 1993/14220
    expect(r.derived.mean_of_profile_savings).toBeCloseTo(0.8267, 4); // (87 + 86 + 75) / 3
    expect(r.derived.hybrid_usd_per_week).toBeCloseTo(465.03, 2);
  });

  it("marks each claim", () => {
    expect(f("hybrid_total").verdict).toBe("holds");
    expect(f("average_savings").verdict).toBe("inconsistent");
    expect(f("api_price").verdict).toBe("inconsistent");
    expect(f("api_price").detail).toContain("matches input prices only");
    expect(f("week_cost_target").verdict).toBe("inconsistent");
    expect(f("week_cost_target").arithmetic).toContain("93.01×");
    expect(f("month_cost_target").arithmetic).toContain("99.65×");
    expect(f("budget_day").verdict).toBe("fails");
    expect(f("budget_consistency").verdict).toBe("inconsistent");
    expect(f("latency_target").verdict).toBe("inconsistent");
    expect(f("savings_targets").verdict).toBe("fails");
    expect(f("local_share").verdict).toBe("holds");
    expect(f("pure_api_total").verdict).toBe("inconsistent"); // ~197K tokens per call at 8 calls/iteration
  });

  it("an output price inside the seed's range would make the price claim hold", () => {
    const flat = reproduceSeed({ prices: [{ model: "flat", input: 2.5e-6, output: 3e-6 }], budgets, callsPerIteration: 8 });
    expect(flat.findings.find((x) => x.id === "api_price")!.verdict).toBe("holds");
  });

  it("formats one block per claim and a tally", () => {
    const text = formatSeedReproduction(r);
    expect(text).toContain("[INCONSISTENT] Average: 75 % savings vs pure API");
    expect(text).toMatch(/\d+ hold, \d+ fail, \d+ inconsistent/);
  });
});
