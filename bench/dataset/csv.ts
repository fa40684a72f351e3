/**
 * CSV datasets, for sets people keep in a spreadsheet: a header row naming the columns id, action,
 * input, expected, grader and optionally meta. JSON-looking cells (`[`, `{`, `"`, null) in expected,
 * grader and meta are parsed; an empty expected is null; anything else is a plain string.
 */
import { CsvError, parse } from "csv-parse/sync";
import type { SourceIssue } from "../../core/validate-source.js";
import type { RawRecord } from "./load.js";

const REQUIRED = ["id", "action", "input", "expected", "grader"] as const;
const OPTIONAL = ["meta"] as const;

interface CsvRow {
  record: string[];
  raw: string;
  info: { lines: number };
}

function cell(text: string, column: string): { value: unknown; error?: string } {
  const t = text.trim();
  if (column === "expected" && t === "") return { value: null };
  if (!/^[[{"]|^null$/.test(t)) return { value: text };
  try {
    return { value: JSON.parse(t) as unknown };
  } catch (err) {
    return { value: text, error: `looks like JSON but does not parse: ${(err as Error).message}` };
  }
}

/** The line a record starts on; csv-parse reports the line it ends on, and quoted cells can span lines. */
function startLine(endLine: number, raw: string): number {
  const body = raw.replace(/^(?:\r?\n)+/, "").replace(/\r?\n$/, "");
  return endLine - (body.match(/\n/g)?.length ?? 0);
}

export function parseCsvRows(text: string, issues: SourceIssue[]): RawRecord[] {
  let rows: CsvRow[];
  try {
    // csv-parse's overloads type every result as string[][]; with info and raw it returns CsvRow objects.
    rows = parse(text, { info: true, raw: true, skip_empty_lines: true }) as unknown as CsvRow[];
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const line = typeof err.lines === "number" ? err.lines : undefined;
    issues.push({ line, field: "(root)", message: `not valid CSV: ${err.message}` });
    return [];
  }
  const head = rows.shift();
  if (!head) {
    issues.push({ line: 1, field: "(root)", message: `empty CSV: the first row must name the columns ${REQUIRED.join(", ")}` });
    return [];
  }
  const columns = head.record.map((c) => c.trim());
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  const unknown = columns.filter((c) => !(REQUIRED as readonly string[]).includes(c) && !(OPTIONAL as readonly string[]).includes(c));
  if (missing.length > 0)
    issues.push({ line: 1, field: missing.join(", "), message: `missing column(s); the header row must name ${REQUIRED.join(", ")} (and optionally meta)` });
  if (unknown.length > 0) issues.push({ line: 1, field: unknown.join(", "), message: `unknown column(s); allowed: ${[...REQUIRED, ...OPTIONAL].join(", ")}` });
  if (missing.length > 0 || unknown.length > 0) return [];
  return rows.map(({ record, raw, info }) => {
    const line = startLine(info.lines, raw);
    const value: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      const text = record[i] ?? "";
      if (c === "meta" && text.trim() === "") return;
      if (c === "id" || c === "action" || c === "input") {
        value[c] = text;
        return;
      }
      const parsed = cell(text, c);
      if (parsed.error) issues.push({ line, field: c, message: parsed.error });
      value[c] = parsed.value;
    });
    return { line, value };
  });
}
