/**
 * Test inputs for the scenario tests: bench run folders of constructed records (validated against
 * BenchRecordSchema and read back through the real RunFolder) and small simulations written as results
 * files. Deterministic, so two builds of one report can be compared byte for byte.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BENCH_RECORD_VERSION, BenchRecordSchema, type BenchRecord } from "../../bench/contracts/bench-record.js";
import { RUN_META_VERSION, type RunMeta } from "../../bench/run/run-folder.js";
import { EMBEDDED_CONFIG } from "../../router/config/load.js";
import { createRng } from "../../router/util/rng.js";
import { writeResultsFile, type SimulationResults } from "../../simulator/results.js";
import { runSimulation } from "../../simulator/run.js";

export const REPO = resolve(import.meta.dirname, "../..");
export const HOSTILE_ANSWER = `<script>alert(1)</script></script><img src=x onerror=alert(1)>`;

export function tempDir(prefix = "tierlab-scenarios-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface RunSpec {
  runId: string;
  /** Items per (model, action). */
  items?: number;
  /** Probability an answer is right; the score tracks it, so calibration has something to find. */
  accuracy?: number;
  /** Added to every latency, to make a slower head run. */
  extraMs?: number;
  seed?: number;
  hostile?: boolean;
  createdAt?: string;
}

const MODELS = [
  { model_id: "fast-a", tier: "LOCAL_FAST", provider: "embedded" },
  { model_id: "quality-b", tier: "LOCAL_QUALITY", provider: "embedded" },
] as const;
const ACTIONS = ["classify_memory", "yes_no"] as const;

export function makeRecords(spec: RunSpec): BenchRecord[] {
  const rng = createRng(spec.seed ?? 7);
  const n = spec.items ?? 80;
  const accuracy = spec.accuracy ?? 0.8;
  const out: BenchRecord[] = [];
  for (const m of MODELS) {
    for (const action of ACTIONS) {
      for (let i = 0; i < n; i++) {
        const right = rng.next() < accuracy;
        // Right answers score high, wrong ones mostly low: a score worth calibrating.
        const confidence = Math.round((right ? 0.55 + 0.45 * rng.next() : 0.6 * rng.next()) * 1000) / 1000;
        const ttft = 5 + 20 * rng.next() + (m.tier === "LOCAL_QUALITY" ? 10 : 0);
        const out_tokens = 3 + Math.floor(20 * rng.next());
        const tpot = 1 + 3 * rng.next();
        const e2e = ttft + tpot * (out_tokens - 1) + (spec.extraMs ?? 0);
        // One hostile answer, low-scored so it does not disturb calibration.
        const hostile = spec.hostile === true && i === 0 && m === MODELS[0] && action === ACTIONS[0];
        out.push(BenchRecordSchema.parse({
          version: BENCH_RECORD_VERSION, run_id: spec.runId, item_id: `${action}-${String(i + 1).padStart(3, "0")}`, dataset: "fixture", action,
          tier: m.tier, model_id: m.model_id, provider: m.provider, started_at: `2026-01-0${MODELS.indexOf(m) + 1}T10:00:${String(i % 60).padStart(2, "0")}.000Z`,
          warmup: false, latency_source: "measured", token_counter: null, ttft_ms: ttft, e2e_ms: e2e, tpot_ms: tpot, itl_ms: [tpot, tpot], output_tokens_per_s: out_tokens / (e2e / 1000),
          input_tokens: 60 + Math.floor(80 * rng.next()), output_tokens: out_tokens, server_ns: null,
          confidence: hostile ? 0.1 : confidence, checks: null, threshold: 0.7, quality_pass: !hostile && confidence >= 0.7,
          grade: { ...(hostile ? { pass: false, reason: "label mismatch" } : { pass: right, reason: right ? "matches" : "differs" }), unparseable: null, extracted: null },
          error: null, cascade: null, answer: hostile ? HOSTILE_ANSWER : `{"label": "${right ? "ok" : "wrong"}"}`,
        }));
      }
    }
  }
  return out;
}

/** A run folder (meta.json + records.jsonl) under `dir`, as `bench run` writes it. */
export function writeRunFolder(dir: string, spec: RunSpec, records: BenchRecord[] = makeRecords(spec)): string {
  const run = join(dir, spec.runId);
  mkdirSync(run, { recursive: true });
  const meta: RunMeta = {
    version: RUN_META_VERSION, run_id: spec.runId, created_at: spec.createdAt ?? "2026-01-01T10:00:00.000Z", command: "bench run (fixture)",
    config: { file: resolve(REPO, EMBEDDED_CONFIG), sha256: "0".repeat(64) },
    dataset: { file: "fixture.jsonl", name: "fixture", sha256: "1".repeat(64), items: spec.items ?? 80 },
    options: { tier: null, models: MODELS.map((m) => m.model_id), engine: null, cascade: false, limit: spec.items ?? 80, seed: spec.seed ?? 7, action: null, concurrency: 1, rate: null, warmup: 0, timeout_ms: null, slo: {}, store_answers: false, calibration: null },
    targets: MODELS.map((m) => ({ tier: m.tier, model_id: m.model_id, provider: m.provider, model: `${m.model_id}.gguf` })),
    git_commit: "abcdef1", hardware: { cpu_model: "Fixture CPU", cpu_count: 2, node: "v20", gpu: null },
  };
  writeFileSync(join(run, "meta.json"), JSON.stringify(meta, null, 2) + "\n");
  writeFileSync(join(run, "records.jsonl"), records.map((r) => JSON.stringify(r) + "\n").join(""));
  return run;
}

/** A small simulation of one profile, written as a results file. */
export async function writeSimulation(dir: string, usage: string, opts: { trials?: number; fromBench?: string; sensitivity?: boolean } = {}): Promise<{ file: string; results: SimulationResults }> {
  const results = await runSimulation({
    usage, days: 30, trials: opts.trials ?? 300, seed: 3, mode: "aggregated", config: resolve(REPO, EMBEDDED_CONFIG),
    profiles: resolve(REPO, "config/usage-profiles.yaml"), sensitivity: opts.sensitivity ?? true, sensitivityTrials: 60,
    ...(opts.fromBench ? { fromBench: opts.fromBench } : {}),
  });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${usage}.simulation.json`);
  writeResultsFile(file, results);
  return { file, results };
}
