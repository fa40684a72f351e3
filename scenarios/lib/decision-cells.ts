/**
 * The decision notebook: one page a decision maker reads top to bottom. Recommendation, the cost–quality
 * frontier's verdict, monthly cost P50/P95 against pure API, savings, answers right, which success
 * metrics are likely to hold, the frontier and the recommended policy per action, what to change, and how
 * much of it is measured versus assumed.
 */
import { headline, md, table, type Cell, type HeadlineCell } from "../../reports/notebook.js";
import type { SimulationResults } from "../../simulator/results.js";
import { barChart, exceedanceChart } from "./charts.js";
import { capText, gatherEvidence, itemsNeeded, metricsOf, mixCap, monthOf, QUALITY_TARGET, recommend, whatToChange, type Evidence } from "./decision-advice.js";
import { frontierHeadline, frontierSection, recommendedPolicyCells, verdictOf } from "./decision-frontier.js";
import type { DecisionInputs } from "./decision-pipeline.js";
import { batchSavingCell } from "./batch-cell.js";
import { measuredCells, tallySources } from "./decision-measured.js";
import { count, LIKELIHOOD_RULE, likelihood, listing, pct, usd } from "./text.js";
import { tagged } from "./provenance.js";

/** Okabe–Ito green / orange / vermillion; the legend's words carry the meaning too. */
const READING_COLOURS = { likely: "#009E73", uncertain: "#E69F00", unlikely: "#D55E00" };

export interface DecisionPage {
  cells: Cell[];
  /** Printed under the headline figures. */
  notes: string[];
}

export function decisionCells(inputs: DecisionInputs): DecisionPage {
  const sim = inputs.sim;
  const ev = gatherEvidence(inputs);
  const verdict = verdictOf(inputs.frontier);
  const rec = recommend(sim, ev, verdict, inputs.calibrated?.policies);
  const m = monthOf(sim);
  const metrics = metricsOf(sim);
  const pMonth = metrics.find((x) => x.id === "month_savings");
  const lm = likelihood(pMonth?.probability ?? null);
  const likely = metrics.filter((x) => likelihood(x.probability) === "likely");
  const cap = mixCap(sim);
  const window = `days ${m.from_day + 1}-${m.from_day + m.days}, ${sim.profile.name} profile (${sim.profile.iterations_per_day} iterations/day × ${sim.profile.calls_per_iteration} calls), ${sim.trials} trials`;
  const cells: Cell[] = [
    headline({ label: "Recommendation", value: rec.title, status: rec.status, explanation: rec.reasons.map((r) => `• ${r}`).join("\n") }),
    frontierHeadline(inputs.frontier, verdict),
    headline({
      label: "Monthly cost, hybrid (P50 / P95)",
      value: tagged(`${usd(m.hybrid_cost_usd.p50)} / ${usd(m.hybrid_cost_usd.p95)}`, "modelled"),
      status: "info",
      explanation: `${window}; P5 ${usd(m.hybrid_cost_usd.p5)}`,
    }),
    headline({
      label: "Monthly cost, pure API (P50 / P95)",
      value: tagged(`${usd(m.api_cost_usd.p50)} / ${usd(m.api_cost_usd.p95)}`, "modelled"),
      status: "info",
      explanation: `the same requests, all on ${sim.inputs.baseline_tier}, same random numbers`,
    }),
    headline({
      label: "Savings vs pure API (P50)",
      value: m.savings.p50 * 100,
      // Simulated costs: token counts × list prices over the profile's traffic.
      unit: tagged("%", "modelled"),
      digits: 1,
      target: pMonth ? `savings ${pMonth.target} after a month (seed): ${lm}` : undefined,
      status: lm === "likely" ? "holds" : lm === "unlikely" ? "fails" : "info",
      explanation: `1 − hybrid / pure API per trial: P5 ${pct(m.savings.p5)}, P95 ${pct(m.savings.p95)}${pMonth ? `; P(${pMonth.target}) = ${pct(pMonth.probability)}` : ""}${cap ? `\n${capText(cap)}${cap.cap <= 0.75 ? ": the > 75 % target fails under the assumed mix" : ""}` : ""}`,
    }),
  ];
  cells.push(accuracyHeadline(sim));
  cells.push(...batchSavingCell(sim));
  if (ev.accepted) {
    const a = ev.accepted;
    cells.push(
      headline({
        label: "Local answers kept that are right (bench)",
        value: a.rate * 100,
        unit: "%",
        digits: 1,
        target: `> ${pct(QUALITY_TARGET, 0)} (the seed's quality target)`,
        status: a.ci.lower > QUALITY_TARGET ? "holds" : a.ci.upper < QUALITY_TARGET ? "fails" : "info",
        explanation: `${a.k} of ${a.n} local answers that passed the router's quality check were graded right; 95 % interval ${pct(a.ci.lower)} – ${pct(a.ci.upper)}`,
      }),
    );
  }
  cells.push(
    headline({
      label: "Seed success metrics likely to hold",
      value: `${likely.length} of ${metrics.length}`,
      status: "info",
      explanation:
        metrics
          .map(
            (x) =>
              `${x.id.startsWith("week") ? "week" : "month"}: ${x.label} ${x.target}: ${x.probability === null ? `not computed${x.note ? ` (${x.note.replace(/^not computed: /, "")})` : ""}` : `${pct(x.probability)} (${likelihood(x.probability)})`}`,
          )
          .join("\n") + `\n${LIKELIHOOD_RULE}`,
    }),
  );
  cells.push(
    exceedanceChart({
      title: `P(cost over ${sim.days} days > X), hybrid and pure API`,
      description: "Read a budget on the x axis across to the chance of spending more than it.",
      rows: [
        ...sim.exceedance.hybrid_cost_usd.map((p) => ({ profile: sim.profile.name, routing: "hybrid", usd: p.usd, p: p.p })),
        ...sim.exceedance.api_cost_usd.map((p) => ({ profile: sim.profile.name, routing: "pure API", usd: p.usd, p: p.p })),
      ],
      costLabel: `Cost over ${sim.days} days`,
    }),
  );
  const probs = metrics
    .filter((x) => x.probability !== null)
    .map((x) => ({ label: `${x.id.startsWith("week") ? "week" : "month"}: ${x.label} ${x.target}`, group: likelihood(x.probability), value: x.probability! }));
  if (probs.length)
    cells.push(
      barChart({
        title: "Probability each seed success metric holds",
        rows: probs,
        valueLabel: "P(metric holds)",
        unit: "%",
        labelTitle: "Metric",
        groupTitle: "Reading",
        colors: READING_COLOURS,
      }),
    );
  cells.push(...frontierSection(inputs.frontier, verdict));
  cells.push(...recommendedPolicyCells(inputs.calibrated));
  const changes = whatToChange(inputs, ev);
  cells.push(
    md`
## What to change
    `,
    md(changes.map((c) => `- **${c.area}**: ${c.text}`).join("\n")),
  );
  cells.push(...caveats(inputs, ev));
  cells.push(...method(inputs, ev));
  const notes = metrics.map(
    (x) => `P(${x.id.startsWith("week") ? "week" : "month"}: ${x.label} ${x.target}) = ${x.probability === null ? "n/a" : pct(x.probability)}`,
  );
  return { cells, notes };
}

