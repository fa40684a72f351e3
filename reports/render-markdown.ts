/**
 * Notebook → GitHub-flavoured Markdown for terminals, CI job summaries and PR comments. Charts
 * cannot be drawn there, so each becomes a sentence plus the head of its data. All notebook text is
 * escaped (see escape.ts): a PR comment must not grow images, links or HTML from model output.
 * Pure: the same notebook always gives the same bytes.
 */
import { escapeMarkdownInline, escapeMarkdownLine } from "./escape.js";
import { columnHeader, dataColumns, formatCell, headlineValue, isNumericColumn, MISSING } from "./format.js";
import { markdownToMarkdown, parseMarkdown } from "./markdown-lite.js";
import { parseNotebook, type Cell, type ChartCell, type HeadlineCell, type HeadlineStatus, type Notebook, type TableCell } from "./notebook.js";

/** Rows of a chart's data shown under its description; the HTML report has the rest. */
export const MAX_DATA_ROWS_MARKDOWN = 12;

export const STATUS_MARKDOWN: Record<HeadlineStatus, string> = {
  holds: "✅ holds",
  fails: "❌ fails",
  inconsistent: "⚠️ inconsistent",
  implausible: "❓ implausible",
  not_checked: "➖ not checked",
  info: "ℹ️ info",
};

export function renderMarkdown(input: Notebook): string {
  const nb = parseNotebook(input);
  const head = [`# ${escapeMarkdownInline(nb.title)}`];
  if (nb.subtitle) head.push(`*${escapeMarkdownInline(nb.subtitle)}*`);
  head.push(`Generated ${escapeMarkdownInline(nb.generatedAt)} · report \`${nb.id}\``);
  const inputs = nb.inputs.length
    ? gfmTable(
        ["Input", "Path", "sha256", "Seed", "Git commit", "Note"],
        [false, false, false, false, false, false],
        nb.inputs.map((i) => [i.name, i.path, i.sha256 ?? null, i.seed === undefined ? null : String(i.seed), i.gitCommit ?? null, i.note ?? null]),
      )
    : "No inputs were recorded for this report.";
  const foot = ["---", "## Inputs", inputs];
  return [...head, ...nb.cells.map(renderCell), ...foot].join("\n\n") + "\n";
}

function renderCell(cell: Cell): string {
  switch (cell.kind) {
    case "markdown":
      return markdownToMarkdown(parseMarkdown(cell.text));
    case "table":
      return renderTable(cell);
    case "chart":
      return renderChart(cell);
    case "headline":
      return renderHeadline(cell);
  }
}

function gfmTable(headers: string[], numeric: boolean[], rows: (string | null)[][]): string {
  const cell = (v: string | null) => (v === null ? MISSING : escapeMarkdownInline(v) || " ");
  const lines = [
    `| ${headers.map(cell).join(" | ")} |`,
    `| ${headers.map((_h, i) => (numeric[i] ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
  return lines.join("\n");
}

function renderTable(t: TableCell): string {
  const table = gfmTable(
    t.columns.map(columnHeader),
    t.columns.map((_c, i) => isNumericColumn(t.rows, i)),
    t.rows.map((row) => row.map((v, i) => (v === null ? null : formatCell(v, t.columns[i])))),
  );
  return t.caption ? `**${escapeMarkdownInline(t.caption)}**\n\n${table}` : table;
}

function renderChart(c: ChartCell): string {
  const lines = [`**Figure: ${escapeMarkdownInline(c.title)}**${c.description ? ` — ${escapeMarkdownInline(c.description)}` : ""}`];
  lines.push(`*${escapeMarkdownInline(describeSpec(c))}*`);
  if (c.data.length > 0) {
    const cols = dataColumns(c.data);
    const shown = c.data.slice(0, MAX_DATA_ROWS_MARKDOWN);
    const raw = shown.map((r) => cols.map((k) => r[k] ?? null));
    const table = gfmTable(
      cols,
      cols.map((_k, i) => isNumericColumn(raw, i)),
      raw.map((r) => r.map((v) => (v === null ? null : formatCell(v)))),
    );
    lines.push(table);
    const more = c.data.length - shown.length;
    if (more > 0) lines.push(`*… and ${more} more row${more === 1 ? "" : "s"} in the HTML report.*`);
  }
  return lines.join("\n\n");
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);

/** "Bar chart of Latency (ms) by Model, 4 rows." — from the spec, so it never drifts from the figure. */
export function describeSpec(c: ChartCell): string {
  const marks: string[] = [];
  const titles: { x?: string; y?: string } = {};
  const visit = (node: Rec, inherited: Rec) => {
    const enc = { ...inherited, ...(isRec(node.encoding) ? node.encoding : {}) };
    if (Array.isArray(node.layer)) node.layer.forEach((l) => isRec(l) && visit(l, enc));
    for (const key of ["hconcat", "vconcat", "concat"]) {
      const parts = node[key];
      if (Array.isArray(parts)) parts.forEach((p) => isRec(p) && visit(p, {}));
    }
    if (isRec(node.spec)) visit(node.spec, {});
    const mark = typeof node.mark === "string" ? node.mark : isRec(node.mark) ? node.mark.type : undefined;
    if (typeof mark !== "string") return;
    if (!marks.includes(mark)) marks.push(mark);
    for (const ch of ["x", "y"] as const) {
      const def = enc[ch];
      const t = isRec(def) ? (def.title ?? (isRec(def.axis) ? def.axis.title : undefined)) : undefined;
      if (titles[ch] === undefined && (typeof t === "string" || Array.isArray(t))) titles[ch] = Array.isArray(t) ? t.join(" ") : t;
    }
  };
  visit(c.spec, {});
  const kind = marks.length > 1 ? `Layered ${marks.join(" + ")} chart` : `${capitalise(marks[0] ?? "")} chart`;
  const axes = titles.y && titles.x ? ` of ${titles.y} by ${titles.x}` : titles.x ? ` over ${titles.x}` : titles.y ? ` of ${titles.y}` : "";
  return `${kind}${axes}, ${c.data.length} row${c.data.length === 1 ? "" : "s"}.`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function renderHeadline(h: HeadlineCell): string {
  const value = escapeMarkdownInline(headlineValue(h.value, h.digits, h.unit));
  const target = h.target ? ` · target: ${escapeMarkdownInline(h.target)}` : "";
  const first = `**${escapeMarkdownInline(h.label)}: ${value}** — ${STATUS_MARKDOWN[h.status]}${target}`;
  if (!h.explanation) return first;
  const quote = h.explanation
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => (l.trim() ? `> ${escapeMarkdownLine(l)}` : ">"));
  return `${first}\n\n${quote.join("\n")}`;
}
