/**
 * Feedback on a routed answer (`tierlab feedback`, POST /v1/feedback): found by request id in the
 * ledger, attributed to the tier and model whose answer the request returned, stored in the ledger's
 * `feedback` table, and counted by the drift alarm like a shadow verdict.
 */
import { z } from "zod";
import type { LedgerRecord } from "../contracts/ledger-record.js";
import type { LedgerStore } from "../ledger/contract.js";
import { UsageError } from "../../core/errors.js";
import type { Feedback } from "./records.js";

/** No ledger rows carry this request id. */
export class RequestNotFoundError extends UsageError {}

/** The body of POST /v1/feedback. */
export const FeedbackBody = z.strictObject({
  request_id: z.string().min(1, "name the request (the x-request-id header of its response)").max(200),
  verdict: z.enum(["right", "wrong"], { error: 'must be "right" or "wrong"' }),
  note: z.string().max(2000, "keep the note under 2000 characters").optional(),
});
export type FeedbackBody = z.infer<typeof FeedbackBody>;

/** The answer a request returned: its accepted attempt, else its best-scoring rejected one. */
export function answerRow(rows: readonly LedgerRecord[]): LedgerRecord | undefined {
  const accepted = rows.filter((r) => r.verdict === "accepted");
  if (accepted.length > 0) return accepted.at(-1);
  let best: LedgerRecord | undefined;
  for (const r of rows) if (r.verdict === "rejected" && (!best || (r.confidence ?? 0) > (best.confidence ?? 0))) best = r;
  return best;
}

export async function feedbackFor(args: {
  ledger: LedgerStore;
  requestId: string;
  right: boolean;
  note?: string;
  source: Feedback["source"];
  at: Date;
}): Promise<Feedback> {
  const rows = await args.ledger.query({ requestId: args.requestId });
  const answer = answerRow(rows);
  if (!answer) {
    throw new RequestNotFoundError({
      message:
        rows.length === 0
          ? `no request ${args.requestId} in the ledger ${args.ledger.location}`
          : `request ${args.requestId} has no answer to judge (every attempt failed or was skipped)`,
      fix: "pass the request id from the response's x-request-id header (or `tierlab route --json`'s requestId), with the same --ledger/config the request was routed with",
    });
  }
  return {
    ts: args.at.toISOString(),
    request_id: args.requestId,
    action: answer.action,
    tier: answer.tier,
    model: answer.model,
    right: args.right,
    note: args.note ?? null,
    source: args.source,
  };
}
