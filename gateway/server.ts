/**
 * `tierlab serve`: an HTTP endpoint in front of the Router, on plain node:http, speaking the wire
 * formats clients already use:
 *   POST /v1/chat/completions  OpenAI Chat Completions (openai-wire.ts)
 *   POST /v1/responses         OpenAI Responses, the AI SDK's default (responses-wire.ts)
 *   POST /v1/messages          Anthropic Messages (anthropic-wire.ts)
 *   GET  /v1/models[/id]       OpenAI's list, or Anthropic's when the request has `anthropic-version`
 *   GET  /v1/deferred/<id>     a deferred request's state and, once done, its answer (deferred.ts)
 *   POST /v1/feedback          a verdict on an answer, for the drift alarm (feedback-endpoint.ts)
 *   GET  /metrics              Prometheus text
 * How a request is routed and answered (buffered or live) is in exchange.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { AbortedError, UsageError } from "../core/errors.js";
import type { Router } from "../router/router.js";
import { assertSafeBind, checkHostHeader, makeTokenCheck } from "./access.js";
import { makeOriginPolicy } from "./origin.js";
import { anthropicMessages, anthropicModelList, VERSION_HEADER } from "./anthropic-wire.js";
import { GatewayRequestError } from "./errors.js";
import { sendJson, serveExchange, type ExchangeContext } from "./exchange.js";
import { DEFERRED_PATH, serveDeferredStatus } from "./deferred.js";
import { serveFeedback } from "./feedback-endpoint.js";
import { GatewayMetrics } from "./metrics.js";
import { chatCompletions, MODEL_PREFIX, modelList, modelObject } from "./openai-wire.js";
import { responses } from "./responses-wire.js";
import type { WireFormat } from "./wire.js";

const POST_ROUTES: Record<string, WireFormat> = {
  "/v1/chat/completions": chatCompletions,
  "/v1/responses": responses,
  "/v1/messages": anthropicMessages,
};

export interface GatewayOptions {
  router: Router;
  /** Default 127.0.0.1. Any other address needs `token`. */
  host?: string;
  /** Default 8787; 0 lets the OS choose (tests). */
  port?: number;
  /** Bearer token clients must send; required beyond loopback. */
  token?: string;
  /** Metrics to fill; default a fresh GatewayMetrics. `false` turns /metrics off. */
  metrics?: GatewayMetrics | false;
  /** Request bodies above this are refused with 413. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Web page origins (scheme://host[:port]) allowed to call the gateway from a browser; every other `Origin` gets 403. Default none. */
  allowedOrigins?: readonly string[];
  /** A client must send its request headers within this long, or the connection is closed with 408. Default 10 s. */
  headersTimeoutMs?: number;
  /** ... and its body within this long after them, or it gets 408. Default 30 s. */
  bodyTimeoutMs?: number;
  /** Open connections beyond this are closed as they arrive. Default 1000. */
  maxConnections?: number;
  /** Where unexpected errors are reported. Default stderr. */
  log?: (line: string) => void;
}

export interface Gateway {
  server: Server;
  host: string;
  port: number;
  /** http://host:port (no /v1). */
  url: string;
  metrics: GatewayMetrics | undefined;
  /** Stops accepting, lets in-flight requests finish for up to graceMs, then cuts the rest. */
  close(opts?: { graceMs?: number }): Promise<void>;
}

