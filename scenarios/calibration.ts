/**
 * `tierlab report calibration --run <dir> | --calibration <file>`: how well the router's quality score
 * predicts a right answer (reliability diagram, risk–coverage curve), the thresholds `bench calibrate`
 * chooses (or refuses, and why), and what each threshold costs in escalations and saves in API calls.
 */
import type { Argv } from "yargs";
import { tokenCostUsd } from "../router/config/prices.js";
import {
  CALIBRATE_DEFAULTS,
  calibrateRecords,
  type CalibrationMethod,
  type CalibrationReport,
  type ChoiceReport,
  type GroupReport,
} from "../bench/calibrate/calibrate.js";
import type { BenchRecord } from "../bench/contracts/bench-record.js";
import { DEFAULT_MIN_ITEMS } from "../bench/stats/thresholds.js";
import { headline, md, notebook, table, type Cell } from "../reports/notebook.js";
import { DEFAULT_CONFIG, loadRouterConfig, modelsOfTier, type RouterConfig } from "../router/config/load.js";
import { UsageError } from "../core/errors.js";
import { tierChain } from "../router/policy/escalation.js";
import { reliabilityChart, riskCoverageChart } from "./lib/charts.js";
import { loadCalibrationFile, loadRun } from "./lib/inputs.js";
import { isMain, runMain } from "./lib/main.js";
import { defineScenario, type CommonArgs, type ScenarioContext } from "./lib/scenario.js";
import { count, num, pct } from "./lib/text.js";

interface CalibrationArgs {
  run?: string;
  calibration?: string;
  config?: string;
  alpha: number;
  delta: number;
  "escalation-share": number;
  method: CalibrationMethod;
  "min-items": number;
}

export const calibrationScenario = defineScenario<CalibrationArgs>({
  id: "calibration",
  title: "Calibration",
  describe: "reliability diagram, risk–coverage curve, the chosen thresholds and what they cost and save",
  options: (y: Argv<CommonArgs>) =>
    y
      .option("run", { type: "string", describe: "bench run to calibrate from (recomputes with the flags below)" })
      .option("calibration", { type: "string", describe: "a calibration file written by `bench calibrate` (reads its diagnostics)" })
      .option("config", { type: "string", describe: "router config for the escalation chains and API prices (default: the run's, else config/router.yaml)" })
      .option("alpha", { type: "number", default: CALIBRATE_DEFAULTS.alpha, describe: "risk control: tolerated error rate among accepted answers" })
      .option("delta", { type: "number", default: CALIBRATE_DEFAULTS.delta, describe: "risk control: allowed chance the guarantee fails" })
      .option("escalation-share", { type: "number", default: CALIBRATE_DEFAULTS.share, describe: "escalation share: target share sent to the next tier" })
      .option("method", {
        type: "string",
        choices: ["risk_control", "escalation_share"] as const,
        default: CALIBRATE_DEFAULTS.method,
        describe: "which threshold would be written",
      })
      .option("min-items", { type: "number", default: DEFAULT_MIN_ITEMS, describe: "refuse a group with fewer usable items" })
      .check((a) => {
        if (!a.run === !a.calibration) throw new Error("pass exactly one of --run <bench run> or --calibration <file>");
        return true;
      }) as unknown as Argv<CalibrationArgs & CommonArgs>,
  async run(ctx) {
    const a = ctx.args;
    const loaded = await loadCalibrationInputs(ctx);
    const cells = calibrationCells({ report: loaded.report, params: loaded.params, records: loaded.records, config: loaded.config });
    return notebook({
      id: "calibration",
      title: `Calibration of run ${loaded.report.source_run}`,
      subtitle: `${loaded.report.method} thresholds${a.run ? ", recomputed from the run's records" : `, from ${a.calibration}`}`,
      generatedAt: ctx.stamp(loaded.stamp),
      inputs: ctx.inputs(),
      cells,
    });
  },
});

interface Loaded {
  report: CalibrationReport;
  params: Record<string, number>;
  records: BenchRecord[] | undefined;
  config: RouterConfig | undefined;
  stamp: string;
}

