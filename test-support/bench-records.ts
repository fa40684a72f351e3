/**
 * Test helper for calibrate and compare: builds bench records that pass BenchRecordSchema and writes
 * them into temp run folders, so tests read them back through the real RunFolder.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_RECORD_VERSION, BenchRecordSchema, type BenchRecord } from "../bench/contracts/bench-record.js";

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

/**
 * 200 items of action `classify` on the fixture config (LOCAL_FAST fast-a → LOCAL_QUALITY quality-a →
 * API_FALLBACK api-model), every answer read cleanly (extraction 1), no checks:
 *
 *   items     fast-a   quality-a   right?                      api-model
 *   0–2       "4"      "4"         both wrong (agree, wrong)    right
 *   3–159     "4"      "4"         both right                   right
 *   160–179   "a<i>"   "b<i>"      fast right, quality wrong    right
 *   180–197   "a<i>"   "b<i>"      both wrong                   right
 *   198–199   "a<i>"   "b<i>"      both wrong                   wrong
 *
 * The only signal that varies is agreement, and only where the route has a peer: at the consensus cell.
 * api-model costs 100 × $3e-6 + 10 × $1.5e-5 = $0.00045 a call; local calls cost nothing (no local_cost).
 */
export function agreementRecords(opts: { withSignals?: boolean; copies?: number } = {}): BenchRecord[] {
  const out: BenchRecord[] = [];
  const sig = (canonical: string) => (opts.withSignals === false ? {} : { reading: { status: "clean" as const, canonical }, signals: { extraction: 1 } });
  // `copies` repeats the 200 items under new ids (copy c, item i is number 200·c + i).
  for (let n = 0; n < 200 * (opts.copies ?? 1); n++) {
    const i = n % 200;
    const id = `it${String(n).padStart(4, "0")}`;
    const agree = i < 160;
    out.push(makeRecord({ item_id: id, tier: "LOCAL_FAST", model_id: "fast-a", pass: agree ? i >= 3 : i < 180, ...sig(agree ? "4" : `a${i}`) }));
    out.push(makeRecord({ item_id: id, tier: "LOCAL_QUALITY", model_id: "quality-a", pass: agree ? i >= 3 : false, ...sig(agree ? "4" : `b${i}`) }));
    out.push(makeRecord({ item_id: id, tier: "API_FALLBACK", model_id: "api-model", pass: i < 198, input_tokens: 100, output_tokens: 10, ...sig("x") }));
  }
  return out;
}
