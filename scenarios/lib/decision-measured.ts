/**
 * "How much of this is measured": every simulation input cell (action × cell) with where its keep rate,
 * latency and correctness came from, and every action's token sizes. A prior is called a prior, local
 * cells included; token counts from a stand-in model's tokenizer are flagged as such; a figure nothing
 * measured is "unknown", never filled from another tier.
 */
import type { BenchRecord } from "../../bench/contracts/bench-record.js";
import { md, table, type Cell } from "../../reports/notebook.js";
import type { SimulationResults } from "../../simulator/results.js";
import type { DecisionInputs } from "./decision-pipeline.js";
import { listing, ms, num } from "./text.js";

type Chain = SimulationResults["inputs"]["actions"][number]["chain"][number];

export interface SourceTally {
  cells: number;
  passPriors: string[];
  latencyAssumed: string[];
  /** Cells whose answers' correctness nothing measured, replayed or assumed: accuracy is not computed. */
  correctnessUnknown: string[];
  tokenAssumed: string[];
  /** Actions whose measured token counts come from a stand-in model's tokenizer. */
  standInTokens: string[];
}

const passText = (c: Chain) =>
  c.pass_source === "last_cell"
    ? "keeps every answer (the policy's last cell)"
    : c.pass_source === "calibration"
      ? `${calibrationEvidence}: ${c.passes} of ${(c.passes ?? 0) + (c.fails ?? 0)} kept by the learned rule (bench calibrate)`
      : c.pass_source === "bench"
        ? `measured: ${c.passes} of ${(c.passes ?? 0) + (c.fails ?? 0)} passed the check`
        : `prior: Beta mean ${num(c.pass_mean, 2)}, ${num(c.pass_alpha + c.pass_beta, 0)} pseudo-answers (config/usage-profiles.yaml)`;
const latencyText = (c: Chain) =>
  c.latency_source === "bench"
    ? `measured (mean ${ms(c.latency_mean_ms)})`
    : c.latency_source === "bench_tier"
      ? `measured on the tier, other actions pooled (mean ${ms(c.latency_mean_ms)})`
      : `assumed: the config's latency_ms range (mean ${ms(c.latency_mean_ms)})`;
// Calibration counts come from the bench run the calibration was fitted on: replayed answers there are labelled in the correctness column.
const calibrationEvidence = "from the calibration";
const beta = (b: NonNullable<Chain["correct_if_kept"]>) =>
  b.evidence === "prior" ? `prior: Beta mean ${num(b.mean, 2)} (config/usage-profiles.yaml)` : `${b.evidence}: ${b.k} of ${b.n} right (${b.source})`;
const correctnessText = (c: Chain) =>
  c.correct_if_kept === null && c.correct_if_unkept === null
    ? "unknown: accuracy not computed"
    : [c.correct_if_kept && `kept ${beta(c.correct_if_kept)}`, c.correct_if_unkept && `returned unkept ${beta(c.correct_if_unkept)}`]
        .filter(Boolean)
        .join("; ");

function standInTokenActions(records: readonly BenchRecord[]): Set<string> {
  // The embedded engine counts tokens with the stand-in model's own small vocabulary, not the deployed model's.
  return new Set(records.filter((r) => !r.warmup && (r.provider === "embedded" || r.provider === "scripted") && r.input_tokens !== null).map((r) => r.action));
}

export function tallySources(inputs: DecisionInputs): SourceTally {
  const sim = inputs.sim;
  const standIn = standInTokenActions(inputs.run?.records ?? []);
  const t: SourceTally = { cells: 0, passPriors: [], latencyAssumed: [], correctnessUnknown: [], tokenAssumed: [], standInTokens: [] };
  for (const a of sim.inputs.actions) {
    for (const c of a.chain) {
      const id = `${a.name}@${c.cell}`;
      t.cells++;
      if (c.pass_source === "assumption") t.passPriors.push(id);
      if (c.latency_source === "config") t.latencyAssumed.push(id);
      if (c.correct_if_kept === null && c.correct_if_unkept === null) t.correctnessUnknown.push(id);
    }
    if (a.tokens.input.source !== "bench" || a.tokens.output.source !== "bench") t.tokenAssumed.push(a.name);
    else if (standIn.has(a.name)) t.standInTokens.push(a.name);
  }
  return t;
}

export function measuredCells(inputs: DecisionInputs): Cell[] {
  const sim = inputs.sim;
  const t = tallySources(inputs);
  const standIn = new Set(t.standInTokens);
  const rows = sim.inputs.actions.flatMap((a) => a.chain.map((c) => [`${a.name} @ ${c.cell}`, passText(c), latencyText(c), correctnessText(c)]));
  const tokenRows = sim.inputs.actions.map((a) => {
    const side = (s: typeof a.tokens.input) =>
      s.source === "bench"
        ? `measured: mean ${num(s.mean, 0)} over ${s.n ?? "?"} answers${standIn.has(a.name) ? " (stand-in tokenizer)" : ""}`
        : `assumed: median ${num(s.median, 0)}`;
    return [a.name, side(a.tokens.input), side(a.tokens.output)];
  });
  const lines = [
    `- **Keep rates**: ${t.cells - t.passPriors.length} of ${t.cells} action × cell inputs from bench answers; ${t.passPriors.length ? `priors for ${listing(t.passPriors)}` : "no priors"}.`,
    `- **Latencies**: ${t.latencyAssumed.length ? `assumed from the config's ranges for ${listing(t.latencyAssumed)}` : "every cell measured"}.`,
    `- **Correctness**: ${t.correctnessUnknown.length ? `unknown for ${listing(t.correctnessUnknown)}, so the accuracy is not computed (no cell borrows another's)` : "known for every cell (each says whether it is measured, replayed or a prior)"}.`,
    `- **Token sizes**: ${t.tokenAssumed.length ? `assumed for ${listing(t.tokenAssumed)}` : "measured for every action"}${t.standInTokens.length ? `; measured for ${listing(t.standInTokens)} with the stand-in models' tokenizer, whose counts differ from the deployed models'` : ""}.`,
  ];
  return [
    md(lines.join("\n")),
    table({
      caption: "Where each simulation input came from (action × cell)",
      columns: [{ label: "Cell" }, { label: "Keep rate" }, { label: "Latency" }, { label: "Answers right" }],
      rows,
    }),
    table({ caption: "Token sizes per call", columns: [{ label: "Action" }, { label: "Input tokens" }, { label: "Output tokens" }], rows: tokenRows }),
  ];
}
