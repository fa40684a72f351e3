/**
 * Rules a chart spec must meet before it goes into a report. A figure a decision maker reads must
 * say what its axes are and in which unit, and a report must never load anything: data comes only
 * from the cell's inline `data`, so `url` (data, image marks) and `href` (clickable marks) are refused.
 */
import { hasUnit } from "./palette.js";

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);

const COMPOSE_KEYS = ["hconcat", "vconcat", "concat"] as const;

/** Returns one message per problem; empty means the spec is acceptable. */
export function checkChartSpec(spec: unknown): string[] {
  if (!isRec(spec)) return ["spec must be a Vega-Lite object"];
  const problems: string[] = [];
  if ("data" in spec) problems.push("spec.data: pass the rows as the chart's `data`, not inside the spec");
  if ("datasets" in spec) problems.push("spec.datasets: pass the rows as the chart's `data`, not inside the spec");
  findForbiddenKeys(spec, "spec", problems);
  let units = 0;
  const visit = (node: Rec, path: string, inherited: Rec) => {
    if (Array.isArray(node.layer)) {
      const enc = { ...inherited, ...(isRec(node.encoding) ? node.encoding : {}) };
      node.layer.forEach((child, i) => isRec(child) && visit(child, `${path}.layer[${i}]`, enc));
      return;
    }
    for (const key of COMPOSE_KEYS) {
      const parts = node[key];
      if (Array.isArray(parts)) parts.forEach((child, i) => isRec(child) && visit(child, `${path}.${key}[${i}]`, {}));
    }
    if (isRec(node.spec)) visit(node.spec, `${path}.spec`, {});
    if (node.mark === undefined) return;
    units++;
    const enc = { ...inherited, ...(isRec(node.encoding) ? node.encoding : {}) };
    for (const channel of ["x", "y"] as const) checkAxis(enc[channel], `${path}.encoding.${channel}`, problems);
  };
  visit(spec, "spec", {});
  if (units === 0) problems.push("spec has no mark: give it `mark` (or `layer`/`hconcat`/`vconcat` of marks)");
  return problems;
}

function checkAxis(def: unknown, path: string, problems: string[]): void {
  if (def === undefined || !isRec(def)) return;
  // A constant position (value) has no scale and no axis; a datum sits on an axis another layer titles.
  if (!("field" in def) && !("aggregate" in def)) return;
  const title = titleOf(def);
  const quantitative = def.type === "quantitative" || (def.type === undefined && "aggregate" in def);
  if (title === undefined) {
    const hint = quantitative ? ' with its unit, e.g. title: unitTitle("Latency", "ms")' : ', e.g. title: "Model"';
    problems.push(`${path}: axis has no title; add \`title\`${hint}`);
  } else if (quantitative && !hasUnit(title)) {
    problems.push(`${path}: quantitative axis title "${title}" has no unit; write it as "${title} (unit)" or use unitTitle()`);
  }
}

function titleOf(def: Rec): string | undefined {
  const axis = isRec(def.axis) ? def.axis : {};
  for (const t of [def.title, axis.title]) {
    if (typeof t === "string" && t.trim() !== "") return t;
    if (Array.isArray(t) && t.length > 0 && t.every((s) => typeof s === "string" && s.trim() !== "")) return t.join(" ");
  }
  return undefined;
}

function findForbiddenKeys(node: unknown, path: string, problems: string[]): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => findForbiddenKeys(v, `${path}[${i}]`, problems));
    return;
  }
  if (!isRec(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === "url") problems.push(`${path}.url: reports never load external data or images; inline the rows instead`);
    else if (k === "href" && path.endsWith(".encoding")) problems.push(`${path}.href: clickable marks are not allowed in reports`);
    else findForbiddenKeys(v, `${path}.${k}`, problems);
  }
}
