/**
 * `--from-bench <run>`: reads a bench run's records.jsonl (bench/contracts/bench-record.ts), skips warm-up
 * records, and reduces it to what the simulator needs: per (action, tier) pass/fail counts with the pass
 * RECOMPUTED against today's thresholds (so a new calibration changes the simulation), how many of the
 * passing and failing answers the grader found right, latency samples, and per-action token samples.
 */
import type { BenchRecord } from "../bench/contracts/bench-record.js";
import { findRun, readRecordsFile } from "../bench/run/run-folder.js";
import type { RouterConfig } from "../router/config/load.js";
import { thresholdFor } from "../router/policy/escalation.js";

/** Fewer samples than this and the prior / config range is kept. */
export const MIN_BENCH_SAMPLES = 5;

export interface BenchCell {
  passes: number;
  fails: number;
  e2eMs: number[];
  /** How many of e2eMs were modelled from a hardware profile (replay) rather than measured. */
  modelled: number;
  /** Answers replayed from recordings (provider `replay`): their grades are replayed, not measured. */
  replayed: number;
  /** Graded answers among the passes and among the fails, and how many of each the grader found right. */
  gradedPass: number;
  rightPass: number;
  gradedFail: number;
  rightFail: number;
}

export interface BenchFit {
  file: string;
  sha256: string;
  records: number;
  warmupSkipped: number;
  /** Key: `${action}\t${tier}`. */
  cells: Map<string, BenchCell>;
  /** Per action: ln(tokens) samples of successful calls. */
  logInputTokens: Map<string, number[]>;
  logOutputTokens: Map<string, number[]>;
  /** Per tier: e2e samples pooled over actions (fallback when a cell is thin). */
  tierE2eMs: Map<string, number[]>;
  /** Per tier: how many of those samples were modelled (replayed answers), not measured. */
  tierModelled: Map<string, number>;
}

export const cellKey = (action: string, tier: string): string => `${action}\t${tier}`;

/** A run id (results/<id>/records.jsonl), a run directory, or a records.jsonl path (bench/run/run-folder.ts findRun). */
export function resolveBenchRecords(run: string, cwd: string = process.cwd()): string {
  return findRun(run, { cwd }).recordsFile;
}

/** Through the one records reader, which drops a crash-torn last line as `bench calibrate` does. */
export function readBenchRecords(file: string): { records: BenchRecord[]; sha256: string } {
  return readRecordsFile(file);
}

export function fitBench(config: RouterConfig, file: string): BenchFit {
  const { records, sha256 } = readBenchRecords(file);
  const fit: BenchFit = {
    file,
    sha256,
    records: records.length,
    warmupSkipped: 0,
    cells: new Map(),
    logInputTokens: new Map(),
    logOutputTokens: new Map(),
    tierE2eMs: new Map(),
    tierModelled: new Map(),
  };
  for (const r of records) {
    if (r.warmup) {
      fit.warmupSkipped++;
      continue;
    }
    const key = cellKey(r.action, r.tier);
    let cell = fit.cells.get(key);
    if (!cell)
      fit.cells.set(key, (cell = { passes: 0, fails: 0, e2eMs: [], modelled: 0, replayed: 0, gradedPass: 0, rightPass: 0, gradedFail: 0, rightFail: 0 }));
    if (r.error) {
      // A failed call gives no acceptable answer at this tier: the router moves on, so it counts as a fail.
      cell.fails++;
      continue;
    }
    if (r.confidence !== null) {
      const pass = r.confidence >= thresholdFor(config, r.action, r.tier).threshold;
      if (pass) cell.passes++;
      else cell.fails++;
      if (r.grade) {
        if (pass) {
          cell.gradedPass++;
          if (r.grade.pass) cell.rightPass++;
        } else {
          cell.gradedFail++;
          if (r.grade.pass) cell.rightFail++;
        }
      }
    }
    if (r.provider === "replay") cell.replayed++;
    cell.e2eMs.push(r.e2e_ms);
    push(fit.tierE2eMs, r.tier, r.e2e_ms);
    if (r.latency_source === "modelled") {
      cell.modelled++;
      fit.tierModelled.set(r.tier, (fit.tierModelled.get(r.tier) ?? 0) + 1);
    }
    if (r.input_tokens !== null && r.input_tokens > 0) push(fit.logInputTokens, r.action, Math.log(r.input_tokens));
    if (r.output_tokens !== null && r.output_tokens > 0) push(fit.logOutputTokens, r.action, Math.log(r.output_tokens));
  }
  return fit;
}

/** Lognormal fit by the mean and sample SD of ln(x); undefined below MIN_BENCH_SAMPLES. */
export function fitLogNormal(logs: number[] | undefined): { median: number; log_sd: number; n: number } | undefined {
  if (!logs || logs.length < MIN_BENCH_SAMPLES) return undefined;
  const n = logs.length;
  const mu = logs.reduce((s, x) => s + x, 0) / n;
  const v = logs.reduce((s, x) => s + (x - mu) * (x - mu), 0) / (n - 1);
  return { median: Math.exp(mu), log_sd: Math.sqrt(v), n };
}

function push<K>(m: Map<K, number[]>, k: K, v: number): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}
