/**
 * The decision report's reasoning, as pure functions of its inputs: the bench evidence on local
 * answers, the recommendation, and what to change. Every rule is stated in the text it produces, so a
 * reader can redo it; nothing here is a judgement the report does not show.
 */
import type { BenchRecord } from "../../bench/contracts/bench-record.js";
import { wilsonInterval, type Interval } from "../../bench/stats/proportion.js";
import { quantile } from "../../bench/stats/quantile.js";
import { riskControlMinItems } from "../../bench/stats/thresholds.js";
import { CALIBRATE_DEFAULTS } from "../../bench/calibrate/calibrate.js";
import type { HeadlineStatus } from "../../reports/notebook.js";
import { SEED } from "../../simulator/reproduce-seed.js";
import { savingsCap, type SavingsCap } from "../../simulator/savings-cap.js";
import type { SimulationResults } from "../../simulator/results.js";
import type { DecisionInputs } from "./decision-pipeline.js";
import type { FrontierVerdict } from "./frontier-verdict.js";
import type { PolicyEntry } from "../../router/config/calibration.js";
import { likelihood, listing, ms, pct, usd } from "./text.js";

/** The seed's quality target ("quality pass > 95 %"), applied to answers the grader checked. */
export const QUALITY_TARGET = SEED.week.minPassRate;

export interface Rate {
  k: number;
  n: number;
  rate: number;
  ci: Interval;
}

export interface Evidence {
  localTiers: string[];
  /** Local answers the router's check accepted, and how many of them the grader found right. */
  accepted: Rate | null;
  /** Share of local answers the check accepted. */
  checkPassed: Rate | null;
  /** Per action and local tier: graded right, kept by the check, and right among the kept. */
  perAction: { action: string; tier: string; pass: Rate; kept: Rate; keptRight: Rate | null }[];
  e2eP95: { tier: string; ms: number }[];
  /** Where those latencies come from: `modelled` on replayed answers (the config's hardware profile). */
  latencySource: "measured" | "modelled" | "mixed";
  /** Answers were replayed from recordings (real models' answers, not produced here). */
  replayed: boolean;
  standIns: boolean;
  /** Paid tiers whose pass rates in the simulation are priors, not measurements. */
  priorTiers: string[];
  cpu: string | undefined;
}

const rate = (k: number, n: number): Rate | null => (n === 0 ? null : { k, n, rate: k / n, ci: wilsonInterval(k, n) });

export function gatherEvidence(inputs: DecisionInputs): Evidence {
  const sim = inputs.sim;
  const localTiers = sim.inputs.tiers.filter((t) => t.local).map((t) => t.name);
  const records = (inputs.run?.records ?? []).filter((r) => !r.warmup && r.error === null && localTiers.includes(r.tier));
  const accepted = records.filter((r) => r.quality_pass === true && r.grade !== null);
  const checked = records.filter((r) => r.quality_pass !== null);
  const perAction: Evidence["perAction"] = [];
  for (const key of [...new Set(records.map((r) => `${r.action}\u0000${r.tier}`))].sort()) {
    const [action, tier] = key.split("\u0000") as [string, string];
    const graded = records.filter((r) => r.action === action && r.tier === tier && r.grade !== null);
    const kept = graded.filter((r) => r.quality_pass === true);
    const p = rate(graded.filter((r) => r.grade!.pass).length, graded.length);
    if (p)
      perAction.push({
        action,
        tier,
        pass: p,
        kept: rate(kept.length, graded.length)!,
        keptRight: rate(kept.filter((r) => r.grade!.pass).length, kept.length),
      });
  }
  const e2eP95 = localTiers.flatMap((tier) => {
    const xs = records.filter((r) => r.tier === tier).map((r) => r.e2e_ms);
    return xs.length ? [{ tier, ms: quantile(xs, 0.95) }] : [];
  });
  const priorTiers = [
    ...new Set(
      sim.inputs.actions
        .flatMap((a) => a.chain)
        .filter((c) => !localTiers.includes(c.tier) && c.pass_source === "assumption")
        .map((c) => c.tier),
    ),
  ];
  const hw = inputs.run?.meta?.hardware;
  return {
    localTiers,
    accepted: rate(accepted.filter((r) => r.grade!.pass).length, accepted.length),
    checkPassed: rate(checked.filter((r) => r.quality_pass).length, checked.length),
    perAction,
    e2eP95,
    latencySource:
      records.every((r) => r.latency_source === "modelled") && records.length > 0
        ? "modelled"
        : records.some((r) => r.latency_source === "modelled")
          ? "mixed"
          : "measured",
    replayed: records.some((r) => r.latency_source === "modelled" && r.provider === "replay"),
    standIns: (inputs.run?.records ?? []).some((r: BenchRecord) => r.provider === "embedded"),
    priorTiers,
    cpu: hw
      ? `${String(hw.cpu_model ?? "unknown CPU")} × ${String(hw.cpu_count ?? "?")}${Array.isArray(hw.gpu) && hw.gpu.length ? `, ${hw.gpu.join(", ")}` : ", no GPU"}`
      : undefined,
  };
}

