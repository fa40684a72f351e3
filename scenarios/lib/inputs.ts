/**
 * Loading what scenarios read, through the readers that own each format (RunFolder, summarizeRun,
 * readSimulationResults, CalibrationSchema), and listing each file among the notebook's inputs.
 */
import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { BenchRecord } from "../../bench/contracts/bench-record.js";
import type { CalibrationReport } from "../../bench/calibrate/calibrate.js";
import { findRun, RunFolder, type RunMeta } from "../../bench/run/run-folder.js";
import { summarizeRun, type RunSummary } from "../../bench/run/summary.js";
import type { Slo } from "../../bench/stats/latency.js";
import { AnyCalibrationSchema, type Calibration } from "../../router/config/calibration.js";
import { parseAndValidate, readTextFile } from "../../core/validate-source.js";
import { ConfigError } from "../../core/errors.js";
import { readSimulationResults, type SimulationResults } from "../../simulator/results.js";
import type { ScenarioContext } from "./scenario.js";

export interface LoadedRun {
  dir: string;
  id: string;
  meta: RunMeta | undefined;
  records: BenchRecord[];
  /** Recomputed from the records (the hashed input); summary.json only lends its wall time. */
  summary: RunSummary;
  /** When the run started: meta.created_at, else the earliest record. */
  startedAt: string;
}

/** A run id under results/ or a run folder, relative to the context's directory. */
export function findRunDir(cwd: string, run: string): string {
  return findRun(run, { cwd }).dir;
}

export function loadRun(ctx: ScenarioContext<unknown>, run: string, opts: { name?: string; slo?: Slo } = {}): LoadedRun {
  const name = opts.name ?? "bench run";
  const dir = findRunDir(ctx.cwd, run);
  const folder = new RunFolder(dir);
  const meta = existsSync(folder.metaFile) ? folder.meta() : undefined;
  const records = folder.records();
  if (records.length === 0)
    throw new ConfigError({ file: folder.recordsFile, message: "the run has no records", fix: "pass a run that measured at least one item" });
  const ids = [...new Set(records.map((r) => r.run_id))].sort();
  const id = meta?.run_id ?? (ids.length === 1 ? ids[0]! : basename(dir));
  const startedAt = meta?.created_at ?? records.map((r) => r.started_at).sort()[0]!;
  const slo = opts.slo ?? meta?.options.slo ?? {};
  const summary = summarizeRun({ runId: id, records, wallS: wallSeconds(folder, records), complete: true, slo });
  const measured = records.filter((r) => !r.warmup).length;
  const modelled = records.some((r) => r.latency_source === "modelled");
  ctx.input({
    name,
    path: dir,
    gitCommit: meta?.git_commit ?? null,
    ...(meta ? { seed: meta.options.seed } : {}),
    note: `run ${id}: ${measured} ${modelled ? "records (replayed answers, latencies modelled)" : "measured records"}${meta ? `, dataset ${meta.dataset.name} (sha256 ${meta.dataset.sha256.slice(0, 12)}), config ${basename(meta.config.file)}` : ""}`,
  });
  return { dir, id, meta, records, summary, startedAt };
}

/** summary.json's wall time when present; else first start to last finish of the records. */
function wallSeconds(folder: RunFolder, records: readonly BenchRecord[]): number {
  const wall = folder.summary()?.wall_s;
  if (wall !== undefined && wall > 0) return wall;
  const starts = records.map((r) => Date.parse(r.started_at));
  const ends = records.map((r, i) => starts[i]! + r.e2e_ms);
  const span = (Math.max(...ends) - Math.min(...starts)) / 1000;
  return span > 0 ? span : records.reduce((s, r) => s + r.e2e_ms, 0) / 1000;
}

export function loadSimulation(ctx: ScenarioContext<unknown>, file: string): SimulationResults {
  const abs = resolve(ctx.cwd, file);
  const r = readSimulationResults(abs);
  ctx.input({ name: `simulation (${r.profile.name})`, path: abs, seed: r.seed, note: `${r.trials} trials, ${r.days} days, ${r.mode} mode` });
  recordSimulationFiles(ctx, r);
  return r;
}

/** The files a simulation was computed from, with the hashes it recorded (paths are relative to where it ran). */
export function recordSimulationFiles(ctx: ScenarioContext<unknown>, r: SimulationResults): void {
  const f = r.files;
  const refs: [string, { path: string; sha256: string } | null][] = [
    ["router config", f.router_config],
    ["usage profiles", f.profiles],
    ["price table", f.prices],
    ["calibration", f.calibration],
    ["bench records (simulation input)", f.bench],
  ];
  for (const [name, ref] of refs)
    if (ref) ctx.input({ name, path: resolve(ref.path), sha256: ref.sha256, note: `as hashed by the ${r.profile.name} simulation` });
}

export interface LoadedCalibration {
  calibration: Calibration;
  /** The diagnostics `bench calibrate` stores; absent in hand-written files. */
  report: CalibrationReport | undefined;
}

export function loadCalibrationFile(ctx: ScenarioContext<unknown>, file: string): LoadedCalibration {
  const abs = resolve(ctx.cwd, file);
  const calibration = parseAndValidate({ text: readTextFile(abs, "calibration file"), file: abs, schema: AnyCalibrationSchema }).value;
  ctx.input({ name: "calibration", path: abs, note: `from run ${calibration.source_run}, ${calibration.method}, ${calibration.thresholds.length} thresholds` });
  const d = calibration.diagnostics;
  const report = d && Array.isArray(d.groups) && typeof d.source_run === "string" ? (d as unknown as CalibrationReport) : undefined;
  return { calibration, report };
}
