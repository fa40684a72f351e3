/**
 * `tierlab report bench --run <dir>`: one bench run as a report. Latency CDFs (end to end, TTFT,
 * TPOT) per model, pass rate with its Wilson interval per action and tier, the quality check against
 * the grader, goodput against the SLO, and the answers the grader failed (escaped: model output is data).
 */
import type { Argv } from "yargs";
import type { BenchRecord } from "../bench/contracts/bench-record.js";
import type { GroupSummary } from "../bench/run/summary.js";
import { summarize, type Slo } from "../bench/stats/latency.js";
import { headline, md, notebook, table, type Cell } from "../reports/notebook.js";
import { cdfChart, intervalChart } from "./lib/charts.js";
import { loadRun } from "./lib/inputs.js";
import { isMain, runMain } from "./lib/main.js";
import { defineScenario, type CommonArgs } from "./lib/scenario.js";
import { count, ms, pct } from "./lib/text.js";

interface BenchArgs {
  run: string;
  "max-answers": number;
  "slo-ttft-ms"?: number;
  "slo-tpot-ms"?: number;
  "slo-e2e-ms"?: number;
}

const ANSWER_CHARS = 240;

export const benchScenario = defineScenario<BenchArgs>({
  id: "bench",
  title: "Bench run",
  describe: "one bench run: latency CDFs, TTFT/TPOT per model, pass rate with intervals per action and tier, goodput",
  options: (y: Argv<CommonArgs>) =>
    y
      .option("run", { type: "string", demandOption: true, describe: "bench run id (under results/) or run folder" })
      .option("max-answers", { type: "number", default: 12, describe: "failed answers listed per model (needs a run with --store-answers)" })
      .option("slo-ttft-ms", { type: "number", describe: "goodput SLO: time to first token (default: the run's)" })
      .option("slo-tpot-ms", { type: "number", describe: "goodput SLO: time per output token (default: the run's)" })
      .option("slo-e2e-ms", { type: "number", describe: "goodput SLO: end-to-end latency (default: the run's)" }) as Argv<BenchArgs & CommonArgs>,
  async run(ctx) {
    const a = ctx.args;
    const override: Slo = { ttftMs: a["slo-ttft-ms"], tpotMs: a["slo-tpot-ms"], e2eMs: a["slo-e2e-ms"] };
    const hasOverride = Object.values(override).some((v) => v !== undefined);
    const run = loadRun(ctx, a.run, hasOverride ? { slo: override } : {});
    const ok = run.records.filter((r) => !r.warmup && r.error === null);
    const models = modelsOf(run.summary.groups);
    const modelled = ok.some((r) => r.latency_source === "modelled");
    // Every latency figure of a replayed run is computed from the config's hardware profile: its titles say so.
    const lat = (title: string) => (modelled ? `${title} (modelled)` : title);
    const cells: Cell[] = [intro(run.id, run.meta, run.summary.requests, run.records.length - run.summary.requests, modelled)];
    for (const m of models)
      cells.push(
        modelHeadline(
          m,
          run.summary.groups.filter((g) => g.model_id === m.model),
        ),
      );
    const series = (f: (r: BenchRecord) => number | null) =>
      models
        .map((m) => ({
          name: m.label,
          values: ok
            .filter((r) => r.model_id === m.model)
            .map(f)
            .filter((x): x is number => x !== null),
        }))
        .filter((s) => s.values.length > 0);
    cells.push(md`
## Latency
    `);
    if (modelled)
      cells.push(md`
These latencies are **modelled**, not measured: the replay provider computes each from the config's hardware profile (round trip, prefill and decode speeds per model) and the answer's token counts.
      `);
    cells.push(
      cdfChart({
        title: lat("End-to-end latency, cumulative"),
        description: "Each line is one model: the share of its requests that finished within x milliseconds (log scale).",
        series: series((r) => r.e2e_ms),
        label: "End-to-end latency",
        unit: "ms",
        seriesTitle: "Model (tier)",
        log: true,
      }),
    );
    const ttft = series((r) => r.ttft_ms);
    if (ttft.length)
      cells.push(
        cdfChart({
          title: lat("Time to first token, cumulative"),
          series: ttft,
          label: "Time to first token",
          unit: "ms",
          seriesTitle: "Model (tier)",
          log: true,
        }),
      );
    const tpot = series((r) => r.tpot_ms);
    if (tpot.length)
      cells.push(
        cdfChart({
          title: lat("Time per output token, cumulative"),
          description: "(e2e − TTFT) / (output tokens − 1); answers of one token have none.",
          series: tpot,
          label: "Time per output token",
          unit: "ms",
          seriesTitle: "Model (tier)",
          log: true,
        }),
      );
    cells.push(latencyTable(ok, models));
    cells.push(md`
      ## Pass rate

      The dataset grader decides whether an answer is right; the bar is its Wilson 95 % interval, so a
      handful of items gives a wide bar. _Accepted but wrong_ counts answers the router's quality check
      would have accepted although the grader failed them: the errors a hybrid setup would ship.
    `);
    const graded = run.summary.groups.filter((g) => g.pass_rate !== null && g.pass_rate_ci95 !== null);
    if (graded.length) {
      cells.push(
        intervalChart({
          title: "Pass rate per action and model, with 95 % intervals",
          rows: graded.map((g) => ({
            label: `${g.action} · ${g.model_id}`,
            group: g.tier,
            value: g.pass_rate!,
            lower: g.pass_rate_ci95!.lower,
            upper: g.pass_rate_ci95!.upper,
          })),
          valueLabel: "Pass rate (grader)",
          unit: "%",
          labelTitle: "Action · model",
          groupTitle: "Tier",
        }),
      );
    }
    cells.push(passTable(run.summary.groups, run.records));
    cells.push(...goodputCells(run.summary.slo, run.summary.groups));
    cells.push(...answerCells(run.records, models, a["max-answers"]));
    return notebook({
      id: "bench",
      title: `Bench run ${run.id}`,
      subtitle: run.meta ? `${run.meta.dataset.name} on ${models.map((m) => m.model).join(", ")}` : undefined,
      generatedAt: ctx.stamp(run.startedAt),
      inputs: ctx.inputs(),
      cells,
    });
  },
});

