/** The seed's `export_usage_log('llm_usage.jsonl')`, plus CSV, written atomically. */
import { renameSync, writeFileSync } from "node:fs";
import { LedgerRecordSchema, type LedgerRecord } from "../contracts/ledger-record.js";

const COLUMNS = Object.keys(LedgerRecordSchema.shape) as (keyof LedgerRecord)[];

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
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

export function exportUsageLog(records: LedgerRecord[], file: string): { format: "csv" | "jsonl"; rows: number } {
  const format = file.toLowerCase().endsWith(".csv") ? "csv" : "jsonl";
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, format === "csv" ? recordsToCsv(records) : recordsToJsonl(records));
  renameSync(tmp, file);
  return { format, rows: records.length };
}
