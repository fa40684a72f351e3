/**
 * The chart shapes scenarios share, built on reports/notebook.ts `chart()` (which enforces titled
 * axes with units and inline data). Each helper takes plain rows and returns a chart cell; the Vega-Lite
 * details (layers, bands, step lines) live here once instead of in every scenario.
 */
import { chart, type ChartCell, type DataRow } from "../../reports/notebook.js";
import { OKABE_ITO, unitTitle } from "../../reports/palette.js";

const PCT_AXIS = { format: ".0%" };
/**
 * Long category labels (action · model) push a rotated title into them when the font Vega measures
 * with differs from the one the browser draws; a horizontal title above the labels cannot collide.
 */
const CATEGORY_Y_AXIS = { titleAngle: 0, titleAlign: "right", titleBaseline: "bottom", titleX: -6, titleY: -8 };
/** Wide enough for long series names (model ids, "action · tier") under the chart. */
const legend = (title: string) => ({ title, orient: "bottom", columns: 3, labelLimit: 260 });

interface Base {
  title: string;
  description?: string;
}

/** Empirical CDF points: the share of values ≤ x, one point per distinct value (at most `max`). */
export function ecdf(values: readonly number[], max = 300): { value: number; p: number }[] {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = sorted.length;
  const out: { value: number; p: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (i + 1 < n && sorted[i + 1] === sorted[i]) continue;
    out.push({ value: sorted[i]!, p: (i + 1) / n });
  }
  if (out.length <= max) return out;
  // Thinned by rank, keeping both ends, so the tail a reader looks at stays exact.
  const step = (out.length - 1) / (max - 1);
  return Array.from({ length: max }, (_x, k) => out[Math.round(k * step)]!);
}

export function cdfChart(
  a: Base & { series: { name: string; values: readonly number[] }[]; label: string; unit: string; seriesTitle: string; log?: boolean },
): ChartCell {
  const data: DataRow[] = a.series.flatMap((s) => ecdf(s.values).map((pt) => ({ series: s.name, value: pt.value, p: pt.p })));
  const names = a.series.map((s) => s.name);
  const log = a.log === true && data.every((d) => (d.value as number) > 0);
  return chart({
    title: a.title,
    ...(a.description ? { description: a.description } : {}),
    spec: {
      mark: { type: "line", interpolate: "step-after", point: { size: 14 }, tooltip: true },
      encoding: {
        x: { field: "value", type: "quantitative", title: unitTitle(a.label, a.unit), ...(log ? { scale: { type: "log" } } : {}) },
        y: { field: "p", type: "quantitative", title: unitTitle("Requests at or below", "%"), axis: PCT_AXIS, scale: { domain: [0, 1] } },
        color: { field: "series", type: "nominal", legend: legend(a.seriesTitle), sort: names },
      },
    },
    data,
  });
}

