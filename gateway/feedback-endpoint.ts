/**
 * POST /v1/feedback: a client's verdict on an answer it got, behind the same token as every other
 * route. Body `{"request_id": "<x-request-id of the answer>", "verdict": "right"|"wrong", "note"?: "..."}`;
 * 201 with the stored row, 404 for an id the ledger does not hold, 400 naming the bad field.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { FeedbackBody, RequestNotFoundError } from "../router/production/feedback.js";
import type { Production } from "../router/production/production.js";
import { GatewayRequestError } from "./errors.js";
import { mediaType, parseJson, readBody, sendJson } from "./exchange.js";

export async function serveFeedback(args: {
  production: Production | undefined;
  req: IncomingMessage;
  res: ServerResponse;
  maxBodyBytes: number;
  bodyTimeoutMs: number;
}): Promise<void> {
  if (!args.production) {
    throw new GatewayRequestError({
      status: 404,
      code: "feedback_not_enabled",
      message: "this gateway keeps no production tables (its router has no Production); `tierlab serve` enables them",
    });
  }
  if (mediaType(args.req.headers["content-type"]) !== "application/json") {
    throw new GatewayRequestError({ status: 415, message: "send the body as application/json" });
  }
  const parsed = FeedbackBody.safeParse(parseJson(await readBody(args.req, { limit: args.maxBodyBytes, timeoutMs: args.bodyTimeoutMs })));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path.join(".") || null;
    throw new GatewayRequestError({
      status: 400,
      param,
      message: `${param ?? "body"}: ${issue.message}; send {"request_id": "...", "verdict": "right"|"wrong", "note": "..."}`,
    });
  }
  const body = parsed.data;
  try {
    const row = await args.production.feedback({ requestId: body.request_id, right: body.verdict === "right", note: body.note, source: "api" });
    sendJson(args.res, 201, {
      object: "feedback",
      request_id: row.request_id,
      action: row.action,
      tier: row.tier,
      model: row.model,
      verdict: row.right ? "right" : "wrong",
      note: row.note,
      created_at: row.ts,
    });
  } catch (err) {
    if (err instanceof RequestNotFoundError)
      throw new GatewayRequestError({ status: 404, code: "request_not_found", param: "request_id", message: err.message });
    throw err;
  }
}
