/**
 * `simulate --reproduce-seed`: the seed's arithmetic (hybrid-llm-architecture-index.md) with every input
 * stated, recomputed, and each claim given a verdict from seed-verdict.ts. Findings about the seed are
 * kept apart from findings about tierlab's own config (config-findings.ts): a config that differs from
 * the seed is tierlab's to fix, not the seed's fault. The claims the cost arithmetic does not reach
 * (speeds, local cost, model count, status) are audited in seed-audit.ts.
 */
import type { BudgetConfig } from "../router/config/schema.js";
import { configFindings } from "./config-findings.js";
import type { SavingsCap } from "./savings-cap.js";
import { auditSeed, type AuditInputs } from "./seed-audit.js";
import { SEED } from "./seed-figures.js";
import { verdictText, type SeedFinding, type SeedVerdict } from "./seed-verdict.js";

export { SEED } from "./seed-figures.js";

export type { SeedFinding, SeedVerdict } from "./seed-verdict.js";

export interface ApiPrice {
  model: string;
  /** USD per token. */
  input: number;
  output: number;
  maxInputTokens?: number;
}

export interface SeedReproduction {
  /** 2: verdicts implausible / not_checked, `assuming`, config findings apart. */
  version: 2;
  kind: "tierlab.seed-reproduction";
  source: string;
  stated_inputs: typeof SEED;
  derived: Record<string, number>;
  /** About the seed's own claims. */
  findings: SeedFinding[];
  /** About tierlab's config measured against the seed: where they differ, the config is what to fix. */
  config_findings: SeedFinding[];
}

