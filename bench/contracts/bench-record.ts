/**
 * The bench results contract: one record per (dataset item × model) in `results/<run-id>/records.jsonl`,
 * plus `summary.json`. Calibration, the simulator's `--from-bench` and the reports read these files,
 * validating `version` first.
 */
import { z } from "zod";

export const BENCH_RECORD_VERSION = 1 as const;

const Ms = z.number().min(0);
const Count = z.number().int().min(0).nullable();

export const CheckResultSchema = z.strictObject({ id: z.string(), score: z.number(), pass: z.boolean(), reason: z.string() });

export const BenchRecordSchema = z.strictObject({
  version: z.literal(BENCH_RECORD_VERSION),
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
  /** Client-side time to first content chunk. */
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
  /** The dataset grader's verdict: is the answer actually right? */
  grade: z.strictObject({ pass: z.boolean(), reason: z.string() }).nullable(),
  error: z.strictObject({ class: z.string(), message: z.string() }).nullable(),
  /** `--cascade` runs: which tier finally answered and what the whole route cost. */
  cascade: z
    .strictObject({ final_tier: z.string().nullable(), final_model: z.string().nullable(), verdict: z.string(), attempts: z.number().int().min(0), cost_usd: z.number().min(0) })
    .nullable(),
  /** Only when --store-answers is given. */
  answer: z.string().nullable(),
});
export type BenchRecord = z.infer<typeof BenchRecordSchema>;
