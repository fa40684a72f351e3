/**
 * The bench results contract: one record per (dataset item × model) in `results/<run-id>/records.jsonl`,
 * plus `summary.json`. Calibration, the simulator's `--from-bench` and the reports read these files
 * through `parseBenchRecord`, which checks `version` first.
 *
 * Version 2 (this one) says where each latency came from (`latency_source`: measured on the clock, or
 * modelled from a hardware profile by the replay backend), which tokenizer counted the tokens when the
 * backend did not, and the grader's `unparseable` / `extracted`. Version 1 records are read as measured
 * latencies with backend-reported tokens and no parse information.
 */
import { z } from "zod";
import { formatPath } from "../../core/validate-source.js";

export const BENCH_RECORD_VERSION = 2 as const;
export const READABLE_BENCH_RECORD_VERSIONS = [1, 2] as const;

const Ms = z.number().min(0);
const Count = z.number().int().min(0).nullable();

export const CheckResultSchema = z.strictObject({ id: z.string(), score: z.number(), pass: z.boolean(), reason: z.string() });

const V1Fields = {
  run_id: z.string(),
  item_id: z.string(),
  dataset: z.string(),
  action: z.string(),
  tier: z.string(),
  model_id: z.string(),
  provider: z.string(),
  started_at: z.string(),
  /** Warm-up requests are recorded for transparency but excluded from every statistic. */
  warmup: z.boolean(),
  /** Client-side time to first content chunk (modelled when `latency_source` says so). */
  ttft_ms: Ms.nullable(),
  e2e_ms: Ms,
  /** (e2e − ttft) / (output tokens − 1); null with ≤ 1 output token. */
  tpot_ms: Ms.nullable(),
  /** Gaps between consecutive content chunks. */
  itl_ms: z.array(Ms),
  output_tokens_per_s: z.number().min(0).nullable(),
  input_tokens: Count,
  output_tokens: Count,
  /** Server-side timings (Ollama's ns fields) when the backend reports them. */
  server_ns: z.strictObject({ total: Count, load: Count, prompt_eval: Count, eval: Count }).nullable(),
  /** The router's quality check on this answer. */
  confidence: z.number().min(0).max(1).nullable(),
  checks: z.array(CheckResultSchema).nullable(),
  threshold: z.number().min(0).max(1),
  quality_pass: z.boolean().nullable(),
  error: z.strictObject({ class: z.string(), message: z.string() }).nullable(),
  /** `--cascade` runs: which tier finally answered and what the whole route cost. */
  cascade: z
    .strictObject({
      final_tier: z.string().nullable(),
      final_model: z.string().nullable(),
      verdict: z.string(),
      attempts: z.number().int().min(0),
      cost_usd: z.number().min(0),
    })
    .nullable(),
  /** Only when --store-answers is given. */
  answer: z.string().nullable(),
};

const GradeV1 = z.strictObject({ pass: z.boolean(), reason: z.string() });

export const BenchRecordV1Schema = z.strictObject({ ...V1Fields, version: z.literal(1), grade: GradeV1.nullable() });
export type BenchRecordV1 = z.infer<typeof BenchRecordV1Schema>;

export const TokenCounterSchema = z.strictObject({
  /** Package and vocabulary that counted. */
  tokenizer: z.string(),
  /** Whose tokenizer it stands in for, and why; null when it is the model's own. */
  stand_in: z.string().nullable(),
});

export const ReadingSchema = z.strictObject({ status: z.enum(["clean", "repaired", "unparseable"]), canonical: z.string().nullable() });

/** A verifier model asked whether the answer is right: what it said and what the call cost, like any attempt. */
export const VerifierCallSchema = z.strictObject({
  model_id: z.string(),
  /** P(yes); null when the call failed or the reply said neither yes nor no. */
  p_yes: z.number().min(0).max(1).nullable(),
  cost_usd: z.number().min(0),
  latency_ms: Ms,
  latency_source: z.enum(["measured", "modelled"]),
  input_tokens: Count,
  output_tokens: Count,
  error: z.string().nullable(),
});
export type VerifierCall = z.infer<typeof VerifierCallSchema>;

export const BenchRecordSchema = z.strictObject({
  ...V1Fields,
  version: z.literal(BENCH_RECORD_VERSION),
  /** `modelled`: ttft/e2e/tpot were computed from a hardware profile (replay), not observed. */
  latency_source: z.enum(["measured", "modelled"]),
  /** Who counted input/output tokens when the backend did not report them; null = the backend reported them. */
  token_counter: TokenCounterSchema.nullable(),
  /** The dataset grader's verdict: is the answer actually right? */
  grade: z
    .strictObject({
      pass: z.boolean(),
      reason: z.string(),
      /** No answer could be read from the text at all; null when the grader does not tell. */
      unparseable: z.boolean().nullable(),
      /** The answer the grader read from the text, when it tells. */
      extracted: z.string().nullable(),
    })
    .nullable(),
  /** The router's reading of the answer with the action's answer kind; null on an error (or an older record). */
  reading: ReadingSchema.nullable().default(null),
  /** Own signal values by feature name (null = missing, e.g. no log-probabilities); null on an error (or an older record). */
  signals: z.record(z.string(), z.number().nullable()).nullable().default(null),
  /** The action's verifier call on this answer; null when the action has none. */
  verifier: VerifierCallSchema.nullable().default(null),
});
export type BenchRecord = z.infer<typeof BenchRecordSchema>;

/** A version-1 record as version 2: latencies were measured, tokens came from the backend. */
export function upgradeBenchRecord(r: BenchRecordV1): BenchRecord {
  return {
    ...r,
    version: BENCH_RECORD_VERSION,
    latency_source: "measured",
    token_counter: null,
    grade: r.grade ? { ...r.grade, unparseable: null, extracted: null } : null,
    reading: null,
    signals: null,
    verifier: null,
  };
}

export type ParsedBenchRecord = { ok: true; record: BenchRecord } | { ok: false; field: string; message: string };

/** The one reader of a bench record: checks `version`, validates, and upgrades version 1. */
export function parseBenchRecord(json: unknown): ParsedBenchRecord {
  const version = json && typeof json === "object" ? (json as { version?: unknown }).version : undefined;
  if (version === 1) {
    const r = BenchRecordV1Schema.safeParse(json);
    return r.success ? { ok: true, record: upgradeBenchRecord(r.data) } : fail(r.error.issues[0]!);
  }
  if (version === BENCH_RECORD_VERSION) {
    const r = BenchRecordSchema.safeParse(json);
    return r.success ? { ok: true, record: r.data } : fail(r.error.issues[0]!);
  }
  return {
    ok: false,
    field: "version",
    message: `is ${JSON.stringify(version)}; this tierlab reads bench records of version ${READABLE_BENCH_RECORD_VERSIONS.join(" or ")}`,
  };
}

function fail(issue: { path: PropertyKey[]; message: string }): ParsedBenchRecord {
  return { ok: false, field: formatPath(issue.path), message: issue.message };
}
