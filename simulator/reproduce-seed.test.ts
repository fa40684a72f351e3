import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRouterConfig } from "../router/config/load.js";
import { REPO_ROOT } from "../test-support/models.js";
import { loadUsageProfiles } from "./profiles.js";
import { formatSeedReproduction, reproduceSeed, type SeedArgs } from "./reproduce-seed.js";
import { profileCaps, seedArgsFromConfig } from "./seed-inputs.js";
import { verdictText } from "./seed-verdict.js";

const prices = [
  { model: "claude-sonnet", input: 3e-6, output: 1.5e-5, maxInputTokens: 200_000 },
  { model: "gpt-4o", input: 2.5e-6, output: 1e-5, maxInputTokens: 128_000 },
];
const seedBudgets = [
  { scope: "global" as const, period: "week" as const, limit_usd: 5, on_exceed: "degrade" as const },
  { scope: "global" as const, period: "month" as const, limit_usd: 20, on_exceed: "degrade" as const },
];
const localCost = { gpu_usd_per_hour: 0, watts: 350, usd_per_kwh: 0.15, utilisation: 0.25 };
const args = (over: Partial<SeedArgs> = {}): SeedArgs => ({ prices, budgets: seedBudgets, callsPerIteration: 8, caps: [], threshold: 0.7, localCost, ...over });

