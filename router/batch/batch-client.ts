/**
 * The batch APIs behind one seam: submit requests as one provider batch, poll it, read its results.
 * anthropic-batches.ts (Message Batches) and openai-batches.ts (Batch API over the Files API) speak
 * the wire through the official SDKs.
 */
import type { ChatRequest, FinishReason, Usage } from "../contracts/provider.js";

export interface BatchRequest {
  /** Our request id: each API's custom_id. */
  customId: string;
  request: Omit<ChatRequest, "signal">;
}

export type BatchResult =
  | { customId: string; ok: true; text: string; usage: Usage; finishReason: FinishReason; model: string }
  /** `expired`: the provider's window ran out before this request ran (it may go in another batch). */
  | { customId: string; ok: false; expired: boolean; errorClass: string; message: string };

export interface BatchPoll {
  ended: boolean;
  /** ISO time the provider finished the batch (its own clock), when ended. */
  endedAt: string | null;
  counts: Record<string, number>;
}

export interface BatchClient {
  readonly kind: "anthropic" | "openai";
  submit(requests: BatchRequest[], signal?: AbortSignal): Promise<{ batchId: string }>;
  poll(batchId: string, signal?: AbortSignal): Promise<BatchPoll>;
  /** Only after `poll` said ended; one result per request submitted (unknown ids are dropped). */
  results(batchId: string, signal?: AbortSignal): Promise<BatchResult[]>;
}
