/**
 * `tierlab report usage-profiles`: the light / medium / heavy profiles side by side. Fan charts of
 * daily and cumulative cost, the exceedance curve P(cost > X), savings distributions against the
 * seed's 70 % and 75 % targets, and the tornado chart of what moves the cost most.
 */
import type { Argv } from "yargs";
import { headline, md, notebook, table, type Cell } from "../reports/notebook.js";
import { unitTitle } from "../reports/palette.js";
import type { SimulationResults } from "../simulator/results.js";
import { binnedChart, exceedanceChart, fanChart, tornadoChart } from "./lib/charts.js";
import { isMain, runMain } from "./lib/main.js";
import { defineScenario, type CommonArgs } from "./lib/scenario.js";
import { profileSimulations, simulationStamp, withProfileSimOptions, type ProfileSimArgs } from "./lib/simulate.js";
import { LIKELIHOOD_RULE, likelihood, num, pct, usd } from "./lib/text.js";

export const usageProfilesScenario = defineScenario<ProfileSimArgs>({
  id: "usage-profiles",
  title: "Usage profiles",
  describe: "light/medium/heavy: fan charts of daily and cumulative cost, P(cost > X), savings against 70 % and 75 %, tornado",
  options: (y: Argv<CommonArgs>) => withProfileSimOptions(y),
  async run(ctx) {
    const sims = await profileSimulations(ctx, ctx.args, { scenarioId: "usage-profiles", sensitivity: true });
    return notebook({
      id: "usage-profiles",
      title: "Cost by usage profile",
      subtitle: `${sims.map((s) => s.profile.name).join(", ")}: hybrid routing against pure API, ${sims[0]!.days} days`,
      generatedAt: ctx.stamp(simulationStamp(sims)),
      inputs: ctx.inputs(),
      cells: usageProfileCells(sims),
    });
  },
});

const savingsMetric = (s: SimulationResults, id: string) =>
  [s.success_metrics.week, s.success_metrics.month].flatMap((b) => b?.metrics ?? []).find((m) => m.id === id);

export function usageProfileCells(sims: SimulationResults[]): Cell[] {
  const first = sims[0]!;
  // A replayed bench run's latencies are modelled from a hardware profile; the simulation's sources say so.
  const modelled = first.inputs.actions.some((a) => a.chain.some((c) => c.latency_source.endsWith("_modelled")));
  const bench = first.files.bench
    ? modelled
      ? `pass rates and token sizes from the bench run \`${first.files.bench.path}\` (replayed answers) and latencies modelled from its hardware profile, not measured`
      : `pass rates, token sizes and latencies measured by the bench run \`${first.files.bench.path}\``
    : "pass rates, token sizes and latencies taken from the stated assumptions in the profiles file (no bench run given)";
  const cells: Cell[] = [
    md`
      Each profile is simulated ${num(first.trials, 0)} times over ${first.days} days (seed ${first.seed}, ${first.mode} mode) with ${bench}.
      Pure API is the same traffic sent to the ${first.inputs.baseline_tier} tier, on the same random numbers, so the
      savings of one trial compare like with like. Profiles differ in volume and in their action mix: more code,
      reasoning and planning (which start on, or escalate to, the paid tier) means lower savings.
    `,
  ];
  for (const s of sims) {
    const m = s.month ?? s.horizon;
    const month = savingsMetric(s, "month_savings");
    const l = likelihood(month?.probability ?? null);
    cells.push(
      headline({
        label: `Savings vs pure API, ${s.profile.name} (P50 over ${m.days} days)`,
        value: m.savings.p50 * 100,
        unit: "%",
        digits: 1,
        target: month ? `savings ${month.target} over a month: ${l}` : undefined,
        status: l === "likely" ? "holds" : l === "unlikely" ? "fails" : "info",
        explanation:
          `1 − hybrid / pure API per trial; P5–P95 ${pct(m.savings.p5)} – ${pct(m.savings.p95)}; hybrid ${usd(m.hybrid_cost_usd.p50)} vs pure API ${usd(m.api_cost_usd.p50)} (P50)` +
          (month ? `\nP(savings ${month.target}) = ${pct(month.probability)}; ${LIKELIHOOD_RULE}` : ""),
      }),
    );
  }
  cells.push(summaryTable(sims));
  cells.push(
    md`
## Daily and cumulative cost
    `,
    md`
Bands: P5–P95 (light) and P25–P75 (darker); line: median. Weekends are quieter in every profile.
    `,
  );
  for (const s of sims) {
    const band = (day: number, series: string) => (b: { p5: number; p25: number; p50: number; p75: number; p95: number }) => ({
      x: day + 1,
      series,
      p5: b.p5,
      p25: b.p25,
      p50: b.p50,
      p75: b.p75,
      p95: b.p95,
    });
    cells.push(
      fanChart({
        title: `Daily cost, ${s.profile.name} profile`,
        rows: s.per_day.flatMap((d) => [band(d.day, "hybrid")(d.hybrid_cost_usd), band(d.day, "pure API")(d.api_cost_usd)]),
        xTitle: unitTitle("Day of the period", "day"),
        yTitle: unitTitle("Cost per day", "USD"),
        seriesTitle: "Routing",
      }),
    );
    cells.push(
      fanChart({
        title: `Cumulative cost, ${s.profile.name} profile`,
        rows: s.per_day.flatMap((d) => [band(d.day, "hybrid")(d.cumulative_hybrid_usd), band(d.day, "pure API")(d.cumulative_api_usd)]),
        xTitle: unitTitle("Day of the period", "day"),
        yTitle: unitTitle("Cost so far", "USD"),
        seriesTitle: "Routing",
      }),
    );
  }
  cells.push(md`
## How likely is a given bill?
  `);
  cells.push(
    exceedanceChart({
      title: `P(cost over ${first.days} days > X)`,
      description: "Read across from a budget on the x axis to the chance of spending more than it.",
      rows: sims.flatMap((s) => [
        ...s.exceedance.hybrid_cost_usd.map((p) => ({ profile: s.profile.name, routing: "hybrid", usd: p.usd, p: p.p })),
        ...s.exceedance.api_cost_usd.map((p) => ({ profile: s.profile.name, routing: "pure API", usd: p.usd, p: p.p })),
      ]),
      costLabel: `Cost over ${first.days} days`,
    }),
  );
  cells.push(md`
## Savings against the seed's targets
  `);
  cells.push(
    binnedChart({
      title: `Savings over ${first.days} days, distribution per profile`,
      description: "Dashed lines: the seed's 70 % (after a week) and 75 % (after a month) targets.",
      rows: sims.flatMap((s) => s.savings_samples.histogram.map((h) => ({ series: s.profile.name, lo: h.lo, hi: h.hi, share: h.count / s.trials }))),
      valueLabel: "Savings vs pure API",
      unit: "%",
      percentX: true,
      seriesTitle: "Profile",
      targets: [
        { value: 0.7, label: "70 % (week target)" },
        { value: 0.75, label: "75 % (month target)" },
      ],
    }),
  );
  cells.push(...tornadoCells(sims));
  if (first.notes.length)
    cells.push(
      md`
## Notes from the simulator
      `,
      md(first.notes.map((n) => `- ${n}`).join("\n")),
    );
  return cells;
}

