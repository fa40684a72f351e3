/**
 * One ledger row per attempt. The zod schema is the contract for the SQLite table, the JSONL/CSV
 * export and every reader (usage, doctor, reports). Keys and secrets are never fields.
 */
import { z } from "zod";

export const LEDGER_VERSION = 1 as const;

const Count = z.number().int().min(0).nullable();

export const LedgerRecordSchema = z.strictObject({
  version: z.literal(LEDGER_VERSION),
  ts: z.string(),
  request_id: z.string(),
  action: z.string(),
  tier: z.string(),
  provider: z.string(),
  model: z.string(),
  attempt: z.number().int().min(1),
  input_tokens: Count,
  output_tokens: Count,
  cost_usd: z.number().min(0),
  latency_ms: z.number().min(0),
  ttft_ms: z.number().min(0).nullable(),
  confidence: z.number().min(0).max(1).nullable(),
  /** JSON array of {id, score, pass, reason}. */
  checks: z.string().nullable(),
  verdict: z.enum(["accepted", "rejected", "error", "skipped", "verifier"]),
  escalated_from: z.string().nullable(),
  error_class: z.string().nullable(),
  tag: z.string().nullable(),
  cache_hit: z.boolean(),
  prompt: z.string().nullable(),
  answer: z.string().nullable(),
  /** The learned scorer's P(correct) of this attempt's answer; null where its cell has no scorer (and in rows written before issue 12). */
  p_correct: z.number().min(0).max(1).nullable(),
  /**
   * JSON of the attempt's UsageAudit (router/contracts/route-result.ts) when its tokens are not simply
   * what the provider reported: `reported` = the provider's figures, above the request's worst case,
   * which were clamped to it (`doctor` flags these); `counted_by` = the tokenizer that counted an
   * attempt that failed after streaming. Null otherwise, and in rows written before the column existed.
   */
  usage_audit: z.string().nullable().default(null),
});
export type LedgerRecord = z.infer<typeof LedgerRecordSchema>;
