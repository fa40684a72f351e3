/**
 * `tierlab report regression --base <run> --head <run>`: the `bench compare` result as a report for a
 * pull request. Same pairing, tests and criteria (compareRuns), same exit code: 5 on a significant
 * regression, so CI can attach the report and fail the job in one step.
 */
import type { Argv } from "yargs";
import { COMPARE_DEFAULTS, compareRuns, type CompareResult, type GroupComparison, type LatencyComparison } from "../bench/compare/compare.js";
import { headline, md, notebook, table, type Cell } from "../reports/notebook.js";
import { intervalChart } from "./lib/charts.js";
import { loadRun } from "./lib/inputs.js";
import { isMain, runMain } from "./lib/main.js";
import { withCompareCriteria, type CompareCriteriaArgs } from "../bench/compare/options.js";
import { defineScenario, type CommonArgs } from "./lib/scenario.js";
import { count, ms, num } from "./lib/text.js";

interface RegressionArgs extends CompareCriteriaArgs {
  base: string;
  head: string;
  iterations: number;
}

export const regressionScenario = defineScenario<RegressionArgs>({
  id: "regression",
  title: "Regression check",
  describe: "the `bench compare` result as a report for CI; exit 5 on a significant regression",
  options: (y: Argv<CommonArgs>) =>
    withCompareCriteria(
      y
        .option("base", { type: "string", demandOption: true, describe: "base run id (under results/) or folder" })
        .option("head", { type: "string", demandOption: true, describe: "head run id (under results/) or folder" }),
    ).option("iterations", { type: "number", default: COMPARE_DEFAULTS.iterations, describe: "bootstrap resamples" }) as Argv<RegressionArgs & CommonArgs>,
  async run(ctx) {
    const a = ctx.args;
    const base = loadRun(ctx, a.base, { name: "base run" });
    const head = loadRun(ctx, a.head, { name: "head run" });
    const result = compareRuns(base.records, head.records, {
      margin: a.margin,
      alpha: a.alpha,
      latencyMarginMs: a["latency-margin-ms"],
      latencyMargin: a["latency-margin"],
      pairedShare: a["paired-share"],
      seed: a.seed,
      iterations: a.iterations,
    });
    ctx.setExitCode(result.exit_code);
    return notebook({
      id: "regression",
      title: `Regression check: ${result.base_run} → ${result.head_run}`,
      subtitle: "a head bench run against its base: paired on shared items, unpaired otherwise",
      generatedAt: ctx.stamp(head.startedAt),
      inputs: ctx.inputs(),
      cells: regressionCells(result),
    });
  },
});

const groupLabel = (g: GroupComparison) => `${g.model_id} · ${g.action}`;
const p50Of = (g: GroupComparison): LatencyComparison | undefined => g.latency.find((l) => l.metric === "e2e_p50");