interface ModelRef {
  model: string;
  tier: string;
  label: string;
}

/** A cascade run's single "model" answers on several tiers; its label lists them all. */
function modelsOf(groups: readonly GroupSummary[]): ModelRef[] {
  const ids = [...new Set(groups.map((g) => g.model_id))];
  return ids.map((model) => {
    const tiers = [...new Set(groups.filter((g) => g.model_id === model).map((g) => g.tier))];
    return { model, tier: tiers.join(", "), label: `${model} (${tiers.join(", ")})` };
  });
}

function intro(id: string, meta: ReturnType<typeof loadRun>["meta"], measured: number, warmup: number, replayed: boolean): Cell {
  const hw = meta?.hardware ?? {};
  const machine = replayed
    ? `replayed on ${String(hw.cpu_model ?? "unknown CPU")} × ${String(hw.cpu_count ?? "?")} (the answers were recorded elsewhere; latencies are modelled)`
    : `on ${String(hw.cpu_model ?? "unknown CPU")} × ${String(hw.cpu_count ?? "?")}`;
  const where = meta
    ? `Dataset \`${meta.dataset.name}\` (${count(meta.dataset.items, "item")}), config \`${meta.config.file.split("/").pop()}\`, ${machine}, Node ${String(hw.node ?? "?")}.`
    : "No meta.json: dataset, config and hardware are unknown.";
  return md`
    Run \`${id}\`: ${count(measured, replayed ? "replayed request" : "measured request")}; ${count(warmup, "warm-up request")} recorded but excluded from every figure.
    ${where} Every number below is recomputed from the run's \`records.jsonl\` (listed under Inputs with its hash).
  `;
}

function modelHeadline(m: ModelRef, groups: GroupSummary[]): Cell {
  const graded = groups.filter((g) => g.pass_rate !== null);
  const n = graded.reduce((s, g) => s + g.n - g.errors, 0);
  const passes = graded.reduce((s, g) => s + Math.round(g.pass_rate! * (g.n - g.errors)), 0);
  const errors = groups.reduce((s, g) => s + g.errors, 0);
  return headline({
    label: `Pass rate, ${m.label}`,
    value: n ? (passes / n) * 100 : "n/a",
    ...(n ? { unit: "%", digits: 1 } : {}),
    status: "info",
    explanation: `${passes} of ${n} graded answers right over ${count(graded.length, "action")}; ${count(errors, "request")} failed with an error`,
  });
}

function latencyTable(ok: readonly BenchRecord[], models: ModelRef[]): Cell {
  const rows = models.map((m) => {
    const mine = ok.filter((r) => r.model_id === m.model);
    const q = (f: (r: BenchRecord) => number | null) => summarize(mine.map(f).filter((x): x is number => x !== null));
    const e2e = q((r) => r.e2e_ms);
    const modelled = mine.filter((r) => r.latency_source === "modelled").length;
    const source = modelled === 0 ? "measured" : modelled === mine.length ? "modelled" : "mixed";
    const counter = mine.find((r) => r.token_counter !== null)?.token_counter;
    const tokens = counter ? `${counter.tokenizer}${counter.stand_in ? ` (STAND-IN: ${counter.stand_in})` : ""}` : "reported by the backend";
    return [m.model, m.tier, mine.length, source, e2e.p50 ?? null, e2e.p95 ?? null, q((r) => r.ttft_ms).p50 ?? null, q((r) => r.tpot_ms).p50 ?? null, tokens];
  });
  return table({
    caption: "Latency per model, over every action (requests without error)",
    columns: [
      { label: "Model" },
      { label: "Tier" },
      { label: "n", digits: 0 },
      { label: "Latency" },
      { label: "e2e p50", unit: "ms", digits: 1 },
      { label: "e2e p95", unit: "ms", digits: 1 },
      { label: "TTFT p50", unit: "ms", digits: 1 },
      { label: "TPOT p50", unit: "ms", digits: 2 },
      { label: "Tokens counted by" },
    ],
    rows,
  });
}