async function loadCalibrationInputs(ctx: ScenarioContext<CalibrationArgs>): Promise<Loaded> {
  const a = ctx.args;
  const configFile = (metaConfig?: string) => a.config ?? metaConfig ?? DEFAULT_CONFIG;
  const loadConfig = (file: string) => {
    ctx.input({ name: "router config", path: file });
    return loadRouterConfig(file, { calibration: false });
  };
  if (a.run) {
    const run = loadRun(ctx, a.run);
    const { calibration, report } = calibrateRecords(run.records, {
      sourceRun: run.id,
      alpha: a.alpha,
      delta: a.delta,
      share: a["escalation-share"],
      method: a.method,
      minItems: a["min-items"],
      now: () => new Date(run.startedAt),
    });
    return { report, params: calibration.params, records: run.records, config: loadConfig(configFile(run.meta?.config.file)), stamp: run.startedAt };
  }
  const file = loadCalibrationFile(ctx, a.calibration!);
  if (!file.report)
    throw new UsageError({ message: `${a.calibration} has no diagnostics to report on`, fix: "pass the bench run it came from with --run instead" });
  return { report: file.report, params: file.calibration.params, records: undefined, config: loadConfig(configFile()), stamp: file.calibration.created_at };
}

const groupName = (g: { action: string; tier: string | null }) => `${g.action} · ${g.tier ?? "all tiers"}`;
const key = (g: GroupReport) => ({ action: g.action, tier: g.tier ?? "all tiers" });
const chosenOf = (r: CalibrationReport, g: GroupReport): ChoiceReport => (r.method === "risk_control" ? g.risk_control : g.escalation_share);

/** The notebook body; exported for the decision report, which shows the same evidence in brief. */
export function calibrationCells(a: {
  report: CalibrationReport;
  params: Record<string, number>;
  records: BenchRecord[] | undefined;
  config: RouterConfig | undefined;
}): Cell[] {
  const r = a.report;
  const x = r.excluded;
  const refused = r.groups.filter((g) => chosenOf(r, g).refused);
  const cells: Cell[] = [
    md`
      The router accepts a local answer when its quality score is at least the threshold, and escalates
      it otherwise. Calibration checks the score against the dataset grader's verdict on run
      \`${r.source_run}\` and picks thresholds by **${r.method.replace("_", " ")}** (risk control: alpha ${String(a.params.alpha ?? CALIBRATE_DEFAULTS.alpha)},
      delta ${String(a.params.delta ?? CALIBRATE_DEFAULTS.delta)}; escalation share: ${pct(a.params.share ?? CALIBRATE_DEFAULTS.share, 0)}); a group needs at least ${r.min_items} usable items.
      Excluded: ${count(x.warmup, "warm-up record")}, ${count(x.errors, "error")}, ${count(x.ungraded, "ungraded answer")}, ${count(x.without_confidence, "answer")} without a score.
    `,
    headline({
      label: "Thresholds chosen",
      value: `${r.written} of ${r.groups.length} groups`,
      status: r.written > 0 ? "holds" : "fails",
      target: "a threshold for every action and tier",
      explanation:
        r.written > 0
          ? `${r.written} written; ${refused.length} refused, where the router keeps the config's threshold`
          : `every group refused, so bench calibrate writes no file and the router keeps the config's thresholds.\nFirst reason: ${chosenOf(r, r.groups[0]!).refused ? (chosenOf(r, r.groups[0]!) as { reason: string }).reason : ""}`,
    }),
  ];
  const bins = r.groups
    .filter((g) => g.tier !== null || r.groups.every((h) => h.tier === null))
    .flatMap((g) =>
      g.reliability
        .filter((b) => b.count > 0 && b.mean_score !== null && b.accuracy !== null)
        .map((b) => ({ ...key(g), mean_score: b.mean_score!, accuracy: b.accuracy!, count: b.count })),
    );
  cells.push(md`
## Does the score predict a right answer?
  `);
  if (bins.length) {
    cells.push(
      reliabilityChart({
        title: "Reliability diagram",
        description:
          "Points on the dashed diagonal mean a score of s is right s of the time; points below it are over-confident. Point size is the number of items.",
        bins,
      }),
    );
  }
  cells.push(metricsTable(r.groups));
  const points = r.groups.flatMap((g) => g.risk_coverage.map((p) => ({ ...key(g), coverage: p.coverage, risk: p.risk, threshold: p.threshold })));
  const chosen = r.groups.flatMap((g) => {
    const c = chosenOf(r, g);
    return c.refused ? [] : [{ ...key(g), coverage: c.coverage, risk: 1 - (c.accepted_accuracy ?? 1), threshold: c.threshold }];
  });
  if (points.length) {
    cells.push(
      riskCoverageChart({
        title: "Risk–coverage curve",
        description:
          "Loosening the threshold accepts more answers locally (coverage) at the price of more wrong ones among them (risk). Diamonds mark chosen thresholds.",
        points,
        chosen,
      }),
    );
  }
  cells.push(...thresholdCells(a, r));
  return cells;
}

