/**
 * The one HTTP transport every provider client (ollama, openai, anthropic) and the bench harness use:
 * a `fetch`-compatible function over an undici Agent (keep-alive, one request at a time per
 * connection, i.e. no pipelining), built on `undici.request` instead of `fetch`.
 *
 * Why not Node's fetch: its WHATWG Request/Headers/stream machinery costs ~150-200 µs of CPU per call
 * here, more than everything else on the gateway's hop (measured by `npm run perf -- gateway`, which
 * prints both). The SDKs only need a `Response`, so one is built around undici's body stream.
 *
 * Fetch semantics kept where the SDKs depend on them: it resolves at response headers; an abort
 * rejects with the signal's reason (an AbortError by default), also mid-body; a network failure
 * rejects with `TypeError("fetch failed", {cause})` and a body cut mid-way errors with
 * `TypeError("terminated", {cause})`, so the SDKs' connection-error mapping and the Ollama provider's
 * errno walk still apply. Not kept: redirects are not followed and bodies are not decompressed (no
 * `accept-encoding` is sent, so servers answer uncompressed). Inputs this transport does not handle
 * (a Request object, a streamed or FormData body) go to the global fetch unchanged.
 */
import { Agent, type Dispatcher } from "undici";

export interface HttpTransportOptions {
  /** Connections per origin. Default unlimited: the router's concurrency is the limit. */
  connections?: number;
  /** How long an idle connection is kept. Default 60 s; a server's own keep-alive hint is shorter when it says so. */
  keepAliveTimeoutMs?: number;
}

export interface HttpTransport {
  readonly fetch: typeof fetch;
  close(): Promise<void>;
}

/** Statuses whose Response must have a null body (the Response constructor throws otherwise). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

export function createHttpTransport(opts: HttpTransportOptions = {}): HttpTransport {
  const agent = new Agent({
    pipelining: 1,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 60_000,
    keepAliveMaxTimeout: Math.max(opts.keepAliveTimeoutMs ?? 60_000, 600_000),
    ...(opts.connections ? { connections: opts.connections } : {}),
  });
  const transportFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body = init?.body;
    if (typeof input !== "string" && !(input instanceof URL)) return globalThis.fetch(input, init);
    if (body != null && typeof body !== "string" && !(body instanceof Uint8Array) && !(body instanceof ArrayBuffer)) return globalThis.fetch(input, init);
    return send(agent, input, init);
  };
  return {
    fetch: transportFetch as typeof fetch,
    close: () => agent.close(),
  };
}

let shared: HttpTransport | undefined;

/**
 * The process-wide transport the provider registry hands to every client. Its idle sockets are
 * unref'd by undici, so it never keeps a CLI process alive.
 */
export function defaultHttpTransport(): HttpTransport {
  shared ??= createHttpTransport();
  return shared;
}

async function send(agent: Agent, input: string | URL, init: RequestInit | undefined): Promise<Response> {
  const url = typeof input === "string" ? new URL(input) : input;
  const signal = init?.signal ?? undefined;
  if (signal?.aborted) throw abortReason(signal);
  const raw = init?.body;
  let res: Dispatcher.ResponseData;
  try {
    res = await agent.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: (init?.method ?? "GET").toUpperCase() as Dispatcher.HttpMethod,
      headers: plainHeaders(init?.headers),
      body: raw == null ? null : raw instanceof ArrayBuffer ? new Uint8Array(raw) : (raw as string | Uint8Array),
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw abortReason(signal);
    throw new TypeError("fetch failed", { cause: err });
  }
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.append(k, v);
  }
  const status = res.statusCode;
  if (NULL_BODY.has(status)) {
    res.body.resume();
    return new Response(null, { status, headers });
  }
  const nodeBody = res.body;
  // Chunks are pushed as they arrive: model streams are small, and a pull would add a promise per chunk.
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      // As with fetch, an abort errors the body at once, chunks still queued included.
      const onAbort = () => {
        if (!open) return;
        open = false;
        controller.error(abortReason(signal!));
        nodeBody.destroy();
      };
      const settle = () => {
        open = false;
        signal?.removeEventListener("abort", onAbort);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      nodeBody.on("data", (chunk: Buffer) => open && controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
      nodeBody.on("end", () => {
        if (open) controller.close();
        settle();
      });
      nodeBody.on("error", (err: Error) => {
        if (open) controller.error(signal?.aborted ? abortReason(signal) : new TypeError("terminated", { cause: err }));
        settle();
      });
    },
    cancel() {
      nodeBody.destroy();
    },
  });
  return new Response(stream, { status, headers });
}

function plainHeaders(h: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (h instanceof Headers) h.forEach((v, k) => (out[k] = v));
  else if (Array.isArray(h)) for (const [k, v] of h) out[k!.toLowerCase()] = v!;
  else
    for (const k of Object.keys(h)) {
      const v = (h as Record<string, string | undefined>)[k];
      if (v !== undefined) out[k.toLowerCase()] = String(v);
    }
  // Fetch would decompress; this transport does not, so it asks for identity.
  delete out["accept-encoding"];
  return out;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}
