/**
 * `simulate --reproduce-seed`: the seed's cost arithmetic (hybrid-llm-architecture-index.md) with every
 * input stated, recomputed, and each claim marked holds / fails / inconsistent against the arithmetic,
 * the price table and the router config's budgets.
 */
import type { BudgetConfig } from "../router/config/schema.js";

/** The seed's figures, quoted. */
export const SEED = {
  source: "shared/seed/hybrid-llm-architecture-index.md",
  iterationsPerDay: 100,
  days: 30,
  pureApiUsd: 14_220,
  hybridUsd: 1_993,
  savings: { light: 0.87, medium: 0.86, heavy: 0.75 },
  averageSavingsClaim: 0.75,
  /** "Cost: $2.5-3.0 per 1M tokens" for the API tier. */
  usdPerMillion: [2.5, 3.0] as [number, number],
  latencyMs: { LOCAL_FAST: [50, 200], LOCAL_QUALITY: [200, 2000], API_FALLBACK: [1000, 5000] } as Record<string, [number, number]>,
  week: { maxCostUsd: 5, minSavings: 0.7, maxMeanLatencyMs: 500, minPassRate: 0.95, minLocalShare: 0.6 },
  month: { maxCostUsd: 20, minSavings: 0.75 },
};

export type Verdict = "holds" | "fails" | "inconsistent";

export interface SeedFinding {
  id: string;
  claim: string;
  arithmetic: string;
  verdict: Verdict;
  detail: string;
}

export interface ApiPrice {
  model: string;
  /** USD per token. */
  input: number;
  output: number;
  maxInputTokens?: number;
}

