/** Shared fixtures for the simulator tests: the fixture router config, temp files, bench records. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchRecord } from "../bench/contracts/bench-record.js";

export const FIXTURE_CONFIG = "simulator/testdata/router.yaml";
export const PROFILES = "config/usage-profiles.yaml";

export function tempDir(prefix = "tierlab-sim-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeTemp(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A valid bench record; override what the test is about. */
export function benchRecord(over: Partial<BenchRecord>): BenchRecord {
  return {
    version: 2,
    latency_source: "measured",
    token_counter: null,
    run_id: "test-run",
    item_id: "item-1",
    dataset: "test",
    action: "classify_memory",
    tier: "LOCAL_FAST",
    model_id: "phi3-mini",
    provider: "ollama",
    started_at: "2026-11-25T10:00:00.000Z",
    warmup: false,
    ttft_ms: 40,
    e2e_ms: 120,
    tpot_ms: null,
    itl_ms: [],
    output_tokens_per_s: null,
    input_tokens: 90,
    output_tokens: 6,
    server_ns: null,
    confidence: 0.9,
    checks: null,
    threshold: 0.7,
    quality_pass: true,
    grade: null,
    error: null,
    cascade: null,
    answer: null,
    reading: null,
    signals: null,
    verifier: null,
    ...over,
  };
}

/** A small usage-profiles file: one profile `test` with the given daily volume and mix. */
export function profilesYaml(args: {
  iterations: number;
  calls: number;
  mix: Record<string, number>;
  dispersion?: number;
  fixedUsdPerDay?: number;
  apiAccuracyPrior?: string;
}): string {
  const base = `version: 1
calendar:
  start_weekday: mon
  weekday_factors: { mon: 1.16, tue: 1.16, wed: 1.16, thu: 1.16, fri: 1.16, sat: 0.6, sun: 0.6 }
profiles:
  test:
    iterations_per_day: ${args.iterations}
    calls_per_iteration: ${args.calls}
    dispersion: ${args.dispersion ?? 16}
    action_mix: { ${Object.entries(args.mix)
      .map(([a, s]) => `${a}: ${s}`)
      .join(", ")} }
assumptions:
  tokens:
    classify_memory: { input: { median: 90, log_sd: 0.35 }, output: { median: 6, log_sd: 0.3 } }
    code: { input: { median: 350, log_sd: 0.5 }, output: { median: 180, log_sd: 0.5 } }
    summarize: { input: { median: 900, log_sd: 0.7 }, output: { median: 60, log_sd: 0.35 } }
    orchestration: { input: { median: 2500, log_sd: 0.5 }, output: { median: 350, log_sd: 0.4 } }
  pass_prior:
    tiers:
      LOCAL_FAST: { mean: 0.8, n: 20 }
      LOCAL_QUALITY: { mean: 0.75, n: 20 }
      API_FALLBACK: { mean: 0.97, n: 50 }
  local_fixed_usd_per_day: ${args.fixedUsdPerDay ?? 0}${args.apiAccuracyPrior ? `\n  api_accuracy_prior:\n    tiers: { ${args.apiAccuracyPrior} }` : ""}
success_metrics:
  week: { max_cost_usd: 5, min_savings: 0.70, max_mean_latency_ms: 500, min_pass_rate: 0.95, min_local_share: 0.60 }
  month: { max_cost_usd: 20, min_savings: 0.75, no_budget_overrun: true, min_mean_confidence: 0.8 }
`;
  return base;
}

export interface CellSpec {
  cell?: string;
  tier: string;
  local?: boolean;
  calls?: number;
  /** null on the last cell. */
  threshold: number | null;
  basis?: "self_check" | "p_correct" | "final";
  accept: [k: number, n: number];
  right: [k: number, n: number];
}

/** A version 2 calibration with one recommended policy per entry (fields the simulator does not read are plausible filler). */
/** The fixture config's model ids (simulator/testdata/router.yaml): a pair for consensus, else the tier's model. */
const TIER_MODEL: Record<string, string> = { LOCAL_FAST: "phi3-mini", LOCAL_QUALITY: "mixtral-8x7b", API_FALLBACK: "claude-sonnet" };
const fixtureModels = (c: CellSpec): string[] => ((c.calls ?? 1) > 1 ? ["phi3-mini", "mixtral-8x7b"] : [TIER_MODEL[c.tier] ?? c.tier]);

export function calibrationV2(
  policies: { action: string; kind: "cascade" | "consensus" | "api_first"; cells: CellSpec[] }[],
  extra: { final_accuracy?: unknown[] } = {},
): string {
  return JSON.stringify({
    version: 2,
    created_at: "2026-12-01T00:00:00.000Z",
    source_run: "fixture",
    method: "risk_control",
    params: { alpha: 0.05, delta: 0.1 },
    thresholds: [],
    // The router walks a P(correct) cell only with its scorer: a constant one is enough for the simulator, which reads the counts.
    scorers: policies.flatMap((p) =>
      p.cells
        .filter((c, i) => (c.basis ?? (i === p.cells.length - 1 ? "final" : "p_correct")) === "p_correct")
        .map((c) => ({
          action: p.action,
          cell: c.cell ?? c.tier,
          policy: p.kind,
          models: fixtureModels(c),
          signal_auroc: {},
          model: {
            version: 1,
            kind: "logistic",
            features: [],
            intercept: 0,
            calibration: { method: "none" },
            fit: {
              n: 2,
              positives: 1,
              folds: 2,
              seed: 1,
              l2: 1,
              calibration_choice: "auto",
              cv_brier: { uncalibrated: 0.25, platt: null, isotonic: null },
              oof_brier: 0.25,
              oof_auroc: null,
              oof_ece: 0,
            },
          },
        })),
    ),
    final_accuracy: extra.final_accuracy ?? [],
    policies: policies.map((p) => ({
      action: p.action,
      kind: p.kind,
      recommended: true,
      alpha: 0.05,
      delta: 0.1,
      evidence: "replayed",
      reason: "fixture",
      held_out: null,
      expected: {
        n: 100,
        accuracy: 0.9,
        accuracy_ci95: { lower: 0.85, upper: 0.95 },
        api_share: 0.2,
        cost_per_1k_usd: 1,
        kept_error: 0.03,
        kept_error_upper: 0.05,
      },
      cells: p.cells.map((c, i) => ({
        cell: c.cell ?? c.tier,
        tier: c.tier,
        local: c.local ?? c.tier !== "API_FALLBACK",
        models: fixtureModels(c),
        calls: c.calls ?? 1,
        threshold: c.threshold,
        basis: c.basis ?? (i === p.cells.length - 1 ? "final" : "p_correct"),
        accept: { k: c.accept[0], n: c.accept[1] },
        correct_if_accepted: { k: c.right[0], n: c.right[1] },
      })),
    })),
  });
}
