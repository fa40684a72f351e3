/**
 * The seed's `export_usage_log('llm_usage.jsonl')`, plus CSV, written atomically. An existing file is
 * never replaced unless the caller says so: a mistyped `--export config/router.yaml` must not eat a config.
 */
import { LedgerRecordSchema, type LedgerRecord } from "../contracts/ledger-record.js";
import { UsageError } from "../../core/errors.js";
import { writeFileAtomic } from "../../core/atomic-write.js";

const COLUMNS = Object.keys(LedgerRecordSchema.shape) as (keyof LedgerRecord)[];

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return before one) as a
 * formula: a model's answer or a caller's tag like `=HYPERLINK(...)` would execute on opening the
 * export. Such text cells get a leading apostrophe, which spreadsheets show as plain text (OWASP's
 * advice for CSV injection). Numbers are written as numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "string" && FORMULA_START.test(v) ? `'${v}` : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function recordsToCsv(records: LedgerRecord[]): string {
  const lines = [COLUMNS.join(",")];
  for (const r of records) lines.push(COLUMNS.map((c) => csvCell(r[c])).join(","));
  return lines.join("\n") + "\n";
}

export function recordsToJsonl(records: LedgerRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join("\n") + (records.length ? "\n" : "");
}

export function exportUsageLog(records: LedgerRecord[], file: string, opts: { overwrite?: boolean } = {}): { format: "csv" | "jsonl"; rows: number } {
  const format = file.toLowerCase().endsWith(".csv") ? "csv" : "jsonl";
  try {
    writeFileAtomic(file, format === "csv" ? recordsToCsv(records) : recordsToJsonl(records), { overwrite: opts.overwrite ?? false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    throw new UsageError({ message: `--export: ${file} already exists; it was left as it was`, fix: "pick a new file name, or pass --force to replace it" });
  }
  return { format, rows: records.length };
}