function passTable(groups: readonly GroupSummary[], records: readonly BenchRecord[]): Cell {
  return table({
    caption: "Per action and model",
    columns: [
      { label: "Action" },
      { label: "Model" },
      { label: "n", digits: 0 },
      { label: "Errors", digits: 0 },
      { label: "Pass", percent: true },
      { label: "95 % interval" },
      { label: "Unparseable", digits: 0 },
      { label: "Check passed", percent: true },
      { label: "Accepted but wrong", digits: 0 },
    ],
    rows: groups.map((g) => {
      const wrong = records.filter(
        (r) => !r.warmup && r.model_id === g.model_id && r.action === g.action && r.quality_pass === true && r.grade?.pass === false,
      ).length;
      const ci = g.pass_rate_ci95 ? `${pct(g.pass_rate_ci95.lower)} – ${pct(g.pass_rate_ci95.upper)}` : null;
      return [g.action, g.model_id, g.n, g.errors, g.pass_rate, ci, g.unparseable, g.quality_pass_rate, wrong];
    }),
  });
}

function goodputCells(slo: Slo, groups: readonly GroupSummary[]): Cell[] {
  const set = [
    slo.ttftMs !== undefined ? `TTFT ≤ ${ms(slo.ttftMs)}` : "",
    slo.tpotMs !== undefined ? `TPOT ≤ ${ms(slo.tpotMs)}` : "",
    slo.e2eMs !== undefined ? `e2e ≤ ${ms(slo.e2eMs)}` : "",
  ].filter(Boolean);
  const what = set.length
    ? `requests that finished without error and met ${set.join(", ")}`
    : "requests that finished without error (no SLO was set: pass `--slo-e2e-ms` and friends to measure against one)";
  return [
    md`
      ## Goodput
      Goodput counts ${what}, as a share of requests and per second of the run's wall time.
    `,
    table({
      columns: [{ label: "Action" }, { label: "Model" }, { label: "Goodput share", percent: true }, { label: "Goodput", unit: "requests/s", digits: 2 }],
      rows: groups.map((g) => [g.action, g.model_id, g.goodput.share, g.goodput.per_s]),
    }),
  ];
}

function answerCells(records: readonly BenchRecord[], models: ModelRef[], max: number): Cell[] {
  const failed = records.filter((r) => !r.warmup && r.error === null && r.grade?.pass === false);
  if (!records.some((r) => r.answer !== null)) {
    return [
      md`
_Answers were not stored in this run; re-run \`bench run\` with \`--store-answers\` to list the ones the grader failed._
      `,
    ];
  }
  const rows = models
    .flatMap((m) =>
      roundRobin(
        failed.filter((r) => r.model_id === m.model && r.answer !== null),
        max,
      ),
    )
    .map((r) => [r.item_id, r.model_id, clip(r.answer!), r.grade!.reason]);
  return [
    md`
      ## Answers the grader failed
      Model output is shown as text, exactly as stored (first ${ANSWER_CHARS} characters): a report never renders it as markup.
    `,
    table({ caption: `Up to ${max} per model`, columns: [{ label: "Item" }, { label: "Model" }, { label: "Answer" }, { label: "Grader" }], rows }),
  ];
}

/** One per action in turn, so the list shows every action's failures rather than the first action's. */
function roundRobin(records: readonly BenchRecord[], max: number): BenchRecord[] {
  const byAction = new Map<string, BenchRecord[]>();
  for (const r of records) byAction.set(r.action, [...(byAction.get(r.action) ?? []), r]);
  const queues = [...byAction.values()];
  const out: BenchRecord[] = [];
  for (let i = 0; out.length < max && queues.some((q) => q.length > i); i++) {
    for (const q of queues) if (q[i] && out.length < max) out.push(q[i]!);
  }
  return out;
}

function clip(s: string): string {
  return s.length > ANSWER_CHARS ? `${s.slice(0, ANSWER_CHARS)}…` : s;
}

if (isMain(import.meta.url)) await runMain(benchScenario);
