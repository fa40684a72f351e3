/**
 * `tierlab serve`: an OpenAI-compatible HTTP endpoint in front of the Router, on plain node:http.
 * Routes: POST /v1/chat/completions (streaming or not), GET /v1/models[/id], GET /metrics.
 * A response is written only after the router has finished, so a client never receives words from
 * an answer that failed its quality check, and every failure gets a proper HTTP status.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { RouteResult } from "../router/contracts/route-result.js";
import { AbortedError, UsageError } from "../router/errors.js";
import type { Router } from "../router/router.js";
import { assertSafeBind, checkHostHeader, makeTokenCheck } from "./access.js";
import { GatewayRequestError, toWireError } from "./errors.js";
import { GatewayMetrics } from "./metrics.js";
import { ACTION_HEADER, MODEL_PREFIX, completionChunks, completionObject, modelList, modelObject, parseChatRequest, routeHeaders, selectAction, toRouteRequest } from "./openai-wire.js";

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

const JSON_TYPE = "application/json";

export async function createGateway(opts: GatewayOptions): Promise<Gateway> {
  const host = opts.host ?? "127.0.0.1";
  const token = opts.token || undefined;
  assertSafeBind(host, token);
  const router = opts.router;
  const actions = Object.keys(router.config.data.actions);
  const metrics = opts.metrics === false ? undefined : (opts.metrics ?? new GatewayMetrics({ cache: router.cache, budget: router.budget }));
  const checkToken = token ? makeTokenCheck(token) : undefined;
  const maxBody = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const startedAt = Math.floor(Date.now() / 1000);
  const inFlight = new Map<Promise<void>, AbortController>();
  let closing = false;

  async function handle(req: IncomingMessage, res: ServerResponse, abort: AbortController): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!;
    try {
      if (checkToken) checkToken(req.headers);
      else checkHostHeader(req.headers);
      if (req.method === "POST" && path === "/v1/chat/completions") return await chat(req, res, abort);
      if (req.method === "GET" && path === "/v1/models") return sendJson(res, 200, modelList(actions, startedAt));
      if (req.method === "GET" && path.startsWith("/v1/models/")) {
        const id = decodeURIComponent(path.slice("/v1/models/".length));
        const action = id.startsWith(MODEL_PREFIX) ? id.slice(MODEL_PREFIX.length) : id;
        if (actions.includes(action)) return sendJson(res, 200, modelObject(action, startedAt));
        throw new GatewayRequestError({ status: 404, code: "model_not_found", param: "model", message: `The model "${id}" does not exist; GET /v1/models lists tierlab/<action> for each action.` });
      }
      if (req.method === "GET" && path === "/metrics" && metrics) {
        const text = await metrics.text();
        res.writeHead(200, { "content-type": metrics.contentType });
        return void res.end(text);
      }
      throw new GatewayRequestError({ status: 404, message: `Invalid URL (${req.method} ${path})` });
    } catch (err) {
      sendError(res, err);
    }
  }

  async function chat(req: IncomingMessage, res: ServerResponse, abort: AbortController): Promise<void> {
    const t0 = performance.now();
    let action = "";
    let stream = false;
    let result: RouteResult | undefined;
    let status = 200;
    try {
      // Requiring JSON forces a CORS preflight, so a web page cannot post to a local gateway as a "simple" request.
      if (!String(req.headers["content-type"] ?? "").toLowerCase().includes(JSON_TYPE)) {
        throw new GatewayRequestError({ status: 415, message: `send the body as ${JSON_TYPE}` });
      }
      const body = parseChatRequest(parseJson(await readBody(req, maxBody)));
      stream = body.stream === true;
      const header = req.headers[ACTION_HEADER];
      action = selectAction({ header: Array.isArray(header) ? header[0] : header, model: body.model, actions });
      const routeReq = toRouteRequest(body, action);
      try {
        result = await router.route({ ...routeReq, signal: abort.signal });
      } catch (err) {
        result = (err as { result?: RouteResult }).result;
        throw err;
      }
      const headers = routeHeaders(result, router.cache?.isReplay(result) ?? false);
      const created = Math.floor(Date.now() / 1000);
      if (stream) {
        res.writeHead(200, { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
        res.end(completionChunks(result, { created, includeUsage: body.stream_options?.include_usage === true }));
      } else {
        sendJson(res, 200, completionObject(result, { created }), headers);
      }
    } catch (err) {
      status = sendError(res, closing && err instanceof AbortedError ? shuttingDown() : err);
    } finally {
      metrics?.observe({ action: action || "unknown", status, seconds: (performance.now() - t0) / 1000, stream, cacheHit: result ? (router.cache?.isReplay(result) ?? false) : false, result });
    }
  }

  function sendError(res: ServerResponse, err: unknown): number {
    const wire = toWireError(err);
    if (wire.status >= 500) log(`tierlab gateway: ${wire.status}: ${(err as Error)?.stack ?? String(err)}`);
    if (!res.headersSent && !res.destroyed) sendJson(res, wire.status, wire.body, wire.headers);
    return wire.status;
  }

  const server = createServer((req, res) => {
    const abort = new AbortController();
    // A client that hangs up cancels its route: no tokens are spent on an answer nobody reads.
    res.on("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    const done = handle(req, res, abort)
      .then(() => responseSettled(res))
      .finally(() => inFlight.delete(done));
    inFlight.set(done, abort);
  });
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

/** Resolves once the response has been handed to the OS (or the connection is gone). */
function responseSettled(res: ServerResponse): Promise<void> {
  if (res.writableFinished || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    res.once("finish", resolve);
    res.once("close", resolve);
  });
}

function shuttingDown(): GatewayRequestError {
  return new GatewayRequestError({ status: 503, type: "server_error", code: "shutting_down", message: "the gateway shut down before this request finished; send it again" });
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const hint = err.code === "EADDRINUSE" ? `port ${port} is in use; pass --port with a free one` : err.code === "EADDRNOTAVAIL" ? `${host} is not an address of this machine` : err.message;
      reject(new UsageError({ message: `cannot listen on ${host}:${port}: ${hint}`, cause: err }));
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new GatewayRequestError({ status: 413, message: `request body over ${limit} bytes` });
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new GatewayRequestError({ status: 400, message: `the body is not valid JSON: ${(err as Error).message}` });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
