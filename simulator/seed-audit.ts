/**
 * The seed's claims that its cost arithmetic does not reach: tier speeds, "local cost $0", the model
 * count, the line total, the confidence target against the threshold, and "production ready, tested".
 * Each gets a verdict from seed-verdict.ts, with what would settle it when nothing here can.
 */
import { localUsdPerSecond } from "../router/config/prices.js";
import type { LocalCostConfig } from "../router/config/schema.js";
import { SEED } from "./seed-figures.js";
import type { SeedFinding, SeedVerdict } from "./seed-verdict.js";

/** A tier's end-to-end latency from a bench run, and whether those models are the seed's. */
export interface MeasuredTierLatency {
  tier: string;
  p50: number;
  p95: number;
  n: number;
  /** "measured" on the seed's models; "stand-in" models (the embedded engine); "replayed" timings are modelled. */
  source: "measured" | "stand-in" | "replayed";
}

export interface AuditInputs {
  localCost?: LocalCostConfig | undefined;
  measuredLatency?: MeasuredTierLatency[];
}

const fmt = (x: number, d = 0) => x.toFixed(d);

export function auditSeed(args: AuditInputs, earlier: readonly SeedFinding[]): SeedFinding[] {
  const s = SEED;
  const out: SeedFinding[] = [];
  for (const [tier, [lo, hi]] of Object.entries(s.latencyMs)) {
    const m = args.measuredLatency?.find((x) => x.tier === tier);
    const inside = m ? m.p50 >= lo && m.p50 <= hi : false;
    const verdict: SeedVerdict = !m || m.source !== "measured" ? "not_checked" : inside ? "holds" : "fails";
    out.push({
      id: `speed_${tier}`,
      claim: `${tier} speed: ${lo}-${hi} ms`,
      arithmetic: m
        ? `bench ${m.source === "measured" ? "measured" : m.source === "stand-in" ? "measured on stand-in models" : "replayed (modelled timings)"}: e2e p50 ${fmt(m.p50, 1)} ms, p95 ${fmt(m.p95, 1)} ms over ${m.n} answers`
        : "no bench run of this tier",
      verdict,
      detail:
        verdict === "not_checked"
          ? m
            ? `${m.source === "stand-in" ? "the stand-in models are not the seed's, so their speed says nothing about phi3, llama3 or mixtral" : "replayed latencies are a model of the hardware, not a measurement"}; bench the seed's models to check it`
            : "bench this tier's models (`bench run --tier`) to check it"
          : inside
            ? "the measured median is inside the seed's range"
            : `the measured median is ${m!.p50 < lo ? "below" : "above"} the seed's range`,
    });
  }
  const perBusyHour = localUsdPerSecond(args.localCost) * 3600;
  const c = args.localCost;
  out.push({
    id: "local_cost",
    claim: "Local tiers: cost $0",
    arithmetic: c
      ? `marginal token cost $0 (no per-token bill); all-in: ($${c.gpu_usd_per_hour}/h hardware + ${c.watts} W × $${c.usd_per_kwh}/kWh) / ${c.utilisation} utilisation = $${perBusyHour.toFixed(3)} per busy hour`
      : "marginal token cost $0; no local_cost in the config to price hardware and power",
    verdict: perBusyHour > 0 ? "implausible" : "not_checked",
    ...(perBusyHour > 0 && c
      ? { assuming: `${c.watts} W at $${c.usd_per_kwh}/kWh and ${Math.round(c.utilisation * 100)} % utilisation (config local_cost)` }
      : {}),
    detail:
      perBusyHour > 0
        ? "$0 holds only at the margin: power and hardware cost something whenever the local tiers work; the simulator adds it to the hybrid's cost"
        : "set local_cost in the router config (GPU $/hour, watts, $/kWh, utilisation) to check the all-in figure",
  });
  out.push({
    id: "model_configurations",
    claim: `"${s.modelConfigurationsClaim} model configurations"`,
    arithmetic: `Key Concepts list ${s.modelsListed.length}: ${s.modelsListed.join(", ")}`,
    verdict: s.modelsListed.length === s.modelConfigurationsClaim ? "holds" : "inconsistent",
    detail: `the changelog's count and the tiers' model lists disagree (${s.modelConfigurationsClaim} vs ${s.modelsListed.length}); the files that might list the other ${s.modelConfigurationsClaim - s.modelsListed.length} are not available`,
  });
  const total = Object.values(s.fileLines).reduce((t, x) => t + x, 0);
  out.push({
    id: "total_lines",
    claim: `"Total: ${s.totalLinesClaim.toLocaleString("en-US")} lines of code and documentation"`,
    arithmetic: `${Object.values(s.fileLines).join(" + ")} = ${total.toLocaleString("en-US")}`,
    verdict: total === s.totalLinesClaim ? "holds" : "inconsistent",
    detail: "the File Summary's sizes add up to the stated total",
  });
  out.push({
    id: "threshold_vs_confidence",
    claim: `Threshold ${s.threshold} vs "quality confidence > ${s.month.minMeanConfidence}"`,
    arithmetic: `an answer is kept at confidence ≥ ${s.threshold}; the month target asks the mean to exceed ${s.month.minMeanConfidence}, so kept answers must average ${fmt((s.month.minMeanConfidence - s.threshold) * 100)} points above the bar they had to clear`,
    verdict: "not_checked",
    detail:
      "the two are compatible but the seed gives no confidence distribution to say whether both hold; the simulation scores the target from bench confidences when a bench run is given (a prior otherwise)",
  });
  const contradictions = earlier.filter((f) => f.verdict === "inconsistent").length + out.filter((f) => f.verdict === "inconsistent").length;
  out.push({
    id: "production_ready",
    claim: `"Status: ${s.status}", "Tested: ${s.tested}"`,
    arithmetic: `no test results are given; ${contradictions} of the seed's own figures contradict one another (the inconsistent findings above)`,
    verdict: "not_checked",
    detail: "readiness cannot be checked from an index page; running the simulations it names would have shown the contradictions",
  });
  return out;
}
