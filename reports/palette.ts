/**
 * Colours and chart defaults. Okabe–Ito stays distinguishable under the common colour-vision
 * deficiencies and in greyscale print; status colours are never the only signal (badges also carry
 * a word), so a reader who cannot tell them apart loses nothing.
 */

/** Okabe & Ito (2008), reordered: strong blue/orange first, yellow late (weak contrast on white). */
export const OKABE_ITO = [
  "#0072B2", // blue
  "#E69F00", // orange
  "#009E73", // bluish green
  "#D55E00", // vermillion
  "#56B4E9", // sky blue
  "#CC79A7", // reddish purple
  "#F0E442", // yellow
  "#000000", // black
] as const;

export const STATUS_COLOURS = {
  holds: { bg: "#009E73", fg: "#ffffff" },
  fails: { bg: "#D55E00", fg: "#ffffff" },
  inconsistent: { bg: "#E69F00", fg: "#000000" },
  implausible: { bg: "#CC79A7", fg: "#000000" },
  not_checked: { bg: "#6b6b6b", fg: "#ffffff" },
  info: { bg: "#0072B2", fg: "#ffffff" },
} as const;

/** System fonts only: a report must render offline and print the same everywhere. */
export const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", Arial, sans-serif';

/** Axis titles carry their unit: "p95 latency (ms)". chart() rejects quantitative axes without one. */
export function unitTitle(label: string, unit: string): string {
  return `${label} (${unit})`;
}

/** True when a title ends with a "(unit)" or "[unit]" group, the form unitTitle writes. */
export function hasUnit(title: string): boolean {
  return /[([][^()[\]]+[)\]]\s*$/.test(title.trim());
}

/** Vega-Lite config applied to every chart; a spec's own `config` wins key by key. */
export function vegaLiteConfig(): Record<string, unknown> {
  const axis = {
    labelFont: FONT_STACK,
    titleFont: FONT_STACK,
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 600,
    titleColor: "#222222",
    labelColor: "#333333",
    gridColor: "#e6e6e6",
    domainColor: "#888888",
    tickColor: "#888888",
    labelLimit: 220,
  };
  return {
    font: FONT_STACK,
    background: "#ffffff",
    view: { stroke: null },
    range: { category: [...OKABE_ITO], ordinal: { scheme: "blues" } },
    mark: { color: OKABE_ITO[0] },
    line: { strokeWidth: 2 },
    point: { filled: true, size: 40 },
    axis,
    // Vega-Lite turns nominal x labels vertical by default; horizontal ones read far better in a report.
    axisX: { labelAngle: 0, labelLimit: 140 },
    legend: { labelFont: FONT_STACK, titleFont: FONT_STACK, labelFontSize: 11, titleFontSize: 12, orient: "bottom" },
    title: { font: FONT_STACK, fontSize: 13, anchor: "start" },
  };
}

/** Merges the house config under a spec (shallow per top-level key of config). */
export function withTheme(spec: Record<string, unknown>): Record<string, unknown> {
  const own = isRecord(spec.config) ? spec.config : {};
  const base = vegaLiteConfig();
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(own)) merged[k] = isRecord(v) && isRecord(base[k]) ? { ...base[k], ...v } : v;
  return { ...spec, config: merged };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
