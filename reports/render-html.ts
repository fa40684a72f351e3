/**
 * Notebook → one self-contained HTML file: the Vega libraries, the chart specs and their data are
 * all inline, and a Content-Security-Policy forbids every network load, so the file opens from disk,
 * from a CI artifact or from an e-mail attachment exactly as it was generated. Every string from the
 * notebook is escaped; the only markup is the markup written here.
 */
import { createHash } from "node:crypto";
import { escapeHtml, jsonForScript } from "./escape.js";
import { columnHeader, dataColumns, formatCell, headlineValue, isNumericColumn, MISSING, STATUS_LABEL } from "./format.js";
import { BOOT_SCRIPT, REPORT_CSS } from "./html-assets.js";
import { markdownToHtml, parseMarkdown } from "./markdown-lite.js";
import { parseNotebook, type Cell, type ChartCell, type HeadlineCell, type HeadlineStatus, type Notebook, type TableCell } from "./notebook.js";
import { withTheme } from "./palette.js";
import { vegaAssets } from "./vega-assets.js";

/** A chart's data table in the HTML stops here; the chart itself always gets every row. */
export const MAX_DATA_ROWS_HTML = 200;

// Text symbols present in common system fonts (DejaVu, Liberation, Segoe), unlike emoji.
const STATUS_SYMBOL: Record<HeadlineStatus, string> = { holds: "✓", fails: "✗", inconsistent: "⚠", implausible: "?", not_checked: "–", info: "ℹ" };

