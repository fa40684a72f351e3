/**
 * Every figure of the seed document, checked two ways: against the seed's own arithmetic and outside
 * facts (simulator/reproduce-seed.ts, seed-audit.ts) and against simulations of the three usage
 * profiles. Pure: reproduction + simulations in, one verdict per claim out, in the words of
 * simulator/seed-verdict.ts. A simulation runs on our assumed profiles, so a claim it rules out
 * "fails under the assumed mix" (savings) or is "implausible, assuming the profile" (the rest).
 */
import type { HeadlineStatus } from "../../reports/notebook.js";
import { SEED, type SeedFinding, type SeedReproduction } from "../../simulator/reproduce-seed.js";
import type { MetricResult, SimulationResults, WindowSummary } from "../../simulator/results.js";
import { VERDICT_RANK, verdictText, type SeedVerdict } from "../../simulator/seed-verdict.js";
import { likelihood, listing, pct, usd } from "./text.js";

export type SimVerdict = "holds" | "fails" | "uncertain";

export interface ClaimCheck {
  id: string;
  section: "savings" | "cost" | "price" | "week" | "month" | "other";
  claim: string;
  /** The simulated figure shown as the headline value, in `unit`, and what it is. */
  value: number | string;
  valueIs: string;
  unit?: string;
  digits?: number;
  arithmetic: { verdict: SeedVerdict; assuming?: string; text: string } | null;
  simulation: { verdict: SimVerdict; text: string } | null;
  /** What a simulation "fails" rests on: the assumption named in the verdict. */
  simAssumes: string;
  overall: HeadlineStatus;
  /** The verdict as the report prints it: "fails under the assumed mix", "not checked", ... */
  verdict: string;
}

/** The seed's own contradictions outrank everything; then outside facts; then what rests on our assumptions. */
export function overallVerdict(arith: ClaimCheck["arithmetic"], sim: ClaimCheck["simulation"], simAssumes: string): { status: HeadlineStatus; text: string } {
  if (arith?.verdict === "inconsistent") return { status: "inconsistent", text: "inconsistent" };
  if (arith?.verdict === "fails") return { status: "fails", text: verdictText(arith) };
  // The arithmetic's assumption is the narrower one ("8 calls per iteration"), so it names the verdict.
  if (arith?.verdict === "implausible") return { status: "implausible", text: verdictText(arith) };
  if (sim?.verdict === "fails") {
    return simAssumes === "the assumed mix"
      ? { status: "fails", text: "fails under the assumed mix" }
      : { status: "implausible", text: `implausible, assuming ${simAssumes}` };
  }
  if (sim?.verdict === "uncertain") return { status: "info", text: "uncertain" };
  if (sim?.verdict === "holds" || arith?.verdict === "holds") return { status: "holds", text: "holds" };
  return { status: "not_checked", text: "not checked" };
}

const windowOf = (s: SimulationResults): WindowSummary => s.month ?? s.horizon;
const inRange = (x: number, lo: number, hi: number) => x >= lo && x <= hi;

function arithmeticOf(rep: SeedReproduction, used: Set<string>, ...ids: string[]): ClaimCheck["arithmetic"] {
  const found = rep.findings.filter((f) => ids.includes(f.id));
  for (const f of found) used.add(f.id);
  if (found.length === 0) return null;
  const worst = found.reduce((w, f) => (VERDICT_RANK[f.verdict] > VERDICT_RANK[w.verdict] ? f : w));
  return {
    verdict: worst.verdict,
    ...(worst.assuming ? { assuming: worst.assuming } : {}),
    text: found.map((f) => `${f.arithmetic}; ${f.detail} (${verdictText(f)})`).join("\n"),
  };
}

function make(c: Omit<ClaimCheck, "overall" | "verdict">): ClaimCheck {
  const o = overallVerdict(c.arithmetic, c.simulation, c.simAssumes);
  return { ...c, overall: o.status, verdict: o.text };
}

