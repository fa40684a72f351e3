/**
 * "How much of this is measured": every simulation input cell (action × tier) with where its pass rate,
 * latency and confidence came from, and every action's token sizes. A prior is called a prior, local
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
  confidenceUnknown: string[];
  tokenAssumed: string[];
  /** Actions whose measured token counts come from a stand-in model's tokenizer. */
  standInTokens: string[];
}

const passText = (c: Chain) =>
  c.pass_source === "bench" ? `measured: ${c.passes} of ${(c.passes ?? 0) + (c.fails ?? 0)} passed the check` : `prior: Beta mean ${num(c.pass_mean, 2)}, ${num(c.pass_alpha + c.pass_beta, 0)} pseudo-answers (config/usage-profiles.yaml)`;
const latencyText = (c: Chain) =>
  c.latency_source === "bench" ? `measured (mean ${ms(c.latency_mean_ms)})` : c.latency_source === "bench_tier" ? `measured on the tier, other actions pooled (mean ${ms(c.latency_mean_ms)})` : `assumed: the config's latency_ms range (mean ${ms(c.latency_mean_ms)})`;
const confidenceText = (c: Chain) =>
  c.confidence_pass === null && c.confidence_fail === null ? "unknown: not computed" : c.confidence_pass === null || c.confidence_fail === null ? "partly unknown: the confidence metric is not computed" : "measured";

function standInTokenActions(records: readonly BenchRecord[]): Set<string> {
  // The embedded engine counts tokens with the stand-in model's own small vocabulary, not the deployed model's.
  return new Set(records.filter((r) => !r.warmup && (r.provider === "embedded" || r.provider === "scripted") && r.input_tokens !== null).map((r) => r.action));
}

export function tallySources(inputs: DecisionInputs): SourceTally {
  const sim = inputs.sim;
  const standIn = standInTokenActions(inputs.run?.records ?? []);
  const t: SourceTally = { cells: 0, passPriors: [], latencyAssumed: [], confidenceUnknown: [], tokenAssumed: [], standInTokens: [] };
  for (const a of sim.inputs.actions) {
    for (const c of a.chain) {
      const id = `${a.name}@${c.tier}`;
      t.cells++;
      if (c.pass_source !== "bench") t.passPriors.push(id);
      if (c.latency_source === "config") t.latencyAssumed.push(id);
      if (c.confidence_pass === null || c.confidence_fail === null) t.confidenceUnknown.push(id);
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
  const rows = sim.inputs.actions.flatMap((a) => a.chain.map((c) => [`${a.name} @ ${c.tier}`, passText(c), latencyText(c), confidenceText(c)]));
  const tokenRows = sim.inputs.actions.map((a) => {
    const side = (s: typeof a.tokens.input) => (s.source === "bench" ? `measured: mean ${num(s.mean, 0)} over ${s.n ?? "?"} answers${standIn.has(a.name) ? " (stand-in tokenizer)" : ""}` : `assumed: median ${num(s.median, 0)}`);
    return [a.name, side(a.tokens.input), side(a.tokens.output)];
  });
  const lines = [
    `- **Pass rates**: ${t.cells - t.passPriors.length} of ${t.cells} action × tier cells measured; ${t.passPriors.length ? `priors for ${listing(t.passPriors)}` : "no priors"}.`,
    `- **Latencies**: ${t.latencyAssumed.length ? `assumed from the config's ranges for ${listing(t.latencyAssumed)}` : "every cell measured"}.`,
    `- **Confidence**: ${t.confidenceUnknown.length ? `unknown for ${listing(t.confidenceUnknown)}, so the mean-confidence metric is not computed (no tier borrows another's)` : "measured for every cell"}.`,
    `- **Token sizes**: ${t.tokenAssumed.length ? `assumed for ${listing(t.tokenAssumed)}` : "measured for every action"}${t.standInTokens.length ? `; measured for ${listing(t.standInTokens)} with the stand-in models' tokenizer, whose counts differ from the deployed models'` : ""}.`,
  ];
  return [
    md(lines.join("\n")),
    table({ caption: "Where each simulation input came from (action × tier)", columns: [{ label: "Cell" }, { label: "Pass rate" }, { label: "Latency" }, { label: "Confidence" }], rows }),
    table({ caption: "Token sizes per call", columns: [{ label: "Action" }, { label: "Input tokens" }, { label: "Output tokens" }], rows: tokenRows }),
  ];
}
