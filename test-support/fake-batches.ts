/**
 * What the two batch fakes share: a batch's requests, how each one ends, and the test's controls.
 * A fake provider keeps its batches across our process restarts, as the real one does.
 */
export type WireBody = Record<string, unknown>;

/** How one request of a batch ends. `expire` leaves it unanswered when the batch's window ends. */
export type BatchOutcome =
  | { text: string; inputTokens?: number; outputTokens?: number; finish?: "stop" | "length" }
  | { error: { status: number; type: string; message: string } }
  | "expire";

export type BatchRespond = (params: WireBody, customId: string) => BatchOutcome;

export interface FakeBatch {
  id: string;
  createdAt: number;
  endedAt: number | null;
  /** in_progress until `finish` or `expire`. */
  ended: boolean;
  expired: boolean;
  requests: { customId: string; params: WireBody; outcome?: BatchOutcome }[];
}

export interface BatchControls {
  /** Ends batches in progress (all, or the one named): every request gets `respond`'s outcome. */
  finish(batchId?: string): void;
  /** Ends batches in progress as expired: no request of theirs is answered. */
  expire(batchId?: string): void;
  batches(): FakeBatch[];
}

export function batchControls(state: Map<string, FakeBatch>, respond: BatchRespond, now: () => number = Date.now): BatchControls {
  const end = (batchId: string | undefined, expired: boolean) => {
    for (const b of state.values()) {
      if (b.ended || (batchId !== undefined && b.id !== batchId)) continue;
      b.ended = true;
      b.expired = expired;
      b.endedAt = now();
      for (const r of b.requests) r.outcome = expired ? "expire" : respond(r.params, r.customId);
    }
  };
  return { finish: (id) => end(id, false), expire: (id) => end(id, true), batches: () => [...state.values()] };
}

/** A stand-in answer: "answer to <last user message>". */
export function echoAnswer(params: WireBody): BatchOutcome {
  const messages = (params.messages ?? []) as { content?: unknown }[];
  return { text: `answer to ${String(messages.at(-1)?.content ?? "")}` };
}

export function estimateTokens(params: WireBody, text: string, o: { inputTokens?: number; outputTokens?: number }): { input: number; output: number } {
  return {
    input: o.inputTokens ?? Math.ceil(JSON.stringify(params.messages ?? "").length / 4),
    output: o.outputTokens ?? Math.max(1, text.split(/\s+/).filter(Boolean).length),
  };
}