function summaryTable(sims: SimulationResults[]): Cell {
  return table({
    caption:
      "Per profile over a month (days 1-30): costs, P50 savings, and the share of trials meeting the seed's savings targets after a week (> 70 %) and a month (> 75 %)",
    columns: [
      { label: "Profile" },
      { label: "Req./day", digits: 0 },
      { label: "Hybrid P50", unit: "$", digits: 2 },
      { label: "Hybrid P95", unit: "$", digits: 2 },
      { label: "API P50", unit: "$", digits: 2 },
      { label: "Savings", percent: true },
      { label: "P(wk > 70 %)", percent: true },
      { label: "P(mo > 75 %)", percent: true },
    ],
    rows: sims.map((s) => {
      const m = s.month ?? s.horizon;
      return [
        s.profile.name,
        s.inputs.volume.mean_requests_per_day,
        m.hybrid_cost_usd.p50,
        m.hybrid_cost_usd.p95,
        m.api_cost_usd.p50,
        m.savings.p50,
        savingsMetric(s, "week_savings")?.probability ?? null,
        savingsMetric(s, "month_savings")?.probability ?? null,
      ];
    }),
  });
}

function tornadoCells(sims: SimulationResults[]): Cell[] {
  const withSens = sims.filter((s) => s.sensitivity !== null && s.sensitivity.tornado.length > 0);
  if (withSens.length === 0)
    return [
      md`
_No sensitivity analysis in these results (simulated with \`--no-sensitivity\`)._
      `,
    ];
  const cells: Cell[] = [
    md`
    ## What moves the cost
    Each input is moved on its own (±${pct(withSens[0]!.sensitivity!.delta, 0)}, pass rates across their 90 % interval) with the same
    random numbers, so the bars show that input's effect alone on the P50 hybrid cost.
  `,
  ];
  for (const s of withSens) {
    const sens = s.sensitivity!;
    cells.push(
      tornadoChart({
        title: `Sensitivity of the P50 hybrid cost, ${s.profile.name} profile`,
        description: `Base ${usd(sens.base.hybrid_p50_usd)} over ${s.days} days (${num(sens.trials, 0)} trials per run).`,
        rows: sens.tornado.map((t) => ({
          input: t.input,
          lowLabel: t.low_label,
          highLabel: t.high_label,
          low: t.low.hybrid_p50_usd,
          high: t.high.hybrid_p50_usd,
        })),
        base: sens.base.hybrid_p50_usd,
        valueLabel: `P50 hybrid cost over ${s.days} days`,
        unit: "USD",
      }),
    );
  }
  const be = withSens.flatMap((s) =>
    s.sensitivity!.break_even.map((b) => [s.profile.name, b.input, b.value === null ? "none" : `${num(b.value)} ${b.unit}`, b.note]),
  );
  if (be.length)
    cells.push(
      table({
        caption: "Break-even: where P50 savings reach 0",
        columns: [{ label: "Profile" }, { label: "Input" }, { label: "Break-even" }, { label: "Note" }],
        rows: be,
      }),
    );
  return cells;
}

if (isMain(import.meta.url)) await runMain(usageProfilesScenario);
