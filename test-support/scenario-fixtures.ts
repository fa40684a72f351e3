/**
 * Test inputs for the scenario tests: bench run folders of constructed records (validated against
 * BenchRecordSchema and read back through the real RunFolder) and small simulations written as results
 * files. Deterministic, so two builds of one report can be compared byte for byte.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BENCH_RECORD_VERSION, BenchRecordSchema, type BenchRecord } from "../bench/contracts/bench-record.js";
import { EVALUATE_REPORT_VERSION, EvaluateReport, type PolicyPoint } from "../bench/evaluate/frontier-types.js";
import { wilsonInterval } from "../bench/stats/proportion.js";
import { RUN_META_VERSION, type RunMeta } from "../bench/run/run-folder.js";
import { EMBEDDED_CONFIG } from "../router/config/load.js";
import { createRng } from "../core/rng.js";
import { writeResultsFile, type SimulationResults } from "../simulator/results.js";
import { runSimulation } from "../simulator/run.js";

export const REPO = resolve(import.meta.dirname, "..");
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
        out.push(
          BenchRecordSchema.parse({
            version: BENCH_RECORD_VERSION,
            run_id: spec.runId,
            item_id: `${action}-${String(i + 1).padStart(3, "0")}`,
            dataset: "fixture",
            action,
            tier: m.tier,
            model_id: m.model_id,
            provider: m.provider,
            started_at: `2026-01-0${MODELS.indexOf(m) + 1}T10:00:${String(i % 60).padStart(2, "0")}.000Z`,
            warmup: false,
            latency_source: "measured",
            token_counter: null,
            ttft_ms: ttft,
            e2e_ms: e2e,
            tpot_ms: tpot,
            itl_ms: [tpot, tpot],
            output_tokens_per_s: out_tokens / (e2e / 1000),
            input_tokens: 60 + Math.floor(80 * rng.next()),
            output_tokens: out_tokens,
            server_ns: null,
            confidence: hostile ? 0.1 : confidence,
            checks: null,
            threshold: 0.7,
            quality_pass: !hostile && confidence >= 0.7,
            grade: {
              ...(hostile ? { pass: false, reason: "label mismatch" } : { pass: right, reason: right ? "matches" : "differs" }),
              unparseable: null,
              extracted: null,
            },
            error: null,
            cascade: null,
            answer: hostile ? HOSTILE_ANSWER : `{"label": "${right ? "ok" : "wrong"}"}`,
          }),
        );
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
    version: RUN_META_VERSION,
    run_id: spec.runId,
    created_at: spec.createdAt ?? "2026-01-01T10:00:00.000Z",
    command: "bench run (fixture)",
    config: { file: resolve(REPO, EMBEDDED_CONFIG), sha256: "0".repeat(64) },
    dataset: { file: "fixture.jsonl", name: "fixture", sha256: "1".repeat(64), items: spec.items ?? 80 },
    options: {
      tier: null,
      models: MODELS.map((m) => m.model_id),
      engine: null,
      cascade: false,
      limit: spec.items ?? 80,
      seed: spec.seed ?? 7,
      action: null,
      concurrency: 1,
      rate: null,
      warmup: 0,
      timeout_ms: null,
      slo: {},
      store_answers: false,
      calibration: null,
    },
    targets: MODELS.map((m) => ({ tier: m.tier, model_id: m.model_id, provider: m.provider, model: `${m.model_id}.gguf` })),
    git_commit: "abcdef1",
    hardware: { cpu_model: "Fixture CPU", cpu_count: 2, node: "v20", gpu: null },
  };
  writeFileSync(join(run, "meta.json"), JSON.stringify(meta, null, 2) + "\n");
  writeFileSync(join(run, "records.jsonl"), records.map((r) => JSON.stringify(r) + "\n").join(""));
  return run;
}

/** A small simulation of one profile, written as a results file. */
export async function writeSimulation(
  dir: string,
  usage: string,
  opts: { trials?: number; fromBench?: string; sensitivity?: boolean } = {},
): Promise<{ file: string; results: SimulationResults }> {
  const results = await runSimulation({
    usage,
    days: 30,
    trials: opts.trials ?? 300,
    seed: 3,
    mode: "aggregated",
    config: resolve(REPO, EMBEDDED_CONFIG),
    profiles: resolve(REPO, "config/usage-profiles.yaml"),
    sensitivity: opts.sensitivity ?? true,
    sensitivityTrials: 60,
    ...(opts.fromBench ? { fromBench: opts.fromBench } : {}),
  });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${usage}.simulation.json`);
  writeResultsFile(file, results);
  return { file, results };
}

type PointSpec = Pick<PolicyPoint, "name" | "kind" | "models" | "accuracy" | "api_share" | "cost_per_1k_usd"> &
  Partial<Pick<PolicyPoint, "thresholds" | "kept" | "kept_error" | "alpha" | "delta">>;

/**
 * A hand-made `bench evaluate` report on a GSM8K-like split of 660 held-out items (not measured: numbers
 * chosen for tests). With gpt-4o as the reference, the calibrated cascade qualifies (94.8 % ≥ 99 % of
 * 95.5 %, kept error 3.5 % ≤ α 5 %) and is the cheapest that does: 99.3 % of the accuracy at 27.4 % of the cost.
 */
export function evaluateReportFixture(edit: (points: PointSpec[]) => PointSpec[] = (p) => p): EvaluateReport {
  const n = 660;
  const specs: PointSpec[] = [
    { name: "phi3", kind: "single", models: ["phi3"], accuracy: 0.8, api_share: 0, cost_per_1k_usd: 0 },
    { name: "llama3-8b", kind: "single", models: ["llama3-8b"], accuracy: 0.78, api_share: 0, cost_per_1k_usd: 0 },
    { name: "mixtral-8x7b", kind: "single", models: ["mixtral-8x7b"], accuracy: 0.65, api_share: 0, cost_per_1k_usd: 0 },
    { name: "claude-sonnet", kind: "single", models: ["claude-sonnet"], accuracy: 0.96, api_share: 1, cost_per_1k_usd: 3.9 },
    { name: "gpt-4o", kind: "single", models: ["gpt-4o"], accuracy: 0.955, api_share: 1, cost_per_1k_usd: 3.1 },
    {
      name: "seed rule cascade",
      kind: "cascade",
      models: ["phi3", "mixtral-8x7b", "gpt-4o"],
      thresholds: [0.7, 0.7],
      accuracy: 0.8,
      api_share: 0.05,
      cost_per_1k_usd: 0.2,
      kept: 620,
      kept_error: 0.17,
    },
    {
      name: "calibrated cascade",
      kind: "cascade",
      models: ["phi3", "gpt-4o"],
      thresholds: [0.91],
      accuracy: 0.948,
      api_share: 0.27,
      cost_per_1k_usd: 0.85,
      kept: 482,
      kept_error: 0.035,
      alpha: 0.05,
      delta: 0.1,
    },
    {
      name: "calibrated consensus",
      kind: "consensus",
      models: ["phi3", "llama3-8b", "gpt-4o"],
      thresholds: [0.6],
      accuracy: 0.951,
      api_share: 0.31,
      cost_per_1k_usd: 0.97,
      kept: 455,
      kept_error: 0.03,
      alpha: 0.05,
      delta: 0.1,
    },
    {
      name: "random phi3 / gpt-4o",
      kind: "random",
      models: ["phi3", "gpt-4o"],
      accuracy: 0.8419,
      api_share: 0.27,
      cost_per_1k_usd: 0.837,
      kept: 481.8,
      kept_error: 0.2,
    },
    {
      name: "oracle phi3 → gpt-4o",
      kind: "oracle",
      models: ["phi3", "gpt-4o"],
      accuracy: 0.97,
      api_share: 0.2,
      cost_per_1k_usd: 0.62,
      kept: 528,
      kept_error: 0,
    },
  ];
  const policies = edit(specs).map((p): PolicyPoint => ({
    thresholds: null,
    kept: p.api_share === 1 ? 0 : Math.round((1 - p.api_share) * n),
    kept_error: null,
    alpha: null,
    delta: null,
    ...p,
    n,
    accuracy_ci95: wilsonInterval(Math.round(p.accuracy * n), n),
  }));
  return EvaluateReport.parse({
    version: EVALUATE_REPORT_VERSION,
    dataset: "datasets/gsm8k-replay.jsonl",
    split: { fit: 659, eval: n, seed: 1 },
    policies,
    routellm: [
      {
        policy: "cascade",
        cell: "LOCAL_FAST",
        local: "phi3",
        api: "gpt-4o",
        weak: 0.8,
        strong: 0.955,
        apgr: 0.78,
        calls_to_gap: { "50": 0.12, "80": 0.24, "95": 0.41 },
      },
    ],
  });
}

export function writeEvaluateReport(dir: string, report: EvaluateReport = evaluateReportFixture(), name = "evaluate.json"): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  return file;
}