export interface SeedReproduction {
  version: 1;
  kind: "tierlab.seed-reproduction";
  source: string;
  stated_inputs: typeof SEED;
  derived: Record<string, number>;
  findings: SeedFinding[];
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const pct = (x: number) => `${r2(x * 100)} %`;
const usd = (x: number) => `$${x.toLocaleString("en-US", { maximumFractionDigits: 2 })}`;
const int = (x: number) => Math.round(x).toLocaleString("en-US");
const span = (xs: number[]) => {
  const lo = r2(Math.min(...xs)), hi = r2(Math.max(...xs));
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
};

export function reproduceSeed(args: { prices: ApiPrice[]; budgets: BudgetConfig[]; callsPerIteration: number }): SeedReproduction {
  const s = SEED;
  const iterations = s.iterationsPerDay * s.days;
  const perIteration = s.pureApiUsd / iterations;
  const [pLo, pHi] = s.usdPerMillion;
  const tokLo = (perIteration / pHi) * 1e6, tokHi = (perIteration / pLo) * 1e6;
  const perCallLo = tokLo / args.callsPerIteration;
  const ratio = s.hybridUsd / s.pureApiUsd;
  const savings = 1 - ratio;
  const mean3 = (s.savings.light + s.savings.medium + s.savings.heavy) / 3;
  const hybridPerDay = s.hybridUsd / s.days;
  const hybridPerWeek = hybridPerDay * 7;
  const findings: SeedFinding[] = [];

  const minCtx = Math.min(...args.prices.map((p) => p.maxInputTokens ?? Infinity));
  findings.push({
    id: "pure_api_total", claim: "Pure API: $14,220 for 100 iterations/day over 30 days",
    arithmetic: `${s.iterationsPerDay} × ${s.days} = ${int(iterations)} iterations; ${usd(s.pureApiUsd)} / ${int(iterations)} = ${usd(perIteration)} per iteration; at $${pLo}-${pHi} per 1M tokens that is ${int(tokLo)}-${int(tokHi)} tokens per iteration`,
    verdict: perCallLo > 100_000 ? "inconsistent" : "holds",
    detail: `with ${args.callsPerIteration} calls per iteration (the medium profile) every call would carry ≥ ${int(perCallLo)} tokens${Number.isFinite(minCtx) ? ` (the smallest API context in the price table is ${int(minCtx)})` : ""}; the action table caps outputs at ≤ 512 tokens, so these would be near-full-context prompts on every call`,
  });
  findings.push({
    id: "hybrid_total", claim: "Hybrid: $1,993, savings $12,227 (86 %)",
    arithmetic: `${usd(s.pureApiUsd)} − ${usd(s.hybridUsd)} = ${usd(s.pureApiUsd - s.hybridUsd)}; 1 − ${s.hybridUsd}/${s.pureApiUsd} = ${pct(savings)}`,
    verdict: Math.abs(savings - s.savings.medium) < 0.005 && s.pureApiUsd - s.hybridUsd === 12_227 ? "holds" : "inconsistent",
    detail: `the hybrid still sends ${pct(ratio)} of the pure-API spend to the API: with free local calls, ${pct(ratio)} of the (cost-weighted) traffic escalates; 86 % is the seed's MEDIUM figure, so 100 iterations/day is its medium profile`,
  });
  findings.push({
    id: "average_savings", claim: "Average: 75 % savings vs pure API",
    arithmetic: `mean of light/medium/heavy = (87 + 86 + 75) / 3 = ${r2(mean3 * 100)} %`,
    verdict: Math.abs(mean3 - s.averageSavingsClaim) < 0.005 ? "holds" : "inconsistent",
    detail: "75 % is the heavy (worst) figure, not the average",
  });
  const inRange = args.prices.map((p) => p.input * 1e6), outRange = args.prices.map((p) => p.output * 1e6);
  const outsideOut = outRange.some((x) => x < pLo || x > pHi);
  findings.push({
    id: "api_price", claim: "API tier: $2.5-3.0 per 1M tokens",
    arithmetic: `price table: input ${args.prices.map((p) => `${p.model} $${r2(p.input * 1e6)}`).join(", ")}; output ${args.prices.map((p) => `${p.model} $${r2(p.output * 1e6)}`).join(", ")} per 1M tokens`,
    verdict: outsideOut ? "inconsistent" : "holds",
    detail: `the range matches input prices only (${span(inRange)} $/M); output tokens cost ${span(outRange)} $/M, ${span(args.prices.map((p) => p.output / p.input))}× the input price. At the seed's date Claude Sonnet listed $3/$15 and GPT-4o $2.5/$10 per 1M input/output tokens`,
  });
  findings.push({
    id: "week_cost_target", claim: "After 1 week: cost < $5/week",
    arithmetic: `hybrid ${usd(s.hybridUsd)} / ${s.days} days × 7 = ${usd(hybridPerWeek)} per week = ${r2(hybridPerWeek / s.week.maxCostUsd)}× the target`,
    verdict: "inconsistent", detail: "the seed's own hybrid figure misses its weekly cost target by two orders of magnitude",
  });
  findings.push({
    id: "month_cost_target", claim: "After 1 month: cost < $20/month",
    arithmetic: `${usd(s.hybridUsd)} / $${s.month.maxCostUsd} = ${r2(s.hybridUsd / s.month.maxCostUsd)}×`,
    verdict: "inconsistent", detail: "the seed's hybrid month costs ~100× its monthly target; the targets fit ~1 % of the stated volume",
  });
  const global = args.budgets.filter((b) => b.scope === "global");
  for (const b of global) {
    const periodDays = b.period === "day" ? 1 : b.period === "week" ? 7 : 30;
    const spend = hybridPerDay * periodDays;
    findings.push({
      id: `budget_${b.period}`, claim: `Router budget: $${b.limit_usd} per ${b.period} (config), "no budget overruns"`,
      arithmetic: `seed hybrid spend per ${b.period} = ${usd(spend)} = ${r2(spend / b.limit_usd)}× the limit`,
      verdict: spend > b.limit_usd ? "fails" : "holds",
      detail: spend > b.limit_usd ? `at the seed's volume every ${b.period} overruns; with on_exceed: ${b.on_exceed} the router would ${b.on_exceed === "degrade" ? "serve the rest locally at lower quality" : "refuse"}` : "within the limit",
    });
  }
  const day = global.find((b) => b.period === "day"), month = global.find((b) => b.period === "month");
  if (day && month) {
    findings.push({
      id: "budget_consistency", claim: `Budgets $${day.limit_usd}/day and $${month.limit_usd}/month`,
      arithmetic: `$${day.limit_usd} × 30 = $${day.limit_usd * 30} per month allowed by the daily limit vs $${month.limit_usd}`,
      verdict: day.limit_usd * 30 > month.limit_usd * 1.5 ? "inconsistent" : "holds",
      detail: "the daily limit allows several times the monthly one: the month binds after a few full days",
    });
  }
  // Latency: every request except orchestration starts on a local tier; escalated ones pay both.
  const mid = (t: string) => (SEED.latencyMs[t]![0] + SEED.latencyMs[t]![1]) / 2;
  const apiShare = ratio;
  const meanLat = mid("LOCAL_FAST") + apiShare * mid("API_FALLBACK");
  findings.push({
    id: "latency_target", claim: "Latency < 500 ms average",
    arithmetic: `at range midpoints: every request pays ≥ LOCAL_FAST ${mid("LOCAL_FAST")} ms, and the ≥ ${pct(apiShare)} that reach the API add ${mid("API_FALLBACK")} ms: ≥ ${Math.round(meanLat)} ms`,
    verdict: meanLat > s.week.maxMeanLatencyMs ? "inconsistent" : "holds",
    detail: "the seed's own latency ranges and escalation share put the mean above 500 ms before any LOCAL_QUALITY time (200-2000 ms) is counted",
  });
  findings.push({
    id: "savings_targets", claim: "Savings > 70 % after a week, > 75 % after a month",
    arithmetic: `light ${pct(s.savings.light)}, medium ${pct(s.savings.medium)}, heavy ${pct(s.savings.heavy)}`,
    verdict: s.savings.heavy > s.month.minSavings ? "holds" : "fails",
    detail: "the heavy profile's 75 % is not above 75 %: the month target fails for the seed's own heavy users",
  });
  findings.push({
    id: "local_share", claim: "Local calls > 60 %",
    arithmetic: `86 % savings with free local calls needs ≥ ${pct(savings)} of the cost-weighted traffic served locally`,
    verdict: savings > s.week.minLocalShare ? "holds" : "fails",
    detail: "consistent with the savings claim (if the local share were below 60 %, savings could not reach 86 % unless local-served calls were the expensive ones)",
  });
  return {
    version: 1, kind: "tierlab.seed-reproduction", source: s.source, stated_inputs: s,
    derived: {
      iterations: iterations, usd_per_iteration: r4(perIteration), tokens_per_iteration_low: Math.round(tokLo), tokens_per_iteration_high: Math.round(tokHi),
      tokens_per_call_low: Math.round(perCallLo), hybrid_share_of_api_spend: r4(ratio), savings: r4(savings), mean_of_profile_savings: r4(mean3),
      hybrid_usd_per_day: r2(hybridPerDay), hybrid_usd_per_week: r2(hybridPerWeek),
    },
    findings,
  };
}

export function formatSeedReproduction(r: SeedReproduction): string {
  const lines = [`The seed's cost arithmetic, recomputed (${r.source})`, ""];
  for (const f of r.findings) {
    lines.push(`[${f.verdict.toUpperCase()}] ${f.claim}`, `    ${f.arithmetic}`, `    ${f.detail}`);
  }
  const counts = (v: Verdict) => r.findings.filter((f) => f.verdict === v).length;
  lines.push("", `${counts("holds")} hold, ${counts("fails")} fail, ${counts("inconsistent")} inconsistent with the arithmetic`);
  return lines.join("\n") + "\n";
}
