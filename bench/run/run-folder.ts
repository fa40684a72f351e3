/**
 * A run folder: `results/<run-id>/meta.json` (what was run, on what), `records.jsonl` (appended
 * one record per finished request, so Ctrl-C or a crash loses at most the requests in flight) and
 * `summary.json` (rewritten at the end, or on interrupt with `complete: false`).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { ConfigError } from "../../router/errors.js";
import { writeJsonAtomic } from "../../router/util/atomic-write.js";
import type { ActionConfig } from "../../router/config/schema.js";
import { parseBenchRecord, type BenchRecord } from "../contracts/bench-record.js";
import { parseRecordedActions } from "../dataset/actions.js";

export const RUN_META_VERSION = 1 as const;

export const RunMetaSchema = z.strictObject({
  version: z.literal(RUN_META_VERSION),
  run_id: z.string(),
  created_at: z.string(),
  command: z.string(),
  config: z.strictObject({ file: z.string(), sha256: z.string() }),
  dataset: z.strictObject({ file: z.string(), name: z.string(), sha256: z.string(), items: z.number().int() }),
  options: z.record(z.string(), z.unknown()),
  targets: z.array(z.strictObject({ tier: z.string(), model_id: z.string(), provider: z.string(), model: z.string() })),
  git_commit: z.string().nullable(),
  hardware: z.record(z.string(), z.unknown()),
  /** Actions the dataset declared and the config lacked, as the run used them (bench/dataset/actions.ts). */
  declared_actions: z.record(z.string(), z.unknown()).optional(),
});
export type RunMeta = z.infer<typeof RunMetaSchema>;

export class RunFolder {
  readonly recordsFile: string;
  readonly metaFile: string;
  readonly summaryFile: string;
  constructor(readonly dir: string) {
    this.recordsFile = join(dir, "records.jsonl");
    this.metaFile = join(dir, "meta.json");
    this.summaryFile = join(dir, "summary.json");
  }

  static create(dir: string, meta: RunMeta): RunFolder {
    if (existsSync(join(dir, "meta.json"))) throw new ConfigError({ file: dir, message: "run folder already exists", fix: "use --resume to finish it, or pick another --run-id" });
    mkdirSync(dir, { recursive: true });
    const f = new RunFolder(dir);
    writeJsonAtomic(f.metaFile, meta);
    writeFileSync(f.recordsFile, "");
    return f;
  }

  meta(): RunMeta {
    const text = readFileSync(this.metaFile, "utf8");
    const parsed = RunMetaSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new ConfigError({ file: this.metaFile, field: parsed.error.issues[0]?.path.join("."), message: parsed.error.issues[0]?.message ?? "invalid run metadata" });
    return parsed.data;
  }

  private fd: number | undefined;

  append(record: BenchRecord): void {
    // One write(2) per record on a descriptor kept open in append mode: the line is in the OS as soon
    // as the request is counted, so a killed process loses nothing it reported, without paying an
    // open and close per record.
    this.fd ??= openSync(this.recordsFile, "a");
    writeSync(this.fd, JSON.stringify(record) + "\n");
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Reads records, validating each; a torn last line (crash mid-write) is dropped, anything else is an error. */
  records(): BenchRecord[] {
    if (!existsSync(this.recordsFile)) throw new ConfigError({ file: this.recordsFile, message: "no records.jsonl in this run folder", fix: "pass a run folder written by `bench run`" });
    const lines = readFileSync(this.recordsFile, "utf8").split("\n");
    const out: BenchRecord[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      const isLast = lines.slice(i + 1).every((l) => l.trim() === "");
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        if (isLast) return;
        throw new ConfigError({ file: this.recordsFile, line: i + 1, message: "not valid JSON" });
      }
      const r = parseBenchRecord(json);
      if (!r.ok) throw new ConfigError({ file: this.recordsFile, line: i + 1, field: r.field, message: r.message, fix: "records must follow bench/contracts/bench-record.ts" });
      out.push(r.record);
    });
    return out;
  }

  writeSummary(summary: unknown): void {
    writeJsonAtomic(this.summaryFile, summary);
  }
}

/** `results/<id>` or a path: what users pass to calibrate, compare, simulate --from-bench. */
export function resolveRunDir(run: string, resultsDir = "results"): string {
  if (existsSync(join(run, "records.jsonl"))) return run;
  const candidate = join(resultsDir, run);
  if (existsSync(join(candidate, "records.jsonl"))) return candidate;
  throw new ConfigError({ file: run, message: "not a bench run folder (no records.jsonl here or under results/)", fix: "pass the run id printed by `bench run`, or its folder" });
}

/**
 * The actions a run took from its dataset's header, read from the meta.json beside a records.jsonl
 * (none when there is no meta.json): readers of the run (simulate --from-bench) need them too.
 */
export function declaredActionsOfRun(recordsFile: string): Record<string, ActionConfig> {
  const folder = new RunFolder(dirname(recordsFile));
  if (!existsSync(folder.metaFile)) return {};
  return parseRecordedActions(folder.meta().declared_actions, folder.metaFile);
}