export async function createGateway(opts: GatewayOptions): Promise<Gateway> {
  const host = opts.host ?? "127.0.0.1";
  const token = opts.token || undefined;
  assertSafeBind(host, token);
  const router = opts.router;
  const actions = Object.keys(router.config.data.actions);
  const metrics =
    opts.metrics === false ? undefined : (opts.metrics ?? new GatewayMetrics({ cache: router.cache, budget: router.budget, production: router.production }));
  const checkToken = token ? makeTokenCheck(token) : undefined;
  const maxBody = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  const limits = connectionLimits(opts);
  const origins = makeOriginPolicy(opts.allowedOrigins ?? []);
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const startedAt = Math.floor(Date.now() / 1000);
  const inFlight = new Map<Promise<void>, AbortController>();
  let closing = false;

  function sendError(res: ServerResponse, wire: WireFormat, err: unknown): number {
    const w = wire.error(closing && err instanceof AbortedError ? shuttingDown() : err);
    if (w.status >= 500) log(`tierlab gateway: ${w.status}: ${(err as Error)?.stack ?? String(err)}`);
    if (!res.headersSent && !res.destroyed) sendJson(res, w.status, w.body, w.headers);
    return w.status;
  }
  const exchange: ExchangeContext = { router, actions, maxBodyBytes: maxBody, bodyTimeoutMs: limits.bodyTimeoutMs, metrics, sendError };

  async function handle(req: IncomingMessage, res: ServerResponse, abort: AbortController): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!;
    // Errors on the Anthropic path are Anthropic-shaped, from the first check on.
    const errorWire = path.startsWith("/v1/messages") ? anthropicMessages : chatCompletions;
    try {
      // Before the token: a page on another site must not get as far as a credential check.
      const origin = origins.check(req.headers);
      for (const [k, v] of Object.entries(origins.corsHeaders(origin))) res.setHeader(k, v);
      if (origins.preflight(req.method, req.headers, res)) return;
      if (checkToken) checkToken(req.headers);
      else checkHostHeader(req.headers);
      const post = req.method === "POST" ? POST_ROUTES[path] : undefined;
      if (post) return await serveExchange(exchange, post, req, res, abort.signal);
      if (req.method === "POST" && path === "/v1/feedback")
        return await serveFeedback({ production: router.production, req, res, maxBodyBytes: maxBody, bodyTimeoutMs: limits.bodyTimeoutMs });
      if (req.method === "GET" && path.startsWith(DEFERRED_PATH)) return await serveDeferredStatus(router, path, res);
      if (req.method === "GET" && path === "/v1/models") {
        return sendJson(res, 200, req.headers[VERSION_HEADER] ? anthropicModelList(actions, startedAt) : modelList(actions, startedAt));
      }
      if (req.method === "GET" && path.startsWith("/v1/models/")) {
        const id = decodePathSegment(path.slice("/v1/models/".length));
        const action = id.startsWith(MODEL_PREFIX) ? id.slice(MODEL_PREFIX.length) : id;
        if (actions.includes(action)) return sendJson(res, 200, modelObject(action, startedAt));
        throw new GatewayRequestError({
          status: 404,
          code: "model_not_found",
          param: "model",
          message: `The model "${id}" does not exist; GET /v1/models lists tierlab/<action> for each action.`,
        });
      }
      if (req.method === "GET" && path === "/metrics" && metrics) {
        const text = await metrics.text();
        res.writeHead(200, { "content-type": metrics.contentType });
        return void res.end(text);
      }
      throw new GatewayRequestError({ status: 404, message: `Invalid URL (${req.method} ${path})` });
    } catch (err) {
      sendError(res, errorWire, err);
    }
  }

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs,
      connectionsCheckingInterval: limits.checkEveryMs,
    },
    (req, res) => {
      const abort = new AbortController();
      // A client that hangs up cancels its route: no tokens are spent on an answer nobody reads.
      res.on("close", () => {
        if (!res.writableFinished) abort.abort();
      });
      const done = handle(req, res, abort)
        .then(() => responseSettled(res))
        .finally(() => inFlight.delete(done));
      inFlight.set(done, abort);
    },
  );
  server.maxConnections = limits.maxConnections;
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await listen(server, host, opts.port ?? 8787);
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    server,
    host,
    port,
    url: `http://${urlHost}:${port}`,
    metrics,
    async close({ graceMs = 10_000 } = {}) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drained = Promise.allSettled([...inFlight.keys()]);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), graceMs)));
      if ((await Promise.race([drained, late])) === "late") for (const a of inFlight.values()) a.abort();
      clearTimeout(timer);
      await drained;
      // Answered keep-alive connections are idle now; give them a moment to close cleanly.
      server.closeIdleConnections();
      const clean = await Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 250).unref())]);
      if (!clean) for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

function connectionLimits(opts: GatewayOptions) {
  const headersTimeoutMs = opts.headersTimeoutMs ?? 10_000;
  const bodyTimeoutMs = opts.bodyTimeoutMs ?? 30_000;
  const maxConnections = opts.maxConnections ?? 1000;
  for (const [name, v] of Object.entries({ headersTimeoutMs, bodyTimeoutMs, maxConnections })) {
    if (!Number.isInteger(v) || v < 1) throw new UsageError({ message: `${name} must be a whole number ≥ 1 (got ${v})` });
  }
  // Node checks header deadlines on an interval (30 s by default): often enough to honour short ones.
  return { headersTimeoutMs, bodyTimeoutMs, maxConnections, checkEveryMs: Math.max(50, Math.min(1000, Math.floor(headersTimeoutMs / 4))) };
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GatewayRequestError({ status: 400, code: "invalid_path", message: `"${segment}" in the path is not valid percent-encoding` });
  }
}

/** Resolves once the response has been handed to the OS (or the connection is gone). */
function responseSettled(res: ServerResponse): Promise<void> {
  if (res.writableFinished || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    res.once("finish", resolve);
    res.once("close", resolve);
  });
}

function shuttingDown(): GatewayRequestError {
  return new GatewayRequestError({
    status: 503,
    type: "server_error",
    code: "shutting_down",
    message: "the gateway shut down before this request finished; send it again",
  });
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const hint =
        err.code === "EADDRINUSE"
          ? `port ${port} is in use; pass --port with a free one`
          : err.code === "EADDRNOTAVAIL"
            ? `${host} is not an address of this machine`
            : err.message;
      reject(new UsageError({ message: `cannot listen on ${host}:${port}: ${hint}`, cause: err }));
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}
