/** The human-readable report of a SimulationResults object (the CLI's default output). */
import type { QuantileSummary, SimulationResults, SuccessBlock, WindowSummary } from "./results.js";
import { pct, usd } from "../core/format.js";

const ms = (x: number) => `${Math.round(x).toLocaleString("en-US")} ms`;
const num = (x: number) => Math.round(x).toLocaleString("en-US");
const pad = (s: string, n: number) => s.padStart(n);

/** Width of the row labels: long enough for "answers right (prior + replayed)". */
const LABEL = 34;

function qRow(label: string, q: QuantileSummary | null, f: (x: number) => string): string {
  if (!q) return `  ${label.padEnd(LABEL)}${pad("not computed", 12)}`;
  return `  ${label.padEnd(LABEL)}${pad(f(q.p5), 12)}${pad(f(q.p50), 12)}${pad(f(q.p95), 12)}${pad(f(q.mean), 12)}`;
}

function windowLine(title: string, w: WindowSummary | null): string[] {
  if (!w) return [];
  return [
    `${title} (days ${w.from_day + 1}-${w.from_day + w.days}), P5 / P50 / P95:`,
    `  hybrid ${usd(w.hybrid_cost_usd.p5)} / ${usd(w.hybrid_cost_usd.p50)} / ${usd(w.hybrid_cost_usd.p95)}; pure API ${usd(w.api_cost_usd.p5)} / ${usd(w.api_cost_usd.p50)} / ${usd(w.api_cost_usd.p95)}; savings ${pct(w.savings.p5)} / ${pct(w.savings.p50)} / ${pct(w.savings.p95)}`,
  ];
}

function successLines(title: string, b: SuccessBlock | null): string[] {
  if (!b) return [];
  const out = [`  ${title} (days ${b.from_day + 1}-${b.from_day + b.days})`];
  for (const m of b.metrics)
    out.push(`    ${`${m.label} ${m.target}`.padEnd(52)}${pad(m.probability === null ? "n/a" : pct(m.probability), 8)}${m.note ? `  (${m.note})` : ""}`);
  out.push(`    ${"all of the above".padEnd(52)}${pad(b.p_all === null ? "n/a" : pct(b.p_all), 8)}`);
  return out;
}

export function formatResults(r: SimulationResults): string {
  const h = r.horizon;
  const bench = r.files.bench ? `bench ${r.files.bench.path} (${r.files.bench.records} records)` : "no bench data (priors and config ranges)";
  // Replayed bench runs give modelled latencies; the row says so rather than passing them off as measured.
  const lat = r.inputs.actions.some((a) => a.chain.some((c) => c.latency_source.endsWith("_modelled"))) ? " (modelled)" : "";
  // The quality row says what it rests on when any of it is a prior or replayed rather than measured.
  const evidence = new Set(
    r.inputs.actions.flatMap((a) => a.chain.flatMap((c) => [c.correct_if_kept?.evidence, c.correct_if_unkept?.evidence]).filter((e) => e !== undefined)),
  );
  const quality = evidence.size === 0 || (evidence.size === 1 && evidence.has("measured")) ? "" : ` (${[...evidence].sort().join(" + ")})`;
  const lines = [
    `tierlab simulate: ${r.profile.name} profile, ${r.days} days, ${num(r.trials)} trials, seed ${r.seed}, ${r.mode} mode`,
    `  config ${r.files.router_config.path} (prices ${r.files.prices.path}${r.files.calibration ? `, calibration ${r.files.calibration.path}` : ""}), profiles ${r.files.profiles.path}, ${bench}`,
    `  volume ${num(r.inputs.volume.mean_requests_per_day)} requests/day mean (${r.profile.iterations_per_day} iterations × ${r.profile.calls_per_iteration} calls), dispersion k = ${r.inputs.volume.dispersion}, growth ${pct(r.profile.growth_per_month)}/month; pure-API baseline: ${r.inputs.baseline_tier}`,
    "",
    `${`Over ${r.days} days`.padEnd(LABEL + 2)}${pad("P5", 12)}${pad("P50", 12)}${pad("P95", 12)}${pad("mean", 12)}`,
    qRow("hybrid cost", h.hybrid_cost_usd, usd),
    qRow("pure API cost", h.api_cost_usd, usd),
    qRow("savings", h.savings, pct),
    qRow("local share", h.local_share, pct),
    qRow(`answers right${quality}`, h.accuracy, pct),
    qRow("self-check pass rate", h.self_check_pass_rate, pct),
    qRow(`mean latency${lat}`, h.mean_latency_ms, ms),
    qRow(`p95 latency${lat}`, h.p95_latency_ms, ms),
    qRow("scorer P(correct)", h.mean_p_correct, (x) => x.toFixed(3)),
    qRow("requests", h.requests, num),
    "",
    ...windowLine("Per week", r.week),
    ...windowLine("Per month", r.month),
    "",
    "Budgets (router config; unconstrained demand):",
    ...r.budgets.map(
      (b) =>
        `  ${`$${b.limit_usd} per ${b.period}${b.scope === "global" ? "" : ` (${b.scope} ${b.key})`}`.padEnd(22)}P(cost > budget in some ${b.period}) = ${b.p_overrun === null ? "n/a" : pct(b.p_overrun)}${b.expected_overrun_periods === null ? "" : `, expected ${b.expected_overrun_periods.toFixed(1)} of ${b.periods_in_horizon} ${b.period}s over`}${b.note ? ` (${b.note})` : ""}`,
    ),
    "",
    "Seed success metrics, P(holds):",
    ...successLines("week", r.success_metrics.week),
    ...successLines("month", r.success_metrics.month),
  ];
  const s = r.sensitivity;
  if (s) {
    lines.push(
      "",
      `Sensitivity (${num(s.trials)} trials, same random numbers in every run): P50 hybrid cost over ${r.days} days, base ${usd(s.base.hybrid_p50_usd)}`,
    );
    lines.push(`  ${"input".padEnd(26)}${pad("low", 30)}${pad("high", 30)}${pad("swing", 12)}`);
    for (const t of s.tornado) {
      lines.push(
        `  ${t.input.padEnd(26)}${pad(`${usd(t.low.hybrid_p50_usd)} (${t.low_label})`, 30)}${pad(`${usd(t.high.hybrid_p50_usd)} (${t.high_label})`, 30)}${pad(usd(t.swing_usd), 12)}`,
      );
    }
    lines.push("Break-even (P50 savings = 0):");
    for (const b of s.break_even) lines.push(`  ${b.input.padEnd(18)}${b.value === null ? b.note : `${b.value} ${b.unit} (× ${b.factor} today's): ${b.note}`}`);
  }
  if (r.batch) {
    const b = r.batch;
    lines.push(
      "",
      `Batch tier (modelled, ${num(b.trials)} trials): calls that can wait (${Object.entries(b.shares)
        .map(([a, x]) => `${a} ${Math.round(x * 100)} %`)
        .join(
          ", ",
        )}) deferred at half price save ${usd(b.saving_usd_p50)} of ${usd(b.hybrid_cost_usd_p50.live)} over ${b.window_days} days (P50, ${(b.saving_share_p50 * 100).toFixed(1)} %); answers in ${b.latency_hours.lo}–${b.latency_hours.hi} h (assumed)`,
    );
  }
  lines.push("", "Notes:", ...r.notes.map((n) => `  - ${n}`));
  return lines.join("\n") + "\n";
}