const profileAssumption = (s: SimulationResults | undefined) =>
  `the ${s?.profile.name ?? "medium"} profile's volume, mix and token sizes${s?.files.bench ? "" : " and pass-rate priors"} (config/usage-profiles.yaml)`;

export function checkSeedClaims(rep: SeedReproduction, sims: readonly SimulationResults[]): ClaimCheck[] {
  const by = new Map(sims.map((s) => [s.profile.name, s]));
  const used = new Set<string>();
  const out: ClaimCheck[] = [];
  const claimed = SEED.savings as Record<string, number>;
  for (const name of Object.keys(claimed)) {
    const s = by.get(name);
    const sv = s ? windowOf(s).savings : undefined;
    out.push(
      make({
        id: `savings_${name}`,
        section: "savings",
        claim: `${cap(name)} usage: ${pct(claimed[name]!, 0)} savings`,
        value: sv ? sv.p50 * 100 : "not simulated",
        ...(sv ? { unit: "%", digits: 1 } : {}),
        valueIs: `simulated P50 savings of the ${name} profile`,
        arithmetic: arithmeticOf(rep, used, `savings_cap_${name}`, ...(name === "medium" ? ["hybrid_total"] : [])),
        simulation: sv
          ? {
              verdict: inRange(claimed[name]!, sv.p5, sv.p95) ? "holds" : "fails",
              text: `simulated ${name} over ${windowOf(s!).days} days: savings P5 ${pct(sv.p5)}, P50 ${pct(sv.p50)}, P95 ${pct(sv.p95)}; the claimed ${pct(claimed[name]!, 0)} is ${inRange(claimed[name]!, sv.p5, sv.p95) ? "inside" : "outside"} P5–P95`,
            }
          : null,
        simAssumes: "the assumed mix",
      }),
    );
  }
  const present = Object.keys(claimed)
    .map((n) => by.get(n))
    .filter((s): s is SimulationResults => s !== undefined);
  if (present.length) {
    const mean = (f: (w: WindowSummary) => number) => present.reduce((t, s) => t + f(windowOf(s)), 0) / present.length;
    const [lo, mid, hi] = [mean((w) => w.savings.p5), mean((w) => w.savings.p50), mean((w) => w.savings.p95)];
    out.push(
      make({
        id: "savings_average",
        section: "savings",
        claim: `Average: ${pct(SEED.averageSavingsClaim, 0)} savings vs pure API`,
        value: mid * 100,
        unit: "%",
        digits: 1,
        valueIs: "mean of the profiles' simulated P50 savings",
        arithmetic: arithmeticOf(rep, used, "average_savings"),
        simulation: {
          verdict: inRange(SEED.averageSavingsClaim, lo, hi) ? "holds" : "fails",
          text: `mean over ${listing(present.map((s) => s.profile.name))} of the simulated savings: P5 ${pct(lo)}, P50 ${pct(mid)}, P95 ${pct(hi)}`,
        },
        simAssumes: "the assumed mix",
      }),
    );
  }
  const medium = by.get("medium");
  const cost = ({ id, claim, seedUsd, pick }: { id: string; claim: string; seedUsd: number; pick: (w: WindowSummary) => WindowSummary["api_cost_usd"] }) => {
    const q = medium ? pick(windowOf(medium)) : undefined;
    out.push(
      make({
        id,
        section: "cost",
        claim,
        value: q ? q.p50 : "not simulated",
        ...(q ? { unit: "USD", digits: 2 } : {}),
        valueIs: "simulated P50 of the same month, medium profile",
        arithmetic: arithmeticOf(rep, used, id),
        simulation: q
          ? {
              verdict: inRange(seedUsd, q.p5, q.p95) ? "holds" : "fails",
              text: `simulated medium month (${SEED.iterationsPerDay} iterations/day × ${medium!.profile.calls_per_iteration} calls): P5 ${usd(q.p5)}, P50 ${usd(q.p50)}, P95 ${usd(q.p95)}; the seed's ${usd(seedUsd)} is ${(seedUsd / q.p50).toFixed(0)}× the P50`,
            }
          : null,
        simAssumes: profileAssumption(medium),
      }),
    );
  };
  // The ids are reproduce-seed's finding ids, so each cost claim carries its own arithmetic.
  cost({
    id: "pure_api_total",
    claim: `Pure API: ${usd(SEED.pureApiUsd)} per month at ${SEED.iterationsPerDay} iterations/day`,
    seedUsd: SEED.pureApiUsd,
    pick: (w) => w.api_cost_usd,
  });
  cost({
    id: "hybrid_total",
    claim: `Hybrid: ${usd(SEED.hybridUsd)} per month, saving ${usd(SEED.pureApiUsd - SEED.hybridUsd)}`,
    seedUsd: SEED.hybridUsd,
    pick: (w) => w.hybrid_cost_usd,
  });
  out.push(
    make({
      id: "api_price",
      section: "price",
      claim: `API tier: $${SEED.usdPerMillion[0]}-${SEED.usdPerMillion[1]} per 1M tokens`,
      value: "see the price table",
      valueIs: "the API prices in the config's price table",
      arithmetic: arithmeticOf(rep, used, "api_price"),
      simulation: null,
      simAssumes: "",
    }),
  );
  out.push(...metricChecks(rep, sims, used));
  // Whatever the seed says that no claim above carried is still a claim: nothing is skipped.
  for (const f of rep.findings.filter((x) => !used.has(x.id))) out.push(standalone(f));
  return out;
}

