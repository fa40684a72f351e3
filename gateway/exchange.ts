/**
 * One POST to a completion endpoint, whatever its wire format: read and validate the body, route it,
 * and answer. Non-streaming answers and buffered streams are written after the router finished, so
 * every failure still gets a proper HTTP status. A live stream (the router's `answer` event with
 * `live: true`, see router/cascade.ts for when) sends its headers with the first text; what is only
 * known at the end (verdict, cost, attempts) follows as HTTP trailers, and a failure after the
 * first text is the format's in-stream error event.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { canDefer, routeOrDefer } from "../router/batch/defer.js";
import { MIMEType } from "node:util";
import type { RouteResult } from "../router/contracts/route-result.js";
import { failedRouteOf } from "../router/all-tiers-failed.js";
import type { Router } from "../router/router.js";
import { sendDeferred, wantsAsync } from "./deferred.js";
import { ClientClosedError, GatewayRequestError } from "./errors.js";
import type { GatewayMetrics } from "./metrics.js";
import { answerOf, OUTCOME_TRAILERS, outcomeHeaders, routeHeaders, startHeaders } from "./route-headers.js";
import type { WireFormat } from "./wire.js";

const JSON_TYPE = "application/json";
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

export interface ExchangeContext {
  router: Router;
  actions: readonly string[];
  maxBodyBytes: number;
  /** The whole body must arrive within this long after the headers, or the request gets a 408. */
  bodyTimeoutMs: number;
  metrics: GatewayMetrics | undefined;
  /** Turns an error into the response status it got (and logs server errors). */
  sendError(res: ServerResponse, wire: WireFormat, err: unknown): number;
}

export async function serveExchange(ctx: ExchangeContext, wire: WireFormat, req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const t0 = performance.now();
  const { router } = ctx;
  let action = "";
  let stream = false;
  let result: RouteResult | undefined;
  let status = 200;
  try {
    // Requiring JSON forces a CORS preflight, so a web page cannot post to a local gateway as a "simple"
    // request; the type is parsed, not searched: `text/plain; x=application/json` is text/plain.
    if (mediaType(req.headers["content-type"]) !== JSON_TYPE) {
      throw new GatewayRequestError({
        status: 415,
        message: `send the body as ${JSON_TYPE} (got ${JSON.stringify(req.headers["content-type"] ?? "no content-type")})`,
      });
    }
    const requestId = randomUUID();
    const ex = wire.parse({
      body: parseJson(await readBody(req, { limit: ctx.maxBodyBytes, timeoutMs: ctx.bodyTimeoutMs })),
      header: (name) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      },
      actions: ctx.actions,
      requestId,
      created: Math.floor(Date.now() / 1000),
    });
    action = ex.route.action;
    stream = ex.stream;
    const routeReq = { ...ex.route, requestId, signal };
    if (!stream) {
      try {
        if (wantsAsync(req.headers) && canDefer(router, action)) {
          const d = await routeOrDefer(router, routeReq);
          if (d.deferred) {
            status = 202;
            result = d.local;
            return sendDeferred(res, d);
          }
          result = d.result;
        } else result = await router.route(routeReq);
      } catch (err) {
        result = failedRouteOf(err);
        throw err;
      }
      sendJson(res, 200, ex.body(result, answerOf(result)), routeHeaders(result, router.cache?.isReplay(result) ?? false));
      return;
    }
    let live = false;
    try {
      for await (const ev of router.routeStream(routeReq)) {
        if (ev.type === "answer" && ev.live) {
          live = true;
          res.writeHead(200, { ...startHeaders({ requestId, action, start: ev, cacheHit: false }), ...SSE_HEADERS, trailer: OUTCOME_TRAILERS });
          res.write(ex.open(ev));
        } else if (ev.type === "text" && live) {
          res.write(ex.delta(ev.text));
        } else if (ev.type === "result") {
          result = ev.result;
          const answer = answerOf(result);
          if (live) {
            res.addTrailers(outcomeHeaders(result));
            res.end(ex.close(result, answer));
          } else {
            // A buffered answer: the whole stream in one write, after the check passed.
            res.writeHead(200, { ...routeHeaders(result, router.cache?.isReplay(result) ?? false), ...SSE_HEADERS });
            res.end(ex.open({ tier: result.tier, modelId: result.modelId }) + (answer.text ? ex.delta(answer.text) : "") + ex.close(result, answer));
          }
        }
      }
    } catch (err) {
      result ??= failedRouteOf(err);
      if (!res.headersSent) throw err;
      status = ctx.sendError(res, wire, err);
      if (!res.destroyed) res.end(ex.fail(err));
    }
  } catch (err) {
    status = ctx.sendError(res, wire, err);
  } finally {
    ctx.metrics?.observe({
      action: action || "unknown",
      status,
      seconds: (performance.now() - t0) / 1000,
      stream,
      cacheHit: result ? (router.cache?.isReplay(result) ?? false) : false,
      result,
    });
  }
}

/** The media type's essence (`type/subtype`, lower case), or undefined when absent or not a media type. */
export function mediaType(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    return new MIMEType(header).essence;
  } catch {
    return undefined;
  }
}

/**
 * Events rather than `for await`: the stream's async iterator costs ~2 % of a request's CPU here (profiled).
 * A client that hangs up mid-body is not a server error: it rejects with ClientClosedError (499, not logged).
 */
export function readBody(req: IncomingMessage, opts: { limit: number; timeoutMs: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (err: Error) => {
      clearTimeout(timer);
      req.removeAllListeners("data");
      req.resume();
      reject(err);
    };
    const timer = setTimeout(
      () => stop(new GatewayRequestError({ status: 408, code: "body_timeout", message: `the request body did not arrive within ${opts.timeoutMs} ms` })),
      opts.timeoutMs,
    );
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > opts.limit) stop(new GatewayRequestError({ status: 413, message: `request body over ${opts.limit} bytes` }));
      else chunks.push(c);
    });
    req.on("end", () => {
      clearTimeout(timer);
      resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", () => stop(new ClientClosedError()));
    req.on("close", () => {
      if (!req.complete) stop(new ClientClosedError());
    });
  });
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new GatewayRequestError({ status: 400, message: `the body is not valid JSON: ${(err as Error).message}` });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": JSON_TYPE, "content-length": Buffer.byteLength(text) });
  res.end(text);
}
