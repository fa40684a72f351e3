/**
 * Reads recording files (plain or gzip JSONL, see replay-format.ts) and indexes one model's answers
 * by item id and by prompt hash. All or nothing: a bad line fails the load with `file:line: field`.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { formatPath, issuesToError, type SourceIssue } from "../../core/validate-source.js";
import type { FinishReason } from "../contracts/provider.js";
import { ConfigError } from "../../core/errors.js";
import { promptHash, REPLAY_FORMAT, ReplayHeader, ReplayRecord } from "./replay-format.js";

export interface RecordedAnswer {
  /** The model that gave this answer, as its file's header names it. */
  model: string;
  output: string;
  finishReason: FinishReason;
  /** Hash of the prompt the answer was recorded for, when the file says. */
  promptHash: string | undefined;
  file: string;
  line: number;
}

export interface Recordings {
  headers: { file: string; header: ReplayHeader }[];
  byId: Map<string, RecordedAnswer>;
  /** A hash recorded more than once maps to every answer; a lookup then refuses to pick. */
  byHash: Map<string, RecordedAnswer[]>;
}

const MAX_ISSUES = 5;

/** The text of a recording file; gzip is recognised by its magic bytes, not its name. */
export function readRecordingText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new ConfigError({
      file,
      message: `cannot read recording (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      fix: "check the path under the replay provider's `models:`; paths are relative to the config file",
    });
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new ConfigError({ file, message: `not a valid gzip file: ${(err as Error).message}`, fix: "re-create it with `tierlab replay convert`" });
    }
  }
  return bytes.toString("utf8").replace(/^\uFEFF/, "");
}

interface ParsedFile {
  header: ReplayHeader;
  records: { line: number; record: ReplayRecord }[];
}

export function parseRecordingFile(file: string): ParsedFile {
  const issues: SourceIssue[] = [];
  const lines = readRecordingText(file).split("\n");
  let header: ReplayHeader | undefined;
  const records: ParsedFile["records"] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, "");
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      issues.push({ line: i + 1, field: "(root)", message: `not valid JSON: ${(err as Error).message}` });
      continue;
    }
    if (header === undefined && records.length === 0 && !issues.some((x) => x.field === "format")) {
      if (!value || typeof value !== "object" || (value as Record<string, unknown>).format !== REPLAY_FORMAT) {
        issues.push({
          line: i + 1,
          field: "format",
          message: `the first line must be a header {"format":"${REPLAY_FORMAT}","version":1,"model":...,"source":...,"license":...,"attribution":...}`,
        });
        break;
      }
      const h = ReplayHeader.safeParse(value);
      if (h.success) header = h.data;
      else for (const x of h.error.issues) issues.push({ line: i + 1, field: formatPath(x.path), message: x.message });
      continue;
    }
    const r = ReplayRecord.safeParse(value);
    if (!r.success) {
      for (const x of r.error.issues) issues.push({ line: i + 1, field: formatPath(x.path), message: x.message });
      continue;
    }
    if (r.data.prompt !== undefined && r.data.prompt_hash !== undefined && promptHash(r.data.prompt) !== r.data.prompt_hash) {
      issues.push({ line: i + 1, field: "prompt_hash", message: `does not match the prompt on the same line (its hash is ${promptHash(r.data.prompt)})` });
    }
    records.push({ line: i + 1, record: r.data });
  }
  if (!header && issues.length === 0) issues.push({ line: 1, field: "(root)", message: "empty recording: the first line must be a header" });
  if (issues.length > 0 || !header) throw issuesToError(file, issues.slice(0, MAX_ISSUES), issues.length);
  return { header, records };
}

/**
 * Loads every file of one replayed model into one index; ids must be unique across the files. The
 * files may name different models (one configured model can stand for a family: Phi-3.5-mini on one
 * task, Phi-3-mini on another); each answer keeps its own.
 */
export function loadRecordings(files: readonly string[]): Recordings {
  if (files.length === 0) throw new ConfigError({ message: "a replayed model needs at least one recording file", fix: "list its files under `recordings:`" });
  const byId = new Map<string, RecordedAnswer>();
  const byHash = new Map<string, RecordedAnswer[]>();
  const headers: Recordings["headers"] = [];
  for (const file of files) {
    const parsed = parseRecordingFile(file);
    headers.push({ file, header: parsed.header });
    for (const { line, record } of parsed.records) {
      const hash = record.prompt_hash ?? (record.prompt !== undefined ? promptHash(record.prompt) : undefined);
      const answer: RecordedAnswer = {
        model: parsed.header.model,
        output: record.output,
        finishReason: record.finish_reason ?? "stop",
        promptHash: hash,
        file,
        line,
      };
      if (record.id !== undefined) {
        const prev = byId.get(record.id);
        if (prev)
          throw new ConfigError({
            file,
            line,
            field: "id",
            message: `duplicate id "${record.id}" (first at ${prev.file}:${prev.line})`,
            fix: "ids must be unique across one model's recordings",
          });
        byId.set(record.id, answer);
      }
      if (hash !== undefined) {
        const same = byHash.get(hash);
        if (same) same.push(answer);
        else byHash.set(hash, [answer]);
      }
    }
  }
  return { headers, byId, byHash };
}