export interface FanRow {
  x: number;
  series: string;
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

/** P5–P95 band, P25–P75 band and the median line, one colour per series. */
export function fanChart(a: Base & { rows: FanRow[]; xTitle: string; yTitle: string; seriesTitle: string }): ChartCell {
  const x = { field: "x", type: "quantitative", title: a.xTitle, scale: { zero: false, nice: false } };
  const color = { field: "series", type: "nominal", legend: legend(a.seriesTitle) };
  return chart({
    title: a.title,
    ...(a.description ? { description: a.description } : {}),
    spec: {
      layer: [
        { mark: { type: "area", opacity: 0.18 }, encoding: { x, y: { field: "p5", type: "quantitative", title: a.yTitle }, y2: { field: "p95" }, color } },
        { mark: { type: "area", opacity: 0.35 }, encoding: { x, y: { field: "p25", type: "quantitative", title: a.yTitle }, y2: { field: "p75" }, color } },
        { mark: { type: "line", tooltip: true }, encoding: { x, y: { field: "p50", type: "quantitative", title: a.yTitle }, color } },
      ],
    },
    data: a.rows.map((r) => ({ ...r })),
  });
}

/** P(cost > X) curves, colour per profile and dash per routing; a log x axis when they span > 20×. */
export function exceedanceChart(a: Base & { rows: { profile: string; routing: string; usd: number; p: number }[]; costLabel: string }): ChartCell {
  const positive = a.rows.filter((r) => r.usd > 0);
  const log =
    positive.length === a.rows.length && positive.length > 0 && Math.max(...positive.map((r) => r.usd)) / Math.min(...positive.map((r) => r.usd)) > 20;
  const profiles = [...new Set(a.rows.map((r) => r.profile))];
  return chart({
    title: a.title,
    ...(a.description ? { description: a.description } : {}),
    spec: {
      mark: { type: "line", tooltip: true },
      encoding: {
        x: { field: "usd", type: "quantitative", title: unitTitle(a.costLabel, "USD"), ...(log ? { scale: { type: "log" } } : {}) },
        y: { field: "p", type: "quantitative", title: unitTitle("P(cost > X)", "%"), axis: PCT_AXIS, scale: { domain: [0, 1] } },
        color: { field: "profile", type: "nominal", legend: legend("Profile"), sort: profiles },
        strokeDash: { field: "routing", type: "nominal", legend: legend("Routing") },
      },
    },
    data: a.rows.map((r) => ({ ...r })),
  });
}

export interface TornadoInput {
  input: string;
  lowLabel: string;
  highLabel: string;
  low: number;
  high: number;
}

/** Bars from the base value to each input's low and high result, widest swing on top. */
export function tornadoChart(a: Base & { rows: TornadoInput[]; base: number; valueLabel: string; unit: string }): ChartCell {
  const ordered = [...a.rows].sort((p, q) => Math.abs(q.high - q.low) - Math.abs(p.high - p.low));
  const data: DataRow[] = ordered.flatMap((r) => [
    { input: r.input, side: "input lowered", setting: r.lowLabel, from: a.base, to: r.low },
    { input: r.input, side: "input raised", setting: r.highLabel, from: a.base, to: r.high },
  ]);
  const y = { field: "input", type: "nominal", title: "Input", sort: ordered.map((r) => r.input), axis: CATEGORY_Y_AXIS };
  return chart({
    title: a.title,
    ...(a.description ? { description: a.description } : {}),
    spec: {
      height: Math.max(120, 28 * ordered.length),
      layer: [
        {
          mark: { type: "bar", tooltip: true, height: { band: 0.7 } },
          encoding: {
            y,
            x: { field: "from", type: "quantitative", title: unitTitle(a.valueLabel, a.unit), scale: { zero: false } },
            x2: { field: "to" },
            color: {
              field: "side",
              type: "nominal",
              legend: legend("Change"),
              scale: { domain: ["input lowered", "input raised"], range: [OKABE_ITO[0], OKABE_ITO[1]] },
            },
          },
        },
        {
          data: { values: [{ base: a.base }] },
          mark: { type: "rule", color: "#000000", strokeDash: [4, 3] },
          encoding: { x: { field: "base", type: "quantitative", title: unitTitle(a.valueLabel, a.unit) } },
        },
      ],
    },
    data,
  });
}

export interface GroupKey {
  action: string;
  /** "all tiers" for a pooled group. */
  tier: string;
}

const byAction = { field: "action", type: "nominal", legend: legend("Action") };
const byTier = (channel: "shape" | "strokeDash") => ({ field: "tier", type: "nominal", legend: legend(channel === "shape" ? "Tier (shape)" : "Tier (dash)") });

/** Mean score vs observed accuracy per bin, with the diagonal of perfect calibration. */
export function reliabilityChart(a: Base & { bins: (GroupKey & { mean_score: number; accuracy: number; count: number })[] }): ChartCell {
  const x = { field: "mean_score", type: "quantitative", title: unitTitle("Mean quality score in bin", "0–1"), scale: { domain: [0, 1] } };
  const y = { field: "accuracy", type: "quantitative", title: unitTitle("Answers graded correct", "%"), axis: PCT_AXIS, scale: { domain: [0, 1] } };
  return chart({
    title: a.title,
    ...(a.description ? { description: a.description } : {}),
    spec: {
      layer: [
        {
          data: { values: [{ d: 0 }, { d: 1 }] },
          mark: { type: "line", color: "#888888", strokeDash: [4, 3] },
          encoding: { x: { field: "d", type: "quantitative", title: x.title }, y: { field: "d", type: "quantitative", title: y.title } },
        },
        { mark: { type: "line", opacity: 0.6 }, encoding: { x, y, color: byAction, detail: { field: "tier", type: "nominal" } } },
        {
          mark: { type: "point", filled: true, opacity: 0.85, tooltip: true },
          encoding: {
            x,
            y,
            color: byAction,
            shape: byTier("shape"),
            size: { field: "count", type: "quantitative", title: "Items in bin", scale: { range: [40, 400] }, legend: null },
          },
        },
      ],
    },
    data: a.bins.map((b) => ({ ...b })),
  });
}

/** Error rate among accepted answers against the share accepted, as the threshold loosens. */
export function riskCoverageChart(
  a: Base & {
    points: (GroupKey & { coverage: number; risk: number; threshold: number })[];
    chosen: (GroupKey & { coverage: number; risk: number; threshold: number })[];
  },
): ChartCell {
  const x = { field: "coverage", type: "quantitative", title: unitTitle("Coverage: answers accepted locally", "%"), axis: PCT_AXIS, scale: { domain: [0, 1] } };
  const y = { field: "risk", type: "quantitative", title: unitTitle("Risk: accepted answers that are wrong", "%"), axis: PCT_AXIS, scale: { domain: [0, 1] } };
  const layer: Record<string, unknown>[] = [
    { mark: { type: "line", interpolate: "step-after", point: true, tooltip: true }, encoding: { x, y, color: byAction, strokeDash: byTier("strokeDash") } },
  ];
  if (a.chosen.length) {
    layer.push({
      data: { values: a.chosen.map((c) => ({ ...c })) },
      mark: { type: "point", shape: "diamond", size: 160, filled: false, strokeWidth: 2, tooltip: true },
      encoding: { x, y, color: byAction },
    });
  }
  return chart({ title: a.title, ...(a.description ? { description: a.description } : {}), spec: { layer }, data: a.points.map((p) => ({ ...p })) });
}

export interface IntervalRow {
  label: string;
  group: string;
  value: number;
  lower: number;
  upper: number;
}

/** A point with its interval per row: pass rates with Wilson intervals, probabilities, cost ranges. */
export function intervalChart(
  a: Base & {
    rows: IntervalRow[];
    valueLabel: string;
    unit: string;
    labelTitle: string;
    groupTitle: string;
    percent?: boolean;
    target?: { value: number; label: string };
    dodge?: boolean;
    colors?: Record<string, string>;
  },
): ChartCell {
  const pct = a.percent ?? a.unit === "%";
  const x = { field: "value", type: "quantitative", title: unitTitle(a.valueLabel, a.unit), ...(pct ? { axis: PCT_AXIS, scale: { domain: [0, 1] } } : {}) };
  const y = { field: "label", type: "nominal", title: a.labelTitle, sort: null, axis: CATEGORY_Y_AXIS };
  const color = {
    field: "group",
    type: "nominal",
    legend: legend(a.groupTitle),
    ...(a.colors ? { scale: { domain: Object.keys(a.colors), range: Object.values(a.colors) } } : {}),
  };
  // Several groups per row (base and head) sit side by side within the row instead of on top of each other.
  const offset = a.dodge ? { yOffset: { field: "group", type: "nominal", sort: [...new Set(a.rows.map((r) => r.group))] } } : {};
  const layer: Record<string, unknown>[] = [
    {
      mark: { type: "rule", strokeWidth: 2 },
      encoding: { y, x: { field: "lower", type: "quantitative", title: x.title }, x2: { field: "upper" }, color, ...offset },
    },
    { mark: { type: "point", size: 70, filled: true, tooltip: true }, encoding: { y, x, color, ...offset } },
  ];
  if (a.target)
    layer.push({
      data: { values: [{ target: a.target.value, what: a.target.label }] },
      mark: { type: "rule", color: "#000000", strokeDash: [5, 3], strokeWidth: 1.5 },
      encoding: { x: { field: "target", type: "quantitative", title: x.title } },
    });
  return chart({
    title: a.title,
    ...(a.description ? { description: a.description } : {}),
    spec: { height: Math.max(100, (a.dodge ? 34 : 22) * new Set(a.rows.map((r) => r.label)).size), layer },
    data: a.rows.map((r) => ({ ...r })),
  });
}

/** Histogram from pre-binned counts, with dashed rules at target values. */
export function binnedChart(
  a: Base & {
    rows: { series: string; lo: number; hi: number; share: number }[];
    valueLabel: string;
    unit: string;
    percentX?: boolean;
    targets?: { value: number; label: string }[];
    seriesTitle: string;
  },
): ChartCell {
  const x = { field: "lo", type: "quantitative", title: unitTitle(a.valueLabel, a.unit), ...(a.percentX ? { axis: PCT_AXIS } : {}) };
  const layer: Record<string, unknown>[] = [
    {
      mark: { type: "bar", opacity: 0.55, tooltip: true, binSpacing: 0 },
      // y2 at zero: with a ranged x, Vega-Lite would otherwise draw each bin as a thin horizontal bar.
      encoding: {
        x,
        x2: { field: "hi" },
        y: { field: "share", type: "quantitative", title: unitTitle("Share of trials", "%"), axis: PCT_AXIS, stack: null },
        y2: { datum: 0 },
        color: { field: "series", type: "nominal", legend: legend(a.seriesTitle), sort: [...new Set(a.rows.map((r) => r.series))] },
      },
    },
  ];
  if (a.targets?.length) {
    layer.push({
      data: { values: a.targets.map((t) => ({ target: t.value, what: t.label })) },
      mark: { type: "rule", color: "#000000", strokeDash: [5, 3], strokeWidth: 2, tooltip: true },
      encoding: { x: { field: "target", type: "quantitative", title: x.title } },
    });
  }
  return chart({ title: a.title, ...(a.description ? { description: a.description } : {}), spec: { layer }, data: a.rows.map((r) => ({ ...r })) });
}

/** Horizontal bars of one value per label, optionally coloured by group. */
export function barChart(
  a: Base & {
    rows: { label: string; group: string; value: number }[];
    valueLabel: string;
    unit: string;
    labelTitle: string;
    groupTitle: string;
    percent?: boolean;
    dodge?: boolean;
    colors?: Record<string, string>;
  },
): ChartCell {
  const pct = a.percent ?? a.unit === "%";
  const labels = new Set(a.rows.map((r) => r.label)).size;
  const groups = [...new Set(a.rows.map((r) => r.group))];
  return chart({
    title: a.title,
    ...(a.description ? { description: a.description } : {}),
    spec: {
      height: Math.max(100, (a.dodge ? 10 + 10 * groups.length : 22) * labels),
      mark: { type: "bar", tooltip: true },
      encoding: {
        y: { field: "label", type: "nominal", title: a.labelTitle, sort: null, axis: CATEGORY_Y_AXIS },
        x: { field: "value", type: "quantitative", title: unitTitle(a.valueLabel, a.unit), ...(pct ? { axis: PCT_AXIS, scale: { domain: [0, 1] } } : {}) },
        color: {
          field: "group",
          type: "nominal",
          legend: legend(a.groupTitle),
          ...(a.colors ? { scale: { domain: Object.keys(a.colors), range: Object.values(a.colors) } } : { sort: groups }),
        },
        ...(a.dodge ? { yOffset: { field: "group", type: "nominal", sort: groups } } : {}),
      },
    },
    data: a.rows.map((r) => ({ ...r })),
  });
}

export interface FrontierRow {
  policy: string;
  role: string;
  cost: number;
  accuracy: number;
  lower: number;
  upper: number;
}

/** Accuracy with its 95 % interval against cost, one labelled point per policy, coloured and shaped by role. */
export function frontierChart(a: Base & { rows: FrontierRow[]; roles: readonly string[] }): ChartCell {
  const x = { field: "cost", type: "quantitative", title: unitTitle("Cost per 1,000 requests", "USD") };
  const y = { field: "accuracy", type: "quantitative", title: unitTitle("Accuracy, graded", "%"), axis: PCT_AXIS, scale: { zero: false } };
  const roles = a.roles.filter((r) => a.rows.some((row) => row.role === r));
  const color = {
    field: "role",
    type: "nominal",
    legend: legend("Policy"),
    scale: { domain: roles, range: roles.map((_r, i) => OKABE_ITO[i % OKABE_ITO.length]) },
  };
  return chart({
    title: a.title,
    ...(a.description ? { description: a.description } : {}),
    spec: {
      height: 320,
      layer: [
        {
          mark: { type: "rule", strokeWidth: 1.5 },
          encoding: { x, y: { field: "lower", type: "quantitative", title: y.title }, y2: { field: "upper" }, color },
        },
        { mark: { type: "point", size: 90, filled: true, tooltip: true }, encoding: { x, y, color, shape: { field: "role", type: "nominal", legend: null } } },
        { mark: { type: "text", align: "left", dx: 7, dy: -6, fontSize: 10 }, encoding: { x, y, text: { field: "policy", type: "nominal" } } },
      ],
    },
    data: a.rows.map((r) => ({ ...r })),
  });
}