function metricsTable(groups: readonly GroupReport[]): Cell {
  return table({
    caption: "Score quality per group (AUROC 0.5 = the score cannot tell right from wrong; ECE and Brier: lower is better)",
    columns: [
      { label: "Action · tier" },
      { label: "n", digits: 0 },
      { label: "Right", percent: true },
      { label: "AUROC", digits: 3 },
      { label: "ECE", digits: 3 },
      { label: "Brier", digits: 3 },
      { label: "AURC", digits: 3 },
    ],
    rows: groups.map((g) => [groupName(g), g.n, g.accuracy, g.auroc, g.ece, g.brier, g.aurc]),
  });
}

/** Mean API cost of one call of `action` on its first paid tier, from the run's token counts. */
function apiCallCost({
  config,
  records,
  action,
  tier,
}: {
  config: RouterConfig | undefined;
  records: BenchRecord[] | undefined;
  action: string;
  tier: string | null;
}): { next: string; usd: number | null } {
  if (!config) return { next: "?", usd: null };
  const chain = tierChain(config, action);
  const from = tier === null ? 0 : chain.indexOf(tier);
  const next = chain[from + 1] ?? "none";
  const paid = chain
    .slice(from + 1)
    .map((t) => modelsOfTier(config, t)[0])
    .find((m) => m && !m.local && m.pricing);
  const rows = (records ?? []).filter((r) => !r.warmup && r.action === action && r.input_tokens !== null && r.output_tokens !== null);
  if (!paid || rows.length === 0) return { next, usd: null };
  // Each measured call priced as the router would bill it, then averaged (long-context rates are per call).
  const usd = rows.reduce((s, r) => s + tokenCostUsd(paid.pricing!, { inputTokens: r.input_tokens!, outputTokens: r.output_tokens! }), 0) / rows.length;
  return { next, usd };
}

function thresholdCells(a: { records: BenchRecord[] | undefined; config: RouterConfig | undefined }, r: CalibrationReport): Cell[] {
  const rows = r.groups.flatMap((g) => {
    const c = chosenOf(r, g);
    if (c.refused) return [];
    const cost = apiCallCost({ config: a.config, records: a.records, action: g.action, tier: g.tier });
    const per1k = cost.usd === null ? null : 1000 * cost.usd;
    return [
      [
        groupName(g),
        num(c.threshold, 3),
        c.coverage,
        c.accepted_accuracy === null ? null : c.coverage * (1 - c.accepted_accuracy) * 1000,
        cost.next,
        per1k === null ? null : per1k * c.escalation_rate,
        per1k === null ? null : per1k * c.coverage,
      ],
    ];
  });
  const reasons = r.groups.flatMap((g) => {
    const c = chosenOf(r, g);
    return c.refused ? [`- **${groupName(g)}**: ${c.reason}`] : [];
  });
  const unique = [...new Set(reasons)];
  const cells: Cell[] = [];
  if (rows.length)
    cells.push(
      md`
        ## Chosen thresholds and what they cost

        Per 1,000 requests of the action: answers kept local, wrong answers among them, the API spend of
        the escalations and the spend the kept answers save. Spend is priced at the first paid tier of the
        chain (mean token counts of the run × the price table), so when a local tier comes next it is an
        upper bound: that tier may answer some escalations for nothing but latency.
      `,
      table({
        columns: [
          { label: "Action · tier" },
          { label: "Threshold" },
          { label: "Kept local", percent: true },
          { label: "Wrong kept", unit: "/1k", digits: 1 },
          { label: "Next tier" },
          { label: "Escalations", unit: "$/1k", digits: 4 },
          { label: "Saved", unit: "$/1k", digits: 4 },
        ],
        rows,
      }),
    );
  if (unique.length) {
    cells.push(
      md`
### Why groups were refused, and what to do
      `,
      md(unique.join("\n")),
      md`
      A refusal is the honest answer for a small sample: with fewer than ${r.min_items} graded items per
      action and tier, no threshold can be shown to keep errors below alpha. Label more items for those
      actions (or bench with a larger \`--limit\`), then run \`bench calibrate\` again; until then the router
      uses the thresholds in the config.
    `,
    );
  }
  return cells;
}

if (isMain(import.meta.url)) await runMain(calibrationScenario);
