/**
 * Deferred answers on the gateway. A client that can wait sends `Prefer: respond-async` (RFC 7240)
 * with a non-streaming request to a `deferrable` action: if a local tier answers, it gets the
 * answer as usual (200); if the request needs the API tier, it gets 202 with the request id and
 * polls GET /v1/deferred/<id> until the batch tier has the answer (status queued → submitted →
 * done | failed). Without the header every request is served live.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { DeferOutcome } from "../router/batch/defer.js";
import type { BatchItem } from "../router/production/records.js";
import type { Router } from "../router/router.js";
import { GatewayRequestError } from "./errors.js";
import { sendJson } from "./exchange.js";

export const DEFERRED_PATH = "/v1/deferred/";

export function wantsAsync(headers: IncomingHttpHeaders): boolean {
  const prefer = headers.prefer;
  return (Array.isArray(prefer) ? prefer : [prefer ?? ""]).some((p) => p.split(",").some((x) => x.trim().toLowerCase() === "respond-async"));
}

export function deferredBody(item: BatchItem) {
  return {
    id: item.request_id,
    object: "tierlab.deferred",
    status: item.state,
    action: item.action,
    tier: item.tier,
    model: item.model,
    created_at: item.ts,
    submitted_at: item.submitted_at,
    completed_at: item.finished_at,
    verdict: item.verdict,
    confidence: item.confidence,
    text: item.state === "done" ? item.answer : null,
    cost_usd: item.cost_usd,
    error: item.state === "failed" ? item.error : null,
  };
}

export function sendDeferred(res: ServerResponse, d: Extract<DeferOutcome, { deferred: true }>): void {
  sendJson(res, 202, deferredBody(d.item), {
    location: `${DEFERRED_PATH}${encodeURIComponent(d.requestId)}`,
    "x-request-id": d.requestId,
    "preference-applied": "respond-async",
  });
}

export async function serveDeferredStatus(router: Router, path: string, res: ServerResponse): Promise<void> {
  const id = decodeURIComponent(path.slice(DEFERRED_PATH.length));
  const item = await router.production?.batch?.item(id);
  if (!item)
    throw new GatewayRequestError({
      status: 404,
      code: "request_not_found",
      param: "id",
      message: `no deferred request ${id}: only requests answered 202 (deferrable actions, sent with \`Prefer: respond-async\`) are kept here`,
    });
  sendJson(res, 200, deferredBody(item), { "x-request-id": id });
}