/** The simulated share of answers that are right, saying what it rests on (replayed or measured counts, a prior). */
function accuracyHeadline(sim: SimulationResults): HeadlineCell {
  const m = monthOf(sim);
  const label = "Answers right, simulated (P50)";
  const q = metricsOf(sim).find((x) => x.id === "week_quality");
  if (!m.accuracy)
    return headline({
      label,
      value: "not computed",
      status: "info",
      explanation: `no correctness evidence for ${sim.inputs.missing_correctness.join(", ")}: give the simulation a graded bench run or a calibration with policies for those actions`,
    });
  const cells = sim.inputs.actions.flatMap((a) => a.chain.flatMap((c) => [c.correct_if_kept, c.correct_if_unkept]));
  const evidence = [...new Set(cells.flatMap((c) => (c ? [c.evidence] : [])))].sort();
  const priors = sim.inputs.actions.flatMap((a) => a.chain.filter((c) => c.correct_if_kept?.source === "prior").map((c) => `${a.name}@${c.tier}`));
  const l = likelihood(q?.probability ?? null);
  return headline({
    label,
    value: `${pct(m.accuracy.p50)} · ${evidence.join(" + ")}`,
    target: `> ${pct(QUALITY_TARGET, 0)} (the seed's quality target, on answers that are right)`,
    status: l === "likely" ? "holds" : l === "unlikely" ? "fails" : "info",
    explanation: `share of final answers that are right over days ${m.from_day + 1}-${m.from_day + m.days}: P5 ${pct(m.accuracy.p5)}, P95 ${pct(m.accuracy.p95)}; P(> ${pct(QUALITY_TARGET, 0)} in week 1) = ${pct(q?.probability ?? null)}. The router's own check passes ${pct(m.self_check_pass_rate.p50)}: not the same thing.${priors.length ? ` The API accuracy of ${listing(priors)} is a prior (profiles file), not a measurement.` : ""}`,
  });
}