export function regressionCells(r: CompareResult): Cell[] {
  const o = r.options;
  const regressed = r.groups.filter((g) => g.regression);
  const cells: Cell[] = [
    headline({
      label: "Regression check",
      value: regressed.length
        ? `regression in ${regressed.length} of ${r.groups.length} groups`
        : `no significant regression in ${count(r.groups.length, "group")}`,
      status: regressed.length ? "fails" : "holds",
      target: "no model/action group significantly worse",
      explanation: regressed.length ? `regressed: ${regressed.map(groupLabel).join(", ")}; exit code ${r.exit_code}` : `exit code ${r.exit_code}`,
    }),
    md`
      A group regresses when its pass rate drops by at least ${num(o.margin * 100, 1)} points with a one-sided exact test
      below p = ${String(o.alpha)}, or when its end-to-end p50 rises by at least ${num(o.latencyMargin * 100, 1)} % **and** by at least
      ${String(o.latencyMarginMs)} ms (the practical effect) with head slower at p < ${String(o.alpha)} (significance: a sign test on the items
      both runs measured, Mann–Whitney U for independent runs; both stay valid with a handful of items). Both halves are
      needed: two identical runs on a loaded machine differ significantly but not by that much. The p50 ratio's bootstrap
      interval is shown too (seed ${o.seed}, ${num(o.iterations, 0)} resamples). Groups whose runs measured the same items are
      compared item by item (McNemar, paired bootstrap); groups whose runs share few items (different seeds or samples)
      are compared as independent samples (Fisher's exact test, two-sample bootstrap). Items that failed with an error are counted apart.
    `,
  ];
  if (r.unpaired.base || r.unpaired.head)
    cells.push(
      md`*Items measured in one run only: ${count(r.unpaired.base, "record")} in base, ${count(r.unpaired.head, "record")} in head (used by unpaired groups, left out of paired ones).*`,
    );
  for (const g of r.groups) if (g.quality) cells.push(md`**${groupLabel(g)}** (${g.design}): ${g.design_reason}; pass rate by ${g.quality.test_reason}.`);
  const quality = r.groups.filter((g) => g.quality !== null);
  if (quality.length) {
    cells.push(
      intervalChart({
        title: "Pass rate, base and head, with 95 % intervals",
        description: "Wilson intervals over the items graded in both runs.",
        rows: quality.flatMap((g) => [
          { label: groupLabel(g), group: "base", value: g.quality!.base_rate, lower: g.quality!.base_ci95.lower, upper: g.quality!.base_ci95.upper },
          { label: groupLabel(g), group: "head", value: g.quality!.head_rate, lower: g.quality!.head_ci95.lower, upper: g.quality!.head_ci95.upper },
        ]),
        valueLabel: "Pass rate",
        unit: "%",
        labelTitle: "Model · action",
        groupTitle: "Run",
        dodge: true,
      }),
    );
  }
  const lat = r.groups.filter((g) => p50Of(g) !== undefined);
  if (lat.length) {
    cells.push(
      intervalChart({
        title: "Change in end-to-end p50 latency, head − base",
        description: "Point: difference of medians; bar: its 95 % bootstrap interval. Right of the dashed line is slower.",
        rows: lat.map((g) => {
          const l = p50Of(g)!;
          return { label: groupLabel(g), group: l.regression ? "regression" : "within margin", value: l.diff, lower: l.lower, upper: l.upper };
        }),
        valueLabel: "e2e p50 change",
        unit: "ms",
        labelTitle: "Model · action",
        groupTitle: "Verdict",
        percent: false,
        colors: { regression: "#D55E00", "within margin": "#0072B2" },
        target: { value: 0, label: "no change" },
      }),
    );
  }
  cells.push(
    table({
      caption: "Per model and action",
      columns: [
        { label: "Model · action" },
        { label: "Design" },
        { label: "Shared items", digits: 0 },
        { label: "Pass base", percent: true },
        { label: "Pass head", percent: true },
        { label: "Test, one-sided p" },
        { label: "p50 base", unit: "ms", digits: 1 },
        { label: "p50 head", unit: "ms", digits: 1 },
        { label: "Latency gate" },
        { label: "Verdict" },
      ],
      rows: r.groups.map((g) => {
        const q = g.quality;
        const l = p50Of(g);
        const gate = l ? `${l.significant ? "significant" : "not significant"}, ${l.practical ? "practical" : "below the effect"}` : null;
        return [
          groupLabel(g),
          g.design,
          g.paired,
          q?.base_rate ?? null,
          q?.head_rate ?? null,
          q ? `${q.test === "mcnemar_exact" ? "McNemar" : "Fisher"} ${pValue(q.p_regression)}` : null,
          l?.base ?? null,
          l?.head ?? null,
          gate,
          g.regression ? "regression" : "ok",
        ];
      }),
    }),
  );
  const errs = r.groups.filter((g) => g.errors.head > g.errors.base);
  if (errs.length)
    cells.push(
      md`**Head failed on more items** (kept out of the pass rates): ${errs.map((g) => `${groupLabel(g)} ${g.errors.base} → ${g.errors.head}`).join("; ")}.`,
    );
  const details = r.groups.flatMap((g) =>
    g.latency.map((l) => [groupLabel(g), l.metric.replace("_", " "), l.base, l.head, `${sign(l.diff)} [${sign(l.lower)}, ${sign(l.upper)}]`, l.relative]),
  );
  if (details.length) {
    cells.push(
      table({
        caption: "Latency, bootstrap (95 %; paired or two-sample as the group's design)",
        columns: [
          { label: "Model · action" },
          { label: "Metric" },
          { label: "Base", unit: "ms", digits: 1 },
          { label: "Head", unit: "ms", digits: 1 },
          { label: "Change (ms) [interval]" },
          { label: "Relative", percent: true },
        ],
        rows: details,
      }),
    );
  }
  return cells;
}

function pValue(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}

function sign(x: number): string {
  const s = ms(Math.abs(x)).replace(" ms", "");
  return x > 0 ? `+${s}` : x < 0 ? `−${s}` : s;
}

if (isMain(import.meta.url)) await runMain(regressionScenario);
