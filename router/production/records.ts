/**
 * The rows that production learning adds to the ledger's database, next to `calls`: shadow checks,
 * feedback, threshold changes, and the batch tier's queue. The zod schemas are the contract for the
 * SQLite tables (created by production-sqlite.ts) and the PostgreSQL ones (migration 0003), and for
 * every reader; column order is the schemas' key order.
 */
import { z } from "zod";

const Usd = z.number().min(0);
const Count = z.number().int().min(0).nullable();

/** One accepted answer also asked of the API tier, off the request's path: the pair and whether they agree. */
export const ShadowCheckSchema = z.strictObject({
  ts: z.string(),
  request_id: z.string(),
  action: z.string(),
  /** Where the kept answer came from. */
  tier: z.string(),
  model: z.string(),
  confidence: z.number().min(0).max(1).nullable(),
  shadow_tier: z.string(),
  shadow_model: z.string(),
  /** The two answers read as the action's answer kind and compared as the graders do; null = no verdict (unreadable or failed call). */
  agree: z.boolean().nullable(),
  /** Canonical readings (router/answers): the extracted answers, not the full texts. */
  local_answer: z.string().nullable(),
  shadow_answer: z.string().nullable(),
  /** Why there is no verdict, or how the answers were read. */
  reason: z.string(),
  /** Full texts, only with ledger.store_prompts. */
  local_text: z.string().nullable(),
  shadow_text: z.string().nullable(),
  input_tokens: Count,
  output_tokens: Count,
  cost_usd: Usd,
  latency_ms: z.number().min(0),
  error_class: z.string().nullable(),
});
export type ShadowCheck = z.infer<typeof ShadowCheckSchema>;

/** A person's (or a client's) verdict on a routed answer: `tierlab feedback` and POST /v1/feedback. */
export const FeedbackSchema = z.strictObject({
  ts: z.string(),
  request_id: z.string(),
  action: z.string(),
  /** The tier and model of the answer the request returned. */
  tier: z.string(),
  model: z.string(),
  right: z.boolean(),
  note: z.string().nullable(),
  source: z.enum(["cli", "api"]),
});
export type Feedback = z.infer<typeof FeedbackSchema>;

/** A threshold the drift alarm raised: the router applies the newest row per (action, tier) on start. */
export const ThresholdChangeSchema = z.strictObject({
  ts: z.string(),
  action: z.string(),
  tier: z.string(),
  old_threshold: z.number().min(0).max(1),
  new_threshold: z.number().min(0).max(1),
  reason: z.string(),
  error_lower: z.number().min(0).max(1),
  error_upper: z.number().min(0).max(1),
  samples: z.number().int().min(0),
});
export type ThresholdChange = z.infer<typeof ThresholdChangeSchema>;

export const BatchItemState = z.enum(["queued", "submitted", "done", "failed"]);
export type BatchItemState = z.infer<typeof BatchItemState>;

/**
 * A deferrable request waiting for, or answered by, a provider batch. Written before the 202 goes
 * out, so a restart loses nothing: queued items are submitted, submitted ones polled.
 */
export const BatchItemSchema = z.strictObject({
  request_id: z.string(),
  ts: z.string(),
  action: z.string(),
  tag: z.string().nullable(),
  tier: z.string(),
  model: z.string(),
  provider: z.string(),
  /** The provider-native model name sent in the batch. */
  model_name: z.string(),
  /** The ledger attempt number the answer becomes (after the local attempts). */
  attempt: z.number().int().min(1),
  escalated_from: z.string().nullable(),
  /** JSON: the chat messages, max_tokens, temperature and response format. */
  request: z.string(),
  state: BatchItemState,
  batch_id: z.string().nullable(),
  submissions: z.number().int().min(0),
  submitted_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  /** The answer, kept until the caller collects it (GET /v1/deferred/<id>, `tierlab batch collect`). */
  answer: z.string().nullable(),
  verdict: z.enum(["accepted", "rejected", "error"]).nullable(),
  confidence: z.number().min(0).max(1).nullable(),
  cost_usd: Usd.nullable(),
  error: z.string().nullable(),
});
export type BatchItem = z.infer<typeof BatchItemSchema>;

/** One provider batch. */
export const BatchSchema = z.strictObject({
  batch_id: z.string(),
  provider: z.string(),
  kind: z.enum(["anthropic", "openai"]),
  model: z.string(),
  state: z.enum(["in_progress", "ended"]),
  requests: z.number().int().min(0),
  submitted_at: z.string(),
  ended_at: z.string().nullable(),
});
export type Batch = z.infer<typeof BatchSchema>;

/** The tables, their schemas, the columns they search by, and their key (for updates). */
export const TABLES = {
  shadow_checks: { schema: ShadowCheckSchema, booleans: ["agree"], key: null },
  feedback: { schema: FeedbackSchema, booleans: ["right"], key: null },
  threshold_changes: { schema: ThresholdChangeSchema, booleans: [], key: null },
  batch_items: { schema: BatchItemSchema, booleans: [], key: "request_id" },
  batches: { schema: BatchSchema, booleans: [], key: "batch_id" },
} as const;
export type TableName = keyof typeof TABLES;
export interface RowOf {
  shadow_checks: ShadowCheck;
  feedback: Feedback;
  threshold_changes: ThresholdChange;
  batch_items: BatchItem;
  batches: Batch;
}

export function columnsOf(table: TableName): string[] {
  return Object.keys(TABLES[table].schema.shape);
}