export function renderHtml(input: Notebook): string {
  const nb = parseNotebook(input);
  const charts = nb.cells.some((c) => c.kind === "chart");
  const body = nb.cells.map((cell, i) => renderCell(cell, i + 1)).join("\n");
  const scripts: string[] = [];
  const libs: string[] = [];
  if (charts) {
    for (const a of vegaAssets()) {
      libs.push(`${a.name} ${a.version}`);
      scripts.push(a.code);
    }
    scripts.push(BOOT_SCRIPT);
  }
  const csp = [
    "default-src 'none'",
    // Only these exact scripts may run: injected markup can neither add a <script> nor an on* handler.
    // No 'unsafe-eval': BOOT_SCRIPT renders with ast: true, so Vega interprets expressions instead of
    // compiling them with new Function (without it every chart fails here with an EvalError).
    `script-src ${scripts.length ? scripts.map(cspHash).join(" ") : "'none'"}`,
    `style-src ${cspHash(REPORT_CSS)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="tierlab reports">',
    `<title>${escapeHtml(nb.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    "</head>",
    '<body class="report">',
    renderHeader(nb),
    `<main>\n${body}\n</main>`,
    renderFooter(nb, libs),
    ...scripts.map((code) => `<script>${code}</script>`),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function cspHash(code: string): string {
  return `'sha256-${createHash("sha256").update(code, "utf8").digest("base64")}'`;
}

function renderHeader(nb: Notebook): string {
  const subtitle = nb.subtitle ? `<p class="subtitle">${escapeHtml(nb.subtitle)}</p>` : "";
  const meta = `<p class="meta">Generated ${escapeHtml(nb.generatedAt)} · report <code>${escapeHtml(nb.id)}</code></p>`;
  return `<header class="report-head">\n<h1>${escapeHtml(nb.title)}</h1>\n${subtitle}${meta}\n</header>`;
}

function renderCell(cell: Cell, n: number): string {
  switch (cell.kind) {
    case "markdown":
      return `<section class="cell prose" id="cell-${n}">\n${markdownToHtml(parseMarkdown(cell.text))}\n</section>`;
    case "table":
      return `<section class="cell" id="cell-${n}">\n${renderTable(cell)}\n</section>`;
    case "chart":
      return renderChart(cell, n);
    case "headline":
      return renderHeadline(cell, n);
  }
}

interface HtmlTable {
  caption?: string | undefined;
  headers: string[];
  /** Per column: "num" right-aligns, "hash" uses monospace; fixed words, never notebook text. */
  classes: ("num" | "hash" | "")[];
  rows: (string | null)[][];
}

function htmlTable(t: HtmlTable): string {
  const cls = (i: number, extra = "") => {
    const names = [t.classes[i] ?? "", extra].filter(Boolean).join(" ");
    return names ? ` class="${names}"` : "";
  };
  const caption = t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : "";
  const head = `<thead><tr>${t.headers.map((h, i) => `<th scope="col"${cls(i)}>${escapeHtml(h)}</th>`).join("")}</tr></thead>`;
  const rows = t.rows.map(
    (row) => `<tr>${row.map((v, i) => (v === null ? `<td${cls(i, "missing")}>${MISSING}</td>` : `<td${cls(i)}>${escapeHtml(v)}</td>`)).join("")}</tr>`,
  );
  return `<div class="table-wrap"><table class="data">${caption}${head}<tbody>\n${rows.join("\n")}\n</tbody></table></div>`;
}

const numClasses = (rows: readonly (readonly unknown[])[], n: number) =>
  Array.from({ length: n }, (_x, i) => (isNumericColumn(rows, i) ? "num" : "") as "num" | "");

function renderTable(cell: TableCell): string {
  return htmlTable({
    caption: cell.caption,
    headers: cell.columns.map(columnHeader),
    classes: numClasses(cell.rows, cell.columns.length),
    rows: cell.rows.map((row) => row.map((v, i) => (v === null ? null : formatCell(v, cell.columns[i])))),
  });
}

/** The spec actually drawn: house theme, inline data, and container width for single views. */
export function chartSpec(cell: ChartCell): Record<string, unknown> {
  const { $schema: _schema, ...spec } = cell.spec;
  const single = "mark" in spec || "layer" in spec;
  const sized = single ? { width: spec.width ?? "container", height: spec.height ?? 260 } : {};
  return withTheme({ ...spec, ...sized, ...(cell.description ? { description: cell.description } : {}), data: { values: cell.data } });
}

function renderChart(cell: ChartCell, n: number): string {
  const boxId = `chart-${n}`;
  const cols = dataColumns(cell.data);
  const shown = cell.data.slice(0, MAX_DATA_ROWS_HTML);
  const more = cell.data.length - shown.length;
  const dataTable = htmlTable({
    headers: cols,
    classes: numClasses(
      shown.map((r) => cols.map((k) => r[k])),
      cols.length,
    ),
    rows: shown.map((r) => cols.map((k) => (r[k] === undefined || r[k] === null ? null : formatCell(r[k]!)))),
  });
  const summary = `Data (${cell.data.length} row${cell.data.length === 1 ? "" : "s"}${more > 0 ? `, first ${shown.length} shown` : ""})`;
  return [
    `<section class="cell" id="cell-${n}">`,
    `<figure class="chart">`,
    `<h3>${escapeHtml(cell.title)}</h3>`,
    cell.description ? `<p class="desc">${escapeHtml(cell.description)}</p>` : "",
    `<div class="chart-box" id="${boxId}"></div>`,
    `<script type="application/json" data-chart-for="${boxId}">${jsonForScript(chartSpec(cell))}</script>`,
    `<details class="chart-data"><summary>${summary}</summary>${dataTable}</details>`,
    `</figure>`,
    `</section>`,
  ]
    .filter(Boolean)
    .join("\n");
}

function renderHeadline(cell: HeadlineCell, n: number): string {
  const badge = `<span class="badge ${cell.status}">${STATUS_SYMBOL[cell.status]} ${STATUS_LABEL[cell.status]}</span>`;
  const target = cell.target ? ` Target: ${escapeHtml(cell.target)}` : "";
  return [
    `<section class="cell headline ${cell.status}" id="cell-${n}">`,
    `<p class="label">${escapeHtml(cell.label)}</p>`,
    `<p class="figure">${escapeHtml(headlineValue(cell.value, cell.digits, cell.unit))}</p>`,
    `<p class="target">${badge}${target}</p>`,
    cell.explanation ? `<p class="explain">${escapeHtml(cell.explanation)}</p>` : "",
    `</section>`,
  ]
    .filter(Boolean)
    .join("\n");
}

function renderFooter(nb: Notebook, libs: string[]): string {
  const inputs = nb.inputs.length
    ? htmlTable({
        headers: ["Input", "Path", "sha256", "Seed", "Git commit", "Note"],
        classes: ["", "", "hash", "", "hash", ""],
        rows: nb.inputs.map((i) => [i.name, i.path, i.sha256 ?? null, i.seed === undefined ? null : String(i.seed), i.gitCommit ?? null, i.note ?? null]),
      })
    : "<p>No inputs were recorded for this report.</p>";
  const rendered = libs.length ? ` Charts drawn offline with ${escapeHtml(libs.join(", "))} (inlined).` : "";
  return [
    '<footer class="report-foot">',
    '<h2 id="inputs">Inputs</h2>',
    inputs,
    `<p>Report <code>${escapeHtml(nb.id)}</code>, notebook format v${nb.version}, generated ${escapeHtml(nb.generatedAt)}.${rendered}</p>`,
    "</footer>",
  ].join("\n");
}