function standalone(f: SeedFinding): ClaimCheck {
  return make({
    id: f.id,
    section: "other",
    claim: f.claim,
    value: verdictText(f),
    valueIs: "the seed's figures, recomputed",
    arithmetic: { verdict: f.verdict, ...(f.assuming ? { assuming: f.assuming } : {}), text: `${f.arithmetic}; ${f.detail}` },
    simulation: null,
    simAssumes: "",
  });
}

/** Which reproduce-seed findings speak to each success metric the simulator scores. */
const METRIC_FINDINGS: Record<string, string[]> = {
  week_cost: ["week_cost_target"],
  week_savings: ["savings_week_target"],
  week_latency: ["latency_target"],
  week_pass: [],
  week_local: ["local_share"],
  month_cost: ["month_cost_target"],
  month_savings: ["savings_month_target"],
  month_budget: [],
  month_confidence: [],
};

function metricChecks(rep: SeedReproduction, sims: readonly SimulationResults[], used: Set<string>): ClaimCheck[] {
  const reference = sims.find((s) => s.profile.name === "medium") ?? sims[0];
  if (!reference) return [];
  const metricsOf = (s: SimulationResults) => [...(s.success_metrics.week?.metrics ?? []), ...(s.success_metrics.month?.metrics ?? [])];
  return metricsOf(reference).map((m: MetricResult) => {
    const per = sims.map((s) => ({ name: s.profile.name, m: metricsOf(s).find((x) => x.id === m.id) }));
    const l = likelihood(m.probability);
    const week = m.id.startsWith("week");
    return make({
      id: m.id,
      section: week ? "week" : "month",
      claim: `After 1 ${week ? "week" : "month"}: ${m.label} ${m.target}`,
      value: m.probability === null ? "not computed" : m.probability * 100,
      ...(m.probability === null ? {} : { unit: "%", digits: 1 }),
      valueIs: `simulated probability that the metric holds, ${reference.profile.name} profile`,
      arithmetic: arithmeticOf(rep, used, ...(METRIC_FINDINGS[m.id] ?? [])),
      simulation:
        m.probability === null
          ? null
          : {
              verdict: l === "likely" ? "holds" : l === "unlikely" ? "fails" : "uncertain",
              text: `P(holds): ${per.map((p) => `${p.name} ${p.m?.probability === null || !p.m ? "n/a" : pct(p.m.probability)}`).join(", ")}${m.note ? ` (${m.note})` : ""}; the verdict uses ${reference.profile.name}, the seed's ${SEED.iterationsPerDay} iterations/day`,
            },
      simAssumes: m.id.endsWith("savings") ? "the assumed mix" : profileAssumption(reference),
    });
  });
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