/**
 * What the simulated profile's action mix lets the hybrid save at most: actions starting on a paid tier
 * cost the same either way (simulator/savings-cap.ts), computed from the simulation's own inputs.
 */
export function mixCap(sim: SimulationResults, paidShareScale = 1): SavingsCap | null {
  const baseline = sim.inputs.tiers.find((t) => t.name === sim.inputs.baseline_tier);
  if (!baseline || baseline.input_usd_per_mtok === null || baseline.output_usd_per_mtok === null) return null;
  const local = new Set(sim.inputs.tiers.filter((t) => t.local).map((t) => t.name));
  const spec = (t: { median: number; log_sd: number }) => ({ median: t.median, log_sd: t.log_sd });
  return savingsCap({
    profile: sim.profile.name,
    mix: Object.fromEntries(sim.inputs.actions.map((a) => [a.name, a.share])),
    tokens: Object.fromEntries(sim.inputs.actions.map((a) => [a.name, { input: spec(a.tokens.input), output: spec(a.tokens.output) }])),
    price: { input_cost_per_token: baseline.input_usd_per_mtok / 1e6, output_cost_per_token: baseline.output_usd_per_mtok / 1e6 },
    paidFirst: sim.inputs.actions.filter((a) => a.chain[0] && !local.has(a.chain[0].tier)).map((a) => a.name),
    paidShareScale,
  });
}

export function capText(cap: SavingsCap): string {
  if (cap.paidFirst.length === 0) return `the ${cap.profile} mix sends no action straight to the paid tier, so it puts no cap on savings`;
  return `the ${cap.profile} mix caps savings at ${pct(cap.cap)}: ${listing(cap.paidFirst.map((p) => `${p.action} (${pct(p.callShare)} of calls, ${pct(p.costShare)} of the pure-API cost)`))} starts on the paid tier and costs the same either way`;
}

export const metricsOf = (sim: SimulationResults) => [...(sim.success_metrics.week?.metrics ?? []), ...(sim.success_metrics.month?.metrics ?? [])];
export const monthOf = (sim: SimulationResults) => sim.month ?? sim.horizon;

export interface Recommendation {
  title: string;
  status: HeadlineStatus;
  reasons: string[];
}

/**
 * The frontier's verdict (held-out evidence) comes first: "API first" when no calibrated local policy
 * keeps the API's accuracy for less. Otherwise the simulated cost decides, unless the local answers the
 * router's own check keeps are graded wrong too often (and no calibrated policy vouches for them).
 */
