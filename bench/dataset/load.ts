/**
 * Reads a dataset: tierlab JSONL (header line + items) or CSV (id, action, input, expected, grader
 * [, meta]). All or nothing: every line is checked (shape, grader id and params, duplicate ids) and
 * one ConfigError lists the first problems as `file:line: field: what is wrong`.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { ConfigError } from "../../core/errors.js";
import { formatPath, issuesToError, type SourceIssue } from "../../core/validate-source.js";
import { checkGraderRef } from "../graders/registry.js";
import { parseCsvRows } from "./csv.js";
import { DATASET_FORMAT, DATASET_FORMAT_VERSION, DatasetHeader, DatasetItem, type Dataset } from "./schema.js";

export { sampleItems, type SampleOptions } from "./sample.js";

const MAX_ISSUES = 5;

/** A raw record before validation, with the line it starts on. */
export interface RawRecord {
  line: number;
  value: unknown;
}

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError({ file, message: `cannot read dataset (${code ?? String(err)})`, fix: "check the path; datasets/ holds the bundled sets" });
  }
}

export function datasetHash(file: string): string {
  return createHash("sha256").update(readBytes(file)).digest("hex");
}

function jsonlRecords(text: string, issues: SourceIssue[]): RawRecord[] {
  const records: RawRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, "");
    if (raw.trim() === "") continue;
    try {
      records.push({ line: i + 1, value: JSON.parse(raw) as unknown });
    } catch (err) {
      issues.push({ line: i + 1, field: "(root)", message: `not valid JSON: ${(err as Error).message}` });
    }
  }
  return records;
}

function validateItems(records: RawRecord[], issues: SourceIssue[]): DatasetItem[] {
  const items: DatasetItem[] = [];
  const seen = new Map<string, number>();
  for (const { line, value } of records) {
    const r = DatasetItem.safeParse(value);
    if (!r.success) {
      for (const i of r.error.issues) issues.push({ line, field: formatPath(i.path), message: i.message });
      continue;
    }
    const first = seen.get(r.data.id);
    if (first !== undefined) issues.push({ line, field: "id", message: `duplicate id "${r.data.id}" (first on line ${first})` });
    else seen.set(r.data.id, line);
    for (const g of checkGraderRef(r.data.grader, r.data.expected)) issues.push({ line, field: formatPath(g.path), message: g.message });
    items.push(r.data);
  }
  return items;
}

function parseHeader(record: RawRecord | undefined, issues: SourceIssue[]): DatasetHeader | undefined {
  if (!record) {
    issues.push({
      line: 1,
      field: "(root)",
      message: `empty dataset: the first line must be a header {"format":"${DATASET_FORMAT}","version":${DATASET_FORMAT_VERSION},...}`,
    });
    return undefined;
  }
  const v = record.value;
  if (!v || typeof v !== "object" || (v as Record<string, unknown>).format !== DATASET_FORMAT) {
    issues.push({
      line: record.line,
      field: "format",
      message: `the first line must be a header {"format":"${DATASET_FORMAT}","version":${DATASET_FORMAT_VERSION},"name":...}`,
    });
    return undefined;
  }
  const r = DatasetHeader.safeParse(v);
  if (r.success) return r.data;
  for (const i of r.error.issues) issues.push({ line: record.line, field: formatPath(i.path), message: i.message });
  return undefined;
}

/** Loads and validates a whole dataset; throws ConfigError listing up to 5 problems, never a partial set. */
export function loadDataset(file: string): Dataset {
  const ext = extname(file).toLowerCase();
  if (ext !== ".jsonl" && ext !== ".csv") {
    throw new ConfigError({
      file,
      message: `unsupported dataset type "${ext || "(none)"}"`,
      fix: "use a tierlab .jsonl dataset (see datasets/README.md) or a .csv with columns id, action, input, expected, grader",
    });
  }
  const bytes = readBytes(file);
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  const issues: SourceIssue[] = [];
  const isCsv = ext === ".csv";
  let header: DatasetHeader | undefined;
  let headerLine: number | undefined;
  let records: RawRecord[];
  if (isCsv) {
    records = parseCsvRows(text, issues);
    // CSV has no header record: name the set after its file, licence unknown.
    header = {
      format: DATASET_FORMAT,
      version: DATASET_FORMAT_VERSION,
      name: basename(file, extname(file)),
      description: "",
      source: file,
      license: "unknown",
      attribution: "",
    };
  } else {
    records = jsonlRecords(text, issues);
    const first = records.shift();
    headerLine = first?.line;
    // A broken first line is already reported; do not also call it a missing header.
    header = issues.some((i) => i.line !== undefined && first !== undefined && i.line < first.line) ? undefined : parseHeader(first, issues);
  }
  const items = validateItems(records, issues);
  if (issues.length === 0 && items.length === 0) issues.push({ line: undefined, field: "(root)", message: "no items" });
  if (issues.length > 0 || !header) {
    const sorted = [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw issuesToError(file, sorted.slice(0, MAX_ISSUES), sorted.length);
  }
  return { file, format: isCsv ? "csv" : "jsonl", header, items, hash: createHash("sha256").update(bytes).digest("hex"), headerLine };
}