function caveats(inputs: DecisionInputs, ev: Evidence): Cell[] {
  const lines: string[] = [];
  if (ev.standIns)
    lines.push(
      "- **The local models are stand-ins.** This run used the embedded engine's tiny GGUF models (a 260K-parameter TinyStories model and a random-weight Llama): the pipeline and its arithmetic are real, their answers are not representative of phi3, llama3 or mixtral.",
    );
  if (ev.replayed) {
    const standIns = [...new Set((inputs.run?.records ?? []).flatMap((r) => (r.token_counter?.stand_in ? [r.model_id] : [])))];
    lines.push(
      `- **Replayed answers, modelled latencies.** The answers are what the models answered when they were recorded (see the dataset's attribution), graded here; every latency is modelled from the replay config's hardware profile, not measured; tokens are counted by each model family's tokenizer${standIns.length ? ` (a stand-in tokenizer for ${listing(standIns)})` : ""}.`,
    );
  }
  if (ev.priorTiers.length)
    lines.push(
      `- **${listing(ev.priorTiers)} pass rates are priors, not measurements**: no bench run of the paid tier was given (it needs an API key), so the simulation uses the stated Beta priors from the profiles file.`,
    );
  const t = tallySources(inputs);
  const localPriors = t.passPriors.filter((id) => ev.localTiers.includes(id.split("@")[1]!));
  if (localPriors.length) lines.push(`- **Local pass rates that are priors too**: ${listing(localPriors)} had no graded bench answers.`);
  if (ev.checkPassed && ev.accepted)
    lines.push(
      `- **The simulator's "pass" is the router's quality check**, which accepted ${pct(ev.checkPassed.rate)} of local answers; the dataset grader found only ${pct(ev.accepted.rate)} of those right. Cost and savings follow the check; whether the answers are usable follows the grader.`,
    );
  if (!inputs.run) lines.push("- **No bench run**: pass rates, token sizes and latencies in the simulation are the profiles file's assumptions.");
  return [
    md`
## How much of this is measured
    `,
    ...(lines.length ? [md(lines.join("\n"))] : []),
    ...measuredCells(inputs),
  ];
}

/** Never "measured" for what was a prior: counts of each, as the table under "How much of this is measured" lists them. */
function simSources(inputs: DecisionInputs, ev: Evidence): string {
  const t = tallySources(inputs);
  // Replayed answers are real models' recorded answers graded here; their latencies come from the config's hardware profile.
  const got = ev.replayed ? "replayed" : "measured";
  const pass = `pass rates ${got} in ${t.cells - t.passPriors.length} of ${t.cells} cells (priors in ${t.passPriors.length})`;
  const lat = `latencies ${ev.latencySource === "measured" ? "measured" : "modelled from the replay hardware profile"} in ${t.cells - t.latencyAssumed.length} (config ranges in ${t.latencyAssumed.length})`;
  const tok = `token sizes ${got} for ${inputs.sim.inputs.actions.length - t.tokenAssumed.length} of ${inputs.sim.inputs.actions.length} actions${t.standInTokens.length ? " (stand-in tokenizer)" : ""}`;
  return inputs.sim.files.bench
    ? `${pass}; ${lat}; ${tok}`
    : "no bench run: every pass rate, token size and latency is an assumption from the profiles file and the config";
}

function method(inputs: DecisionInputs, ev: Evidence): Cell[] {
  const sim = inputs.sim;
  const run = inputs.run;
  const cal = inputs.calibration;
  const rows: (string | number | null)[][] = [
    ...(run
      ? [
          [
            "bench",
            `run ${run.id}: ${count(run.summary.requests, ev.replayed ? "replayed request" : "measured request")} on ${listing([...new Set(run.records.map((r) => r.model_id))])}${ev.replayed ? " (recorded real answers, graded here; latencies modelled from the config's hardware profile)" : ""}`,
          ],
        ]
      : []),
    ...(cal
      ? [
          [
            "calibrate",
            cal.report.written
              ? `${cal.report.written} of ${cal.report.groups.length} groups calibrated (${cal.report.method})`
              : `refused all ${cal.report.groups.length} groups (each needs at least ${itemsNeeded(cal)} labelled items)`,
          ],
        ]
      : []),
    ["simulate", `${sim.profile.name}, ${sim.days} days, ${sim.trials} trials, seed ${sim.seed}, ${sim.mode}; ${simSources(inputs, ev)}`],
  ];
  // No wall times here: they would make two reports from the same inputs differ.
  return [
    md`
## How these numbers were made
    `,
    table({ columns: [{ label: "Step" }, { label: "What" }], rows }),
    md`
Every file behind these steps is listed under Inputs with its hash. The full evidence is in the \`bench\`, \`calibration\` and \`usage-profiles\` reports (\`tierlab report <name>\`).
    `,
  ];
}