export function recommend(sim: SimulationResults, ev: Evidence, verdict: FrontierVerdict | null = null, deployed: readonly PolicyEntry[] = []): Recommendation {
  const m = monthOf(sim);
  const save = m.api_cost_usd.p50 - m.hybrid_cost_usd.p50;
  const pMonth = metricsOf(sim).find((x) => x.id === "month_savings")?.probability ?? null;
  const costLine = `P50 savings ${pct(m.savings.p50)} over ${m.days} days: ${usd(m.hybrid_cost_usd.p50)} hybrid vs ${usd(m.api_cost_usd.p50)} pure API (${usd(save)} less)`;
  const reasons = verdict ? [verdict.sentence, costLine] : [costLine];
  if (verdict?.kind === "api_first") {
    // The held-out check fitted on half the items; the calibration the router runs was fitted on all of them.
    const local = deployed.filter((p) => p.recommended && p.kind !== "api_first");
    if (local.length === 0) return { title: `API first: no local policy keeps ${verdict.reference.name}'s accuracy for less`, status: "info", reasons };
    const which = local
      .map(
        (p) =>
          `${p.kind} for ${p.action} (kept-answer error bound ${p.expected.kept_error_upper === null ? "n/a" : pct(p.expected.kept_error_upper)} at α ${pct(p.alpha)}, ${pct(p.expected.api_share)} to the API)`,
      )
      .join("; ");
    return {
      title: "Not certain yet: the calibration vouches for a local policy, the held-out check does not",
      status: "info",
      reasons: [
        ...reasons,
        `the calibration on every benched item recommends ${which}; fitted on half the items, the same rule could not certify α on the other half, so bench more items before routing traffic locally`,
      ],
    };
  }
  if (ev.accepted) {
    reasons.push(
      `of the local answers the quality check accepted, the grader found ${pct(ev.accepted.rate)} right (${ev.accepted.k}/${ev.accepted.n}, 95 % interval ${pct(ev.accepted.ci.lower)} – ${pct(ev.accepted.ci.upper)}); the target is ${pct(QUALITY_TARGET, 0)}`,
    );
  } else {
    reasons.push("no graded bench answers from the local tiers: their quality is a prior in the simulation, not a measurement");
  }
  if (verdict?.kind !== "route" && ev.accepted && ev.accepted.ci.upper < QUALITY_TARGET) {
    return {
      title: "Not yet: the local answers are not good enough to keep",
      status: "fails",
      reasons: [...reasons, "the savings come from keeping answers locally that are wrong; fix quality (models or checks) before routing traffic locally"],
    };
  }
  if (m.savings.p50 <= 0) return { title: "Stay on the API: the hybrid does not save money here", status: "fails", reasons };
  const l = likelihood(pMonth);
  const cap = mixCap(sim);
  if (cap) reasons.push(capText(cap));
  if (l === "likely")
    return {
      title: "Adopt the hybrid router",
      status: "holds",
      reasons: [...reasons, `the seed's > 75 % monthly savings target is likely (P = ${pct(pMonth)})`],
    };
  const capped = cap !== null && cap.cap <= SEED.month.minSavings;
  return {
    title: `Adopt for cost, expecting about ${pct(m.savings.p50, 0)} savings, not 75 %`,
    status: "info",
    reasons: [
      ...reasons,
      capped
        ? `the seed's > 75 % monthly savings target fails under the assumed mix: it caps savings at ${pct(cap!.cap)}, whatever the local answers (P = ${pct(pMonth)})`
        : `the seed's > 75 % monthly savings target is ${l} (P = ${pct(pMonth)})`,
    ],
  };
}

/** What a group needs before calibration can choose a threshold; older files without items_needed get it recomputed from their params. */
export function itemsNeeded(cal: NonNullable<DecisionInputs["calibration"]>): number {
  if (typeof cal.report.items_needed === "number") return cal.report.items_needed;
  const alpha = cal.calibration?.params.alpha ?? CALIBRATE_DEFAULTS.alpha,
    delta = cal.calibration?.params.delta ?? CALIBRATE_DEFAULTS.delta;
  return cal.report.method === "risk_control" ? Math.max(cal.report.min_items, riskControlMinItems({ alpha, delta })) : cal.report.min_items;
}

function fmtParam(cal: NonNullable<DecisionInputs["calibration"]>, key: "alpha" | "delta"): string {
  return String(cal.calibration?.params[key] ?? CALIBRATE_DEFAULTS[key]);
}

export interface Change {
  area: "Thresholds" | "Tier choice" | "Hardware" | "Cost drivers" | "Evidence";
  text: string;
}

