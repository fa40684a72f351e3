/**
 * The report contract: a Notebook is an ordered list of cells that renderers turn into HTML and
 * Markdown. The schema is the source of truth; builders (md, table, chart, headline) keep scenario
 * code short and validate at the point of construction so a bad chart fails where it was written.
 */
import { z } from "zod";
import { ConfigError } from "../core/errors.js";
import { checkChartSpec } from "./chart-check.js";

export const NOTEBOOK_VERSION = 1 as const;

/** Thrown for a cell or notebook that does not meet the contract; the message names the field. */
export class ReportError extends ConfigError {}

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const CellValue = z.union([z.string(), z.number(), z.null()]);

export const MarkdownCellSchema = z.strictObject({
  kind: z.literal("markdown"),
  text: z.string(),
});

export const ColumnSchema = z.strictObject({
  label: z.string().min(1),
  /** Shown in the header: "Cost (USD)". */
  unit: z.string().min(1).optional(),
  /** Fixed decimals for numbers; without it, a readable default (see format.ts). */
  digits: z.number().int().min(0).max(10).optional(),
  /** Values are fractions shown as percentages (0.123 → 12.3%). */
  percent: z.boolean().optional(),
});

export const TableCellSchema = z
  .strictObject({
    kind: z.literal("table"),
    caption: z.string().optional(),
    columns: z.array(ColumnSchema).min(1),
    rows: z.array(z.array(CellValue)),
  })
  .superRefine((t, ctx) => {
    t.rows.forEach((row, i) => {
      if (row.length !== t.columns.length) {
        ctx.addIssue({ code: "custom", path: ["rows", i], message: `row has ${row.length} values but the table has ${t.columns.length} columns` });
      }
    });
  });

export const ChartCellSchema = z
  .strictObject({
    kind: z.literal("chart"),
    title: z.string().min(1),
    /** One sentence saying what the reader should see; also the Markdown stand-in and aria-label. */
    description: z.string().optional(),
    /** A Vega-Lite spec without data; see chart-check.ts for the rules. */
    spec: z.record(z.string(), z.unknown()),
    data: z.array(z.record(z.string(), Scalar)),
  })
  .superRefine((c, ctx) => {
    // Messages already start with their path inside the spec ("spec.layer[1].encoding.y: ...").
    for (const message of checkChartSpec(c.spec)) ctx.addIssue({ code: "custom", path: [], message });
  });

/** "implausible": fails only under an assumption the explanation states; "not_checked": nothing to check it against. */
export const HeadlineStatusSchema = z.enum(["holds", "fails", "inconsistent", "implausible", "not_checked", "info"]);

export const HeadlineCellSchema = z.strictObject({
  kind: z.literal("headline"),
  label: z.string().min(1),
  value: z.union([z.number(), z.string()]),
  unit: z.string().optional(),
  digits: z.number().int().min(0).max(10).optional(),
  /** The claim being tested, in words: "p95 latency ≤ 800 ms". */
  target: z.string().optional(),
  status: HeadlineStatusSchema,
  /** How the figure was obtained: the arithmetic a reader can redo. */
  explanation: z.string().optional(),
});

export const CellSchema = z.discriminatedUnion("kind", [MarkdownCellSchema, TableCellSchema, ChartCellSchema, HeadlineCellSchema]);

export const InputSchema = z.strictObject({
  name: z.string().min(1),
  path: z.string().min(1),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lowercase hex digits")
    .optional(),
  seed: z.union([z.number().int(), z.string()]).optional(),
  gitCommit: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/, "gitCommit must be 7-40 lowercase hex digits")
    .optional(),
  note: z.string().optional(),
});

export const NotebookSchema = z.strictObject({
  version: z.literal(NOTEBOOK_VERSION),
  /** Stable slug; names the output files. */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, "id must be a file-name-safe slug (letters, digits, . _ -)"),
  title: z.string().min(1),
  subtitle: z.string().optional(),
  /** Passed in by the caller so that rendering is a pure function of the notebook. */
  generatedAt: z.string().min(1),
  inputs: z.array(InputSchema),
  cells: z.array(CellSchema),
});

export type MarkdownCell = z.infer<typeof MarkdownCellSchema>;
export type Column = z.infer<typeof ColumnSchema>;
export type TableCell = z.infer<typeof TableCellSchema>;
export type ChartCell = z.infer<typeof ChartCellSchema>;
export type HeadlineStatus = z.infer<typeof HeadlineStatusSchema>;
export type HeadlineCell = z.infer<typeof HeadlineCellSchema>;
export type Cell = z.infer<typeof CellSchema>;
export type NotebookInput = z.infer<typeof InputSchema>;
export type Notebook = z.infer<typeof NotebookSchema>;
export type DataRow = ChartCell["data"][number];

/** Validates a whole notebook (e.g. one read back from JSON); errors name the cell and field. */
export function parseNotebook(value: unknown, file?: string): Notebook {
  const result = NotebookSchema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const field = first.path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .replace(/^\./, "");
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem(s))` : "";
  throw new ReportError({ message: `${first.message}${more}`, ...(file ? { file } : {}), field, fix: "see reports/notebook.ts for the notebook contract" });
}

function build<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  - ${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`);
  throw new ReportError({ message: `invalid ${what}:\n${lines.join("\n")}` });
}

/** A prose cell in the Markdown subset (see markdown-lite.ts). Accepts a template literal. */
export function md(text: string | TemplateStringsArray, ...values: unknown[]): MarkdownCell {
  // Cooked strings, as an untagged template would give: `\`` is a backtick, so code spans work.
  const joined = typeof text === "string" ? text : String.raw({ raw: text }, ...values);
  return build(MarkdownCellSchema, { kind: "markdown", text: dedent(joined) }, "markdown cell");
}

export function table(args: Omit<TableCell, "kind">): TableCell {
  return build(TableCellSchema, { kind: "table", ...args }, "table cell");
}

export function chart(args: Omit<ChartCell, "kind">): ChartCell {
  return build(ChartCellSchema, { kind: "chart", ...args }, `chart "${args.title ?? ""}"`);
}

export function headline(args: Omit<HeadlineCell, "kind">): HeadlineCell {
  return build(HeadlineCellSchema, { kind: "headline", ...args }, `headline "${args.label ?? ""}"`);
}

export function notebook(args: Omit<Notebook, "version">): Notebook {
  return build(NotebookSchema, { version: NOTEBOOK_VERSION, ...args }, "notebook");
}

// Template literals in scenario code are indented with the code; strip the common indent.
function dedent(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  while (lines.length && lines[0]!.trim() === "") lines.shift();
  while (lines.length && lines[lines.length - 1]!.trim() === "") lines.pop();
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n");
}
