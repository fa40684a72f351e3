/**
 * Test helper for calibrate and compare: builds bench records that pass BenchRecordSchema and writes
 * them into temp run folders, so tests read them back through the real RunFolder.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_RECORD_VERSION, BenchRecordSchema, type BenchRecord } from "../contracts/bench-record.js";

export interface RecordInit {
  item_id: string;
  action?: string;
  tier?: string;
  model_id?: string;
  run_id?: string;
  confidence?: number | null;
  /** Grader verdict; null = ungraded. */
  pass?: boolean | null;
  e2e_ms?: number;
  ttft_ms?: number | null;
  warmup?: boolean;
  /** Error class; the record then carries an error and no grade, as a failed request does. */
  error?: string;
  /** The router's reading of the answer (default none). */
  reading?: BenchRecord["reading"];
  /** Own signal values (default none). */
  signals?: BenchRecord["signals"];
  input_tokens?: number | null;
  output_tokens?: number | null;
  latency_source?: BenchRecord["latency_source"];
  provider?: string;
}

export function makeRecord(init: RecordInit): BenchRecord {
  const failed = init.error !== undefined;
  const pass = init.pass === undefined ? true : init.pass;
  const record: BenchRecord = {
    version: BENCH_RECORD_VERSION,
    run_id: init.run_id ?? "run-test",
    item_id: init.item_id,
    dataset: "test-set",
    action: init.action ?? "classify",
    tier: init.tier ?? "LOCAL_FAST",
    model_id: init.model_id ?? "fast-a",
    provider: init.provider ?? "scripted",
    started_at: "2026-01-01T00:00:00.000Z",
    warmup: init.warmup ?? false,
    latency_source: init.latency_source ?? "measured",
    token_counter: null,
    ttft_ms: failed ? null : init.ttft_ms === undefined ? null : init.ttft_ms,
    e2e_ms: init.e2e_ms ?? 100,
    tpot_ms: null,
    itl_ms: [],
    output_tokens_per_s: null,
    input_tokens: init.input_tokens ?? null,
    output_tokens: init.output_tokens ?? null,
    server_ns: null,
    confidence: failed ? null : init.confidence === undefined ? 0.5 : init.confidence,
    checks: null,
    threshold: 0.7,
    quality_pass: null,
    grade: failed || pass === null ? null : { pass, reason: pass ? "matches" : "differs", unparseable: null, extracted: null },
    error: failed ? { class: init.error!, message: "failed in test" } : null,
    cascade: null,
    answer: null,
    reading: failed ? null : (init.reading ?? null),
    signals: failed ? null : (init.signals ?? null),
    verifier: null,
  };
  // Parsing here means a test can never pass on records the real reader would reject.
  return BenchRecordSchema.parse(record);
}

/** Writes records.jsonl into a fresh temp folder and returns the folder. */
export function writeRun(records: readonly BenchRecord[], prefix = "tierlab-run-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, "records.jsonl"), records.map((r) => JSON.stringify(r) + "\n").join(""));
  return dir;
}