export function whatToChange(inputs: DecisionInputs, ev: Evidence): Change[] {
  const out: Change[] = [];
  const cal = inputs.calibration;
  if (!cal)
    out.push({
      area: "Thresholds",
      text: "no bench run, so thresholds were not checked: run `bench run` on the local tiers with --store-answers, then `bench calibrate`",
    });
  else if (cal.report.written === 0) {
    const tierGroups = cal.report.groups.filter((g) => g.tier !== null);
    const largest = Math.max(0, ...tierGroups.map((g) => g.n));
    const needed = itemsNeeded(cal);
    out.push({
      area: "Thresholds",
      text: `bench calibrate refused all ${cal.report.groups.length} groups: the largest action × tier group had ${largest} graded items. Bench at least ${needed} labelled items per action on each local tier (a larger --limit, more dataset items) and calibrate again; until then the config's thresholds apply. ${needed} is what ${cal.report.method === "risk_control" ? `risk control needs at alpha ${fmtParam(cal, "alpha")}, δ ${fmtParam(cal, "delta")}: with fewer, even all answers right cannot bound the error rate (bench/stats/thresholds.ts)` : "the calibration's --min-items asks for"}`,
    });
  } else {
    out.push({
      area: "Thresholds",
      text: `use the ${cal.report.written} calibrated thresholds${cal.file ? ` in ${cal.file}` : ""} (pass it as --calibration, or point the config's calibration: at it); ${cal.report.refused_actions.length ? `${listing(cal.report.refused_actions)} still use the config's` : "every action is covered"}`,
    });
  }
  const blind = (cal?.report.groups ?? []).filter((g) => g.tier !== null && g.auroc !== null && g.auroc <= 0.6);
  if (blind.length)
    out.push({
      area: "Thresholds",
      text: `the quality score cannot tell right from wrong for ${listing([...new Set(blind.map((g) => g.action))])} (AUROC ≤ 0.6): no threshold fixes that; add checks that test content, not only format`,
    });
  const actions = [...new Set(ev.perAction.map((p) => p.action))];
  // A local tier is worth its place when what its check keeps is right; a low raw pass rate is fine if the rest escalates.
  const leaky = ev.perAction.filter((p) => p.keptRight !== null && p.keptRight.ci.upper < QUALITY_TARGET);
  if (leaky.length) {
    const detail = [...new Set(leaky.map((p) => p.action))].map(
      (a) =>
        `${a} (${leaky
          .filter((p) => p.action === a)
          .map((p) => `${p.tier}: kept ${pct(p.kept.rate, 0)}, ${pct(p.keptRight!.rate, 0)} of them right`)
          .join("; ")})`,
    );
    out.push({
      area: "Tier choice",
      text: `below ${pct(QUALITY_TARGET, 0)} of the answers the check keeps are right for ${listing(detail)}: start those actions on the paid tier, or use a stronger local model or stricter checks there`,
    });
  }
  const idle = ev.perAction.filter((p) => p.kept.rate < 0.1 && !leaky.includes(p));
  if (idle.length)
    out.push({
      area: "Tier choice",
      text: `${listing(idle.map((p) => `${p.tier} keeps only ${pct(p.kept.rate, 0)} of ${p.action}`))}: it adds latency and saves little there; skip it for those actions`,
    });
  if (ev.localTiers.length >= 2) {
    const [fast, quality] = ev.localTiers as [string, string];
    const noGain = actions.filter((a) => {
      const f = ev.perAction.find((p) => p.action === a && p.tier === fast);
      const q = ev.perAction.find((p) => p.action === a && p.tier === quality);
      return f && q && q.pass.rate <= f.pass.rate;
    });
    if (noGain.length)
      out.push({
        area: "Tier choice",
        text: `${quality} was no better than ${fast} for ${listing(noGain)}: escalating there adds latency without adding right answers; escalate straight to the paid tier for them`,
      });
  }
  const lat = metricsOf(inputs.sim).find((x) => x.id === "week_latency");
  const mean = inputs.sim.horizon.mean_latency_ms;
  const p95s = ev.e2eP95.map((t) => `${t.tier} p95 ${ms(t.ms)}`).join(", ");
  // A replayed run's latencies come from the config's hardware profile, never from this machine.
  const where =
    ev.latencySource === "measured"
      ? `measured locally: ${p95s}${ev.cpu ? ` on ${ev.cpu}` : ""}`
      : `${ev.latencySource === "modelled" ? "modelled" : "partly modelled"} from the replay config's hardware profile, not measured: ${p95s}`;
  out.push({
    area: "Hardware",
    text: `simulated mean latency P50 ${ms(mean.p50)} against the seed's < 500 ms (${lat?.probability == null ? "not computed" : `P = ${pct(lat.probability)}`})${p95s ? `; ${where}` : ""}. Escalations pay the paid tier's latency on top of the local attempt, so fewer escalations (better local answers) help more than faster local hardware`,
  });
  const top = inputs.sim.sensitivity?.tornado.slice(0, 2) ?? [];
  const cap = mixCap(inputs.sim);
  if (cap && cap.paidFirst.length) {
    const at = (f: number) => mixCap(inputs.sim, f)!.cap;
    out.push({
      area: "Cost drivers",
      text: `the traffic mix is an assumption (config/usage-profiles.yaml) and bounds the savings: with half the calls that start on the paid tier (${listing(cap.paidFirst.map((p) => p.action))}) the cap is ${pct(at(0.5))}, as assumed ${pct(cap.cap)}, with 1.5× ${pct(at(1.5))}; measure your own mix before trusting a savings figure`,
    });
  }
  if (top.length)
    out.push({
      area: "Cost drivers",
      text: `the monthly cost moves most with ${listing(top.map((t) => `${t.input.replace(/_/g, " ")} (${usd(t.low.hybrid_p50_usd)} – ${usd(t.high.hybrid_p50_usd)} for ${t.low_label} / ${t.high_label})`))}`,
    });
  if (ev.standIns)
    out.push({
      area: "Evidence",
      text: "re-run this report on the models you would deploy (config/router.yaml with Ollama, `--config`), with an API bench for the paid tier (needs ANTHROPIC_API_KEY), before deciding",
    });
  return out;
}
