/**
 * A run folder: `results/<run-id>/meta.json` (what was run, on what), `records.jsonl` (appended
 * one record per finished request, so Ctrl-C or a crash loses at most the requests in flight) and
 * `summary.json` (rewritten at the end, or on interrupt with `complete: false`).
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { ConfigError } from "../../core/errors.js";
import { parseAndValidate, readTextFile } from "../../core/validate-source.js";
import { writeJsonAtomic } from "../../core/atomic-write.js";
import type { ActionConfig } from "../../router/config/schema.js";
import { parseBenchRecord, READABLE_BENCH_RECORD_VERSIONS, type BenchRecord } from "../contracts/bench-record.js";
import { parseRecordedActions, withActions } from "../dataset/actions.js";
import { loadRouterConfig, type RouterConfig } from "../../router/config/load.js";
import { RunOptionsSchema } from "./run-options.js";
import { ReadableSummarySchema, type ReadableSummary } from "./summary.js";

export const RUN_META_VERSION = 1 as const;

export const RunMetaSchema = z.strictObject({
  version: z.literal(RUN_META_VERSION),
  run_id: z.string(),
  created_at: z.string(),
  command: z.string(),
  config: z.strictObject({ file: z.string(), sha256: z.string() }),
  dataset: z.strictObject({ file: z.string(), name: z.string(), sha256: z.string(), items: z.number().int() }),
  options: RunOptionsSchema,
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
    if (existsSync(join(dir, "meta.json")))
      throw new ConfigError({ file: dir, message: "run folder already exists", fix: "use --resume to finish it, or pick another --run-id" });
    mkdirSync(dir, { recursive: true });
    const f = new RunFolder(dir);
    writeJsonAtomic(f.metaFile, meta);
    writeFileSync(f.recordsFile, "");
    return f;
  }

  meta(): RunMeta {
    return parseAndValidate({ text: readTextFile(this.metaFile, "run metadata"), file: this.metaFile, schema: RunMetaSchema }).value;
  }

  /** summary.json, validated (version 1 or 2); undefined when the run has none yet. */
  summary(): ReadableSummary | undefined {
    if (!existsSync(this.summaryFile)) return undefined;
    return parseAndValidate({ text: readTextFile(this.summaryFile, "run summary"), file: this.summaryFile, schema: ReadableSummarySchema }).value;
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

  /** Every record, validated; see readRecordsFile for the torn last line. */
  records(): BenchRecord[] {
    if (!existsSync(this.recordsFile))
      throw new ConfigError({ file: this.recordsFile, message: "no records.jsonl in this run folder", fix: "pass a run folder written by `bench run`" });
    return readRecordsFile(this.recordsFile).records;
  }

  writeSummary(summary: unknown): void {
    writeJsonAtomic(this.summaryFile, summary);
  }
}

/**
 * The one reader of records.jsonl, for every consumer (calibrate, compare, resume, simulate
 * --from-bench, the reports). Each line is validated through parseBenchRecord (version first). A last
 * line that is not JSON is what a crash mid-append leaves: it is dropped, as `--resume` redoes that
 * request. A bad line anywhere else is an error at its line. `sha256` is of the bytes read.
 */
export function readRecordsFile(file: string): { records: BenchRecord[]; sha256: string } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError({
      file,
      message: `cannot read bench records (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      fix: "pass a bench run id under results/, a run folder, or its records.jsonl",
    });
  }
  const lines = text.split("\n");
  let last = lines.length - 1;
  while (last >= 0 && lines[last]!.trim() === "") last--;
  const records: BenchRecord[] = [];
  for (let i = 0; i <= last; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      if (i === last) break;
      throw new ConfigError({ file, line: i + 1, message: `not valid JSON: ${(err as Error).message}` });
    }
    const r = parseBenchRecord(json);
    if (!r.ok)
      throw new ConfigError({
        file,
        line: i + 1,
        field: r.field,
        message: r.message,
        fix: `records must follow bench/contracts/bench-record.ts (version ${READABLE_BENCH_RECORD_VERSIONS.join(" or ")})`,
      });
    records.push(r.record);
  }
  return { records, sha256: createHash("sha256").update(text).digest("hex") };
}

export interface FoundRun {
  /** The run folder (holding records.jsonl and, when `bench run` wrote it, meta.json and summary.json). */
  dir: string;
  recordsFile: string;
}

/**
 * The one way to name a run, for every command that reads one: a run id under `results/`, a run
 * folder, or the path of its records.jsonl; relative paths from `cwd`.
 */
export function findRun(run: string, opts: { cwd?: string; resultsDir?: string } = {}): FoundRun {
  const cwd = opts.cwd ?? process.cwd();
  const direct = resolve(cwd, run);
  const candidates = [direct, resolve(cwd, opts.resultsDir ?? "results", run)];
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    if (statSync(c).isDirectory()) {
      if (existsSync(join(c, "records.jsonl"))) return { dir: c, recordsFile: join(c, "records.jsonl") };
    } else if (c === direct) {
      return { dir: dirname(c), recordsFile: c };
    }
  }
  throw new ConfigError({
    file: run,
    message: `not a bench run: no records.jsonl at ${candidates.map((c) => join(c, "records.jsonl")).join(" or ")}`,
    fix: "pass the run id printed by `bench run` (a folder under results/), the run folder, or its records.jsonl",
  });
}

/** `findRun(run).dir`, for the commands that need the folder. */
export function resolveRunDir(run: string, resultsDir = "results"): string {
  return findRun(run, { resultsDir }).dir;
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

/**
 * The router config a run was benched with, as its readers need it: loaded without its calibration file
 * (an old or broken one must not block replacing it), plus the actions the run's dataset declared.
 */
export function configOfRun(configFile: string, runDir: string): RouterConfig {
  return withActions(loadRouterConfig(configFile, { calibration: false }), declaredActionsOfRun(new RunFolder(runDir).recordsFile));
}