export interface SeedArgs extends AuditInputs {
  prices: ApiPrice[];
  budgets: BudgetConfig[];
  /** Our assumption (the medium profile's); the seed gives none. */
  callsPerIteration: number;
  /** Per profile, what the assumed action mix lets the hybrid save at most. */
  caps: SavingsCap[];
  /** The config's default threshold. */
  threshold: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const pct = (x: number) => `${r2(x * 100)} %`;
const usd = (x: number) => `$${x.toLocaleString("en-US", { maximumFractionDigits: 2 })}`;
const int = (x: number) => Math.round(x).toLocaleString("en-US");
const span = (xs: number[]) => {
  const lo = r2(Math.min(...xs)),
    hi = r2(Math.max(...xs));
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
};

export function reproduceSeed(args: SeedArgs): SeedReproduction {
  const s = SEED;
  const iterations = s.iterationsPerDay * s.days;
  const perIteration = s.pureApiUsd / iterations;
  const [pLo, pHi] = s.usdPerMillion;
  const tokLo = (perIteration / pHi) * 1e6,
    tokHi = (perIteration / pLo) * 1e6;
  const perCallLo = tokLo / args.callsPerIteration;
  const ratio = s.hybridUsd / s.pureApiUsd;
  const savings = 1 - ratio;
  const mean3 = (s.savings.light + s.savings.medium + s.savings.heavy) / 3;
  const hybridPerDay = s.hybridUsd / s.days;
  const hybridPerWeek = hybridPerDay * 7;
  const weekTargetPerMonth = (s.week.maxCostUsd * 30) / 7;
  const findings: SeedFinding[] = [];

  const minCtx = Math.min(...args.prices.map((p) => p.maxInputTokens ?? Infinity));
  findings.push({
    id: "pure_api_total",
    claim: "Pure API: $14,220 for 100 iterations/day over 30 days",
    arithmetic: `${s.iterationsPerDay} × ${s.days} = ${int(iterations)} iterations; ${usd(s.pureApiUsd)} / ${int(iterations)} = ${usd(perIteration)} per iteration; at $${pLo}-${pHi} per 1M tokens that is ${int(tokLo)}-${int(tokHi)} tokens per iteration`,
    verdict: perCallLo > 100_000 ? "implausible" : "holds",
    ...(perCallLo > 100_000 ? { assuming: `${args.callsPerIteration} calls per iteration` } : {}),
    detail: `the seed gives no calls per iteration; with ${args.callsPerIteration} (our medium profile's) every call would carry ≥ ${int(perCallLo)} tokens${Number.isFinite(minCtx) ? ` (the smallest API context in the price table is ${int(minCtx)})` : ""}; the action table caps outputs at ≤ 512 tokens, so these would be near-full-context prompts on every call. With fewer, larger calls the figure could stand`,
  });
  findings.push({
    id: "hybrid_total",
    claim: "Hybrid: $1,993, savings $12,227 (86 %)",
    arithmetic: `${usd(s.pureApiUsd)} − ${usd(s.hybridUsd)} = ${usd(s.pureApiUsd - s.hybridUsd)}; 1 − ${s.hybridUsd}/${s.pureApiUsd} = ${pct(savings)}`,
    verdict: Math.abs(savings - s.savings.medium) < 0.005 && s.pureApiUsd - s.hybridUsd === 12_227 ? "holds" : "inconsistent",
    detail: `the hybrid still sends ${pct(ratio)} of the pure-API spend to the API: with free local calls, ${pct(ratio)} of the (cost-weighted) traffic escalates; 86 % is the seed's MEDIUM figure, so 100 iterations/day is its medium profile`,
  });
  findings.push({
    id: "average_savings",
    claim: "Average: 75 % savings vs pure API",
    arithmetic: `mean of light/medium/heavy = (87 + 86 + 75) / 3 = ${r2(mean3 * 100)} %`,
    verdict: Math.abs(mean3 - s.averageSavingsClaim) < 0.005 ? "holds" : "inconsistent",
    detail: "75 % is the heavy (worst) figure, not the average of the seed's own three",
  });
  const inRange = args.prices.map((p) => p.input * 1e6),
    outRange = args.prices.map((p) => p.output * 1e6);
  const outsideOut = outRange.some((x) => x < pLo || x > pHi);
  findings.push({
    id: "api_price",
    claim: "API tier: $2.5-3.0 per 1M tokens",
    arithmetic: `price table: input ${args.prices.map((p) => `${p.model} $${r2(p.input * 1e6)}`).join(", ")}; output ${args.prices.map((p) => `${p.model} $${r2(p.output * 1e6)}`).join(", ")} per 1M tokens`,
    verdict: outsideOut ? "fails" : "holds",
    detail: `checked against published prices: the range matches input prices only (${span(inRange)} $/M); output tokens cost ${span(outRange)} $/M, ${span(args.prices.map((p) => p.output / p.input))}× the input price. At the seed's date Claude Sonnet listed $3/$15 and GPT-4o $2.5/$10 per 1M input/output tokens`,
  });
  findings.push({
    id: "week_cost_target",
    claim: "After 1 week: cost < $5/week",
    arithmetic: `hybrid ${usd(s.hybridUsd)} / ${s.days} days × 7 = ${usd(hybridPerWeek)} per week = ${r2(hybridPerWeek / s.week.maxCostUsd)}× the target`,
    verdict: hybridPerWeek > s.week.maxCostUsd ? "inconsistent" : "holds",
    detail: "the seed's own hybrid figure misses its weekly cost target by two orders of magnitude",
  });
  findings.push({
    id: "month_cost_target",
    claim: "After 1 month: cost < $20/month",
    arithmetic: `${usd(s.hybridUsd)} / $${s.month.maxCostUsd} = ${r2(s.hybridUsd / s.month.maxCostUsd)}×`,
    verdict: s.hybridUsd > s.month.maxCostUsd ? "inconsistent" : "holds",
    detail: "the seed's hybrid month costs ~100× its monthly target; the targets fit ~1 % of the stated volume",
  });
  findings.push({
    id: "week_vs_month_target",
    claim: "Cost < $5/week and < $20/month",
    arithmetic: `$${s.week.maxCostUsd}/week × 30/7 = ${usd(weekTargetPerMonth)} per month > $${s.month.maxCostUsd}`,
    verdict: weekTargetPerMonth > s.month.maxCostUsd ? "inconsistent" : "holds",
    detail: "a month that meets the weekly target every week can still miss the monthly one: the two targets disagree by 7 %",
  });
  // Bounds from the seed's own ranges: the ends of each range, never their midpoints.
  const [fLo, fHi] = s.latencyMs.LOCAL_FAST!,
    [aLo, aHi] = s.latencyMs.API_FALLBACK!;
  const latLo = fLo + ratio * aLo,
    latHi = fHi + ratio * aHi;
  const latVerdict: SeedVerdict = latLo > s.week.maxMeanLatencyMs ? "implausible" : "not_checked";
  findings.push({
    id: "latency_target",
    claim: "Latency < 500 ms average",
    arithmetic: `if every request starts on LOCAL_FAST (${fLo}-${fHi} ms) and ${pct(ratio)} of them also pay API_FALLBACK (${aLo}-${aHi} ms): mean between ${fLo} + ${pct(ratio)} × ${aLo} = ${int(latLo)} ms and ${fHi} + ${pct(ratio)} × ${aHi} = ${int(latHi)} ms, before any LOCAL_QUALITY time (200-2000 ms)`,
    verdict: latVerdict,
    ...(latVerdict === "implausible" ? { assuming: `the request share reaching the API equals its ${pct(ratio)} share of spend` } : {}),
    detail:
      latVerdict === "implausible"
        ? "even the fastest ends of the seed's ranges put the mean above 500 ms"
        : `the seed's ranges allow ${int(latLo)}-${int(latHi)} ms, which straddles 500 ms: its own numbers neither confirm nor contradict the target (the share reaching the API by request is our assumption; the simulation checks the target)`,
  });
  findings.push({
    id: "savings_week_target",
    claim: "Savings > 70 % after a week",
    arithmetic: `light ${pct(s.savings.light)}, medium ${pct(s.savings.medium)}, heavy ${pct(s.savings.heavy)}: all > 70 %`,
    verdict: Math.min(s.savings.light, s.savings.medium, s.savings.heavy) > s.week.minSavings ? "holds" : "inconsistent",
    detail: "consistent with the seed's own per-profile savings",
  });
  findings.push({
    id: "savings_month_target",
    claim: "Savings > 75 % after a month",
    arithmetic: `heavy ${pct(s.savings.heavy)} is not > 75 %`,
    verdict: s.savings.heavy > s.month.minSavings ? "holds" : "inconsistent",
    detail: "the seed's own heavy figure (75 %) misses its month target (> 75 %)",
  });
  findings.push({
    id: "local_share",
    claim: "Local calls > 60 %",
    arithmetic: `86 % savings with free local calls needs ≥ ${pct(savings)} of the cost-weighted traffic served locally`,
    verdict: savings > s.week.minLocalShare ? "holds" : "inconsistent",
    detail:
      "consistent with the savings claim (if the local share were below 60 %, savings could not reach 86 % unless local-served calls were the expensive ones)",
  });
  for (const cap of args.caps) {
    const claimed = (s.savings as Record<string, number>)[cap.profile];
    if (claimed === undefined) continue;
    const drivers = cap.paidFirst.map((p) => `${p.action} is ${pct(p.callShare)} of calls but ${pct(p.costShare)} of the pure-API cost`).join("; ");
    findings.push({
      id: `savings_cap_${cap.profile}`,
      claim: `${cap.profile[0]!.toUpperCase()}${cap.profile.slice(1)} usage: ${pct(claimed)} savings`,
      arithmetic: `actions starting on the paid tier cost the same either way: ${drivers || "none"}; savings ≤ 1 − that = ${pct(cap.cap)}`,
      verdict: claimed > cap.cap ? "fails" : "holds",
      ...(claimed > cap.cap ? { assuming: "the assumed mix" } : {}),
      detail:
        claimed > cap.cap
          ? `the ${cap.profile} mix in config/usage-profiles.yaml caps savings at ${pct(cap.cap)}, below the claimed ${pct(claimed)}, however good the local answers; a mix with fewer paid-first calls could allow it`
          : `the ${cap.profile} mix allows up to ${pct(cap.cap)}`,
    });
  }
  findings.push(...auditSeed(args, findings));
  return {
    version: 2,
    kind: "tierlab.seed-reproduction",
    source: s.source,
    stated_inputs: s,
    derived: {
      iterations,
      usd_per_iteration: r4(perIteration),
      tokens_per_iteration_low: Math.round(tokLo),
      tokens_per_iteration_high: Math.round(tokHi),
      tokens_per_call_low: Math.round(perCallLo),
      hybrid_share_of_api_spend: r4(ratio),
      savings: r4(savings),
      mean_of_profile_savings: r4(mean3),
      hybrid_usd_per_day: r2(hybridPerDay),
      hybrid_usd_per_week: r2(hybridPerWeek),
      week_target_per_month_usd: r2(weekTargetPerMonth),
      mean_latency_low_ms: Math.round(latLo),
      mean_latency_high_ms: Math.round(latHi),
    },
    findings,
    config_findings: configFindings({ budgets: args.budgets, threshold: args.threshold, hybridPerDay }),
  };
}

export function formatSeedReproduction(r: SeedReproduction): string {
  const lines = [`The seed's numbers, recomputed (${r.source})`, ""];
  const block = (f: SeedFinding) => lines.push(`[${verdictText(f).toUpperCase()}] ${f.claim}`, `    ${f.arithmetic}`, `    ${f.detail}`);
  r.findings.forEach(block);
  const counts = (v: SeedVerdict) => r.findings.filter((f) => f.verdict === v).length;
  lines.push(
    "",
    `${counts("holds")} hold, ${counts("inconsistent")} inconsistent, ${counts("fails")} fail, ${counts("implausible")} implausible under a stated assumption, ${counts("not_checked")} not checked`,
  );
  lines.push("", "tierlab's config against the seed (the config's to fix, not the seed's):", "");
  r.config_findings.forEach(block);
  return lines.join("\n") + "\n";
}