describe("--reproduce-seed", () => {
  const r = reproduceSeed(args());
  const f = (id: string) => {
    const x = r.findings.find((y) => y.id === id);
    if (!x) throw new Error(`no finding ${id}`);
    return x;
  };

  it("recomputes the seed's arithmetic", () => {
    expect(r.derived.iterations).toBe(3000);
    expect(r.derived.usd_per_iteration).toBe(4.74);
    expect(r.derived.tokens_per_iteration_low).toBe(1_580_000); // $4.74 at $3.0/M
    expect(r.derived.tokens_per_iteration_high).toBe(1_896_000); // $4.74 at $2.5/M
    expect(r.derived.savings).toBeCloseTo(0.8598, 4); // 1 − 1993/14220
    expect(r.derived.mean_of_profile_savings).toBeCloseTo(0.8267, 4); // (87 + 86 + 75) / 3
    expect(r.derived.hybrid_usd_per_week).toBeCloseTo(465.03, 2);
    expect(r.derived.week_target_per_month_usd).toBe(21.43); // $5 × 30 / 7
  });

  it("uses each verdict for what it means: the seed contradicting itself, an outside fact, our assumption, nothing to check", () => {
    expect(f("hybrid_total").verdict).toBe("holds");
    expect(f("average_savings").verdict).toBe("inconsistent");
    // A published price list is an outside fact.
    expect(f("api_price").verdict).toBe("fails");
    expect(f("api_price").detail).toContain("matches input prices only");
    expect(f("week_cost_target").verdict).toBe("inconsistent");
    expect(f("week_cost_target").arithmetic).toContain("93.01×");
    expect(f("month_cost_target").arithmetic).toContain("99.65×");
    expect(f("week_vs_month_target")).toMatchObject({ verdict: "inconsistent", arithmetic: "$5/week × 30/7 = $21.43 per month > $20" });
    // 8 calls per iteration is ours, not the seed's.
    expect(verdictText(f("pure_api_total"))).toBe("implausible, assuming 8 calls per iteration");
    expect(f("savings_week_target").verdict).toBe("holds");
    expect(f("savings_month_target").verdict).toBe("inconsistent");
    expect(f("local_share").verdict).toBe("holds");
  });

  it("bounds the mean latency by the ends of the seed's ranges, not their midpoints", () => {
    const lat = f("latency_target");
    expect(lat.arithmetic).toContain("= 190 ms");
    expect(lat.arithmetic).toContain("= 901 ms");
    expect(lat.verdict).toBe("not_checked");
    expect(lat.detail).toContain("straddles 500 ms");
  });

  it("audits the claims the cost arithmetic skipped", () => {
    expect(f("model_configurations")).toMatchObject({ verdict: "inconsistent", arithmetic: expect.stringContaining("list 6: Phi-3 Mini") });
    expect(f("total_lines").verdict).toBe("holds");
    expect(verdictText(f("local_cost"))).toBe("implausible, assuming 350 W at $0.15/kWh and 25 % utilisation (config local_cost)");
    expect(f("local_cost").arithmetic).toContain("$0.210 per busy hour");
    expect(f("threshold_vs_confidence").verdict).toBe("not_checked");
    expect(f("production_ready").verdict).toBe("not_checked");
    for (const t of ["LOCAL_FAST", "LOCAL_QUALITY", "API_FALLBACK"]) expect(f(`speed_${t}`).verdict).toBe("not_checked");
    const measured = reproduceSeed(
      args({
        measuredLatency: [
          { tier: "LOCAL_FAST", p50: 120, p95: 180, n: 40, source: "measured" },
          { tier: "LOCAL_QUALITY", p50: 2600, p95: 4000, n: 40, source: "measured" },
          { tier: "API_FALLBACK", p50: 900, p95: 1200, n: 40, source: "stand-in" },
        ],
      }),
    );
    const m = (id: string) => measured.findings.find((x) => x.id === id)!.verdict;
    expect([m("speed_LOCAL_FAST"), m("speed_LOCAL_QUALITY"), m("speed_API_FALLBACK")]).toEqual(["holds", "fails", "not_checked"]);
  });

  it("states the cap the assumed mix puts on savings: orchestration alone caps heavy at 55.8 %", () => {
    const config = loadRouterConfig(join(REPO_ROOT, "config/router.yaml"), { calibration: false });
    const profiles = loadUsageProfiles(join(REPO_ROOT, "config/usage-profiles.yaml"));
    const caps = profileCaps(config, profiles);
    expect(caps.find((c) => c.profile === "heavy")!.cap).toBeCloseTo(0.558, 3);
    const full = reproduceSeed(seedArgsFromConfig({ config, profiles }));
    const heavy = full.findings.find((x) => x.id === "savings_cap_heavy")!;
    expect(verdictText(heavy)).toBe("fails under the assumed mix");
    expect(heavy.arithmetic).toMatch(/orchestration is 12 % of calls but 44\.24 % of the pure-API cost; savings ≤ 1 − that = 55\.76 %/);
    for (const p of ["light", "medium"]) expect(full.findings.find((x) => x.id === `savings_cap_${p}`)!.verdict).toBe("fails");
    // More orchestration lowers the cap further: the mix is a sensitivity of the verdict.
    expect(profileCaps(config, profiles, 1.5).find((c) => c.profile === "heavy")!.cap).toBeLessThan(0.558);
  });

  it("reports the config apart from the seed: the config's budgets match the seed's $5/week and $20/month", () => {
    expect(r.findings.some((x) => x.id.startsWith("config_"))).toBe(false);
    const c = (id: string) => r.config_findings.find((x) => x.id === id)!;
    expect(c("config_budget_week").verdict).toBe("holds");
    expect(c("config_budget_month").verdict).toBe("holds");
    expect(c("config_threshold").verdict).toBe("holds");
    // A $5/day config is tierlab's mistake, reported as such; the seed's findings do not change.
    const daily = reproduceSeed(args({ budgets: [{ scope: "global", period: "day", limit_usd: 5, on_exceed: "degrade" }, seedBudgets[1]!] }));
    expect(daily.config_findings.find((x) => x.id === "config_budget_week")!.verdict).toBe("fails");
    expect(daily.config_findings.find((x) => x.id === "config_budget_day")!.detail).toContain("the seed's targets are $5/week and $20/month");
    expect(daily.findings).toEqual(r.findings);
    // The shipped config follows the seed.
    const shipped = loadRouterConfig(join(REPO_ROOT, "config/router.yaml"), { calibration: false });
    expect(shipped.data.budgets.filter((b) => b.scope === "global").map((b) => [b.period, b.limit_usd])).toEqual([
      ["week", 5],
      ["month", 20],
    ]);
  });

  it("an output price inside the seed's range would make the price claim hold", () => {
    const flat = reproduceSeed(args({ prices: [{ model: "flat", input: 2.5e-6, output: 3e-6 }] }));
    expect(flat.findings.find((x) => x.id === "api_price")!.verdict).toBe("holds");
  });

  it("formats one block per claim, a tally, and the config findings apart", () => {
    const text = formatSeedReproduction(r);
    expect(text).toContain("[INCONSISTENT] Average: 75 % savings vs pure API");
    expect(text).toContain("[IMPLAUSIBLE, ASSUMING 8 CALLS PER ITERATION] Pure API");
    expect(text).toMatch(/\d+ hold, \d+ inconsistent, \d+ fail, \d+ implausible under a stated assumption, \d+ not checked/);
    expect(text.indexOf("tierlab's config against the seed")).toBeLessThan(text.indexOf("Config budget per week"));
  });
});
