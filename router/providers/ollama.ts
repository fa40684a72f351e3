/**
 * Ollama backend, built on the official `ollama` client. The client is given a wrapped `fetch` so that the
 * wire-level judgement stays ours: the client's ResponseError drops the headers (retry-after is lost) and its
 * NDJSON reader skips unparseable lines with a console warning, which would turn a corrupted stream into a
 * silently shorter answer. The client still builds requests, splits the stream and detects the done chunk.
 */
import { Ollama, type AbortableAsyncIterator, type ChatRequest as OllamaChatRequest, type ChatResponse, type Options } from "ollama";
import {
  PROVIDER_SPEC_VERSION,
  type Availability,
  type ChatRequest,
  type ChatResult,
  type FinishReason,
  type Provider,
  type ServerTimings,
  type StreamChunk,
  type TokenLogprob,
} from "../contracts/provider.js";
import { AbortedError, ConnectionError, errorFromStatus, ProviderError, TierlabError } from "../../core/errors.js";
import { collectStream } from "./collect.js";
import { fromWireLogprobs, requestedTopLogprobs } from "./logprob-request.js";
import { LOG_FIX, malformed, wireFetch } from "./ollama-wire.js";
import { DEFAULT_OLLAMA_HOST, ollamaHost } from "./provider-env.js";

export interface OllamaProviderOptions {
  /** Defaults to `OLLAMA_HOST`, then http://127.0.0.1:11434 (provider-env.ts). Accepts Ollama's short forms (`host:port`). */
  host?: string;
  /**
   * Sent as `num_ctx` with every request, so the context the router checks prompts against is the one
   * Ollama uses (unset: Ollama's own default, which truncates longer prompts silently).
   */
  contextSize?: number;
  fetch?: typeof fetch;
}
const PROVIDER = "ollama";
const CONNECT_FIX = "install Ollama and run `ollama serve`, or set OLLAMA_HOST";
/** A readiness probe must not hang the router's startup when the daemon accepts but never answers. */
const PROBE_TIMEOUT_MS = 5_000;
const VERSION_TIMEOUT_MS = 3_000;

export class OllamaProvider implements Provider {
  readonly specificationVersion = PROVIDER_SPEC_VERSION;
  readonly name = PROVIDER;
  readonly host: string;
  private readonly contextSize: number | undefined;
  private readonly baseFetch: typeof fetch;
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(opts: OllamaProviderOptions = {}) {
    this.host = ollamaHost(opts.host);
    this.contextSize = opts.contextSize;
    this.baseFetch = opts.fetch ?? globalThis.fetch;
  }

  async *stream(req: ChatRequest): AsyncGenerator<StreamChunk> {
    const { signal, model } = req;
    if (signal?.aborted) throw abortError(signal, model);
    const top = requestedTopLogprobs(req, PROVIDER);
    const call = this.open(model, signal);
    let it: AbortableAsyncIterator<ChatResponse> | undefined;
    let finished = false;
    try {
      // The abort reaches the fetch itself, which stops both the wait for headers (before the client
      // hands back its iterator) and the body stream.
      it = await call.client.chat({ ...toOllamaRequest(req, top, this.contextSize), stream: true });
      let text = "";
      let final: ChatResponse | undefined;
      // Each NDJSON line carries the entries of the tokens in its own content.
      const logprobs: TokenLogprob[] | undefined = top === undefined ? undefined : [];
      for await (const part of it) {
        const piece = part.message?.content;
        if (piece) {
          text += piece;
          yield { type: "text", text: piece };
        }
        if (logprobs && part.logprobs !== undefined && part.logprobs !== null) {
          logprobs.push(...fromWireLogprobs(part.logprobs, { top: top!, provider: PROVIDER, model }));
        }
        if (part.done) final = part;
      }
      if (!final) throw malformed(model, "the stream ended before the final done:true line");
      finished = true;
      const result = toResult(final, text, model);
      // An Ollama older than 0.12.11 ignores the flag: no entries at all means "unknown", not "no tokens".
      if (logprobs && (logprobs.length > 0 || text === "")) result.logprobs = logprobs;
      yield { type: "done", result };
    } catch (err) {
      throw this.toError(err, model, signal);
    } finally {
      // The consumer may stop early (break, or an error of its own): free the socket now.
      if (!finished) it?.abort();
      call.release();
    }
  }

  chat(req: ChatRequest): Promise<ChatResult> {
    return collectStream(this.stream(req), req);
  }

  async availability(model: string, signal?: AbortSignal): Promise<Availability> {
    const call = this.open(model, signal);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      call.abort();
    }, PROBE_TIMEOUT_MS);
    let names: string[];
    try {
      const list = await call.client.list();
      names = (Array.isArray(list?.models) ? list.models : []).flatMap((m) => [m.name, m.model]).filter((n) => typeof n === "string");
    } catch (err) {
      if (signal?.aborted) throw abortError(signal, model);
      if (timedOut) {
        return {
          ok: false,
          reason: `Ollama at ${this.host} did not answer /api/tags within ${PROBE_TIMEOUT_MS / 1000} s`,
          fix: "restart `ollama serve`, or check OLLAMA_HOST",
        };
      }
      const e = this.toError(err, model, signal);
      if (e instanceof ConnectionError) return { ok: false, reason: `Ollama is not reachable at ${this.host} (OLLAMA_HOST)`, fix: CONNECT_FIX };
      return { ok: false, reason: `Ollama at ${this.host} failed to list models: ${e.message}`, fix: e.fix ?? LOG_FIX };
    } finally {
      clearTimeout(timer);
      call.release();
    }
    const want = normalizeOllamaName(model);
    if (names.some((n) => normalizeOllamaName(n) === want)) return { ok: true };
    return { ok: false, reason: `model ${model} is not pulled on ${this.host}`, fix: `ollama pull ${model}` };
  }

  /** Aborts calls in flight; later calls fail with AbortedError. */
  async close(): Promise<void> {
    this.closed = true;
    for (const link of this.inFlight) link.abort();
    this.inFlight.clear();
  }

  /**
   * One short-lived controller per call, fed by a listener on the caller's signal that is removed on release.
   * Not AbortSignal.any over a long-lived signal: on Node 20 each call would stay in that signal's dependant
   * set for good (measured: 1M calls, 1M entries, +90 MiB).
   */
  private open(model: string, signal: AbortSignal | undefined) {
    const link = new AbortController();
    const forward = () => link.abort(signal?.reason);
    signal?.addEventListener("abort", forward, { once: true });
    if (this.closed) link.abort();
    else this.inFlight.add(link);
    return {
      client: new Ollama({ host: this.host, fetch: wireFetch({ base: this.baseFetch, model, signal: link.signal }) }),
      abort: () => link.abort(),
      release: () => {
        signal?.removeEventListener("abort", forward);
        this.inFlight.delete(link);
      },
    };
  }

  /** Every failure leaves as a TierlabError; the caller's abort wins over whatever it caused. */
  private toError(err: unknown, model: string, signal: AbortSignal | undefined): TierlabError {
    if (signal?.aborted) return abortError(signal, model);
    if (this.closed) return new AbortedError({ provider: PROVIDER, message: `ollama: provider closed while calling ${model}`, cause: err });
    if (err instanceof TierlabError) return err;
    const status = responseErrorStatus(err);
    if (status !== undefined) return errorFromStatus({ status, body: messageOf(err), provider: PROVIDER, model });
    const net = networkCode(err);
    if (net !== undefined) {
      return new ConnectionError({
        provider: PROVIDER,
        message: `ollama: connection to Ollama at ${this.host} failed (${net}); the address comes from OLLAMA_HOST (default ${DEFAULT_OLLAMA_HOST})`,
        fix: CONNECT_FIX,
        cause: err,
      });
    }
    if (/did not receive done|missing body/i.test(messageOf(err))) return malformed(model, messageOf(err), err);
    return new ProviderError({ provider: PROVIDER, message: `ollama: unexpected failure calling ${model} at ${this.host}: ${messageOf(err)}`, cause: err });
  }
}

/** GET /api/version; undefined when the daemon is absent, old or slow. For bench hardware info. */
export async function ollamaVersion(host: string, fetchImpl: typeof fetch = globalThis.fetch): Promise<string | undefined> {
  try {
    const client = new Ollama({ host, fetch: wireFetch({ base: fetchImpl, model: "", signal: AbortSignal.timeout(VERSION_TIMEOUT_MS) }) });
    const { version } = await client.version();
    return typeof version === "string" ? version : undefined;
  } catch {
    return undefined;
  }
}

/** Ollama's naming rule: no tag means `latest`; the default registry and `library/` namespace are implied. */
export function normalizeOllamaName(name: string): string {
  let n = name
    .trim()
    .toLowerCase()
    .replace(/^registry\.ollama\.ai\//, "")
    .replace(/^library\//, "");
  if (!n.slice(n.lastIndexOf("/") + 1).includes(":")) n += ":latest";
  return n;
}

function toOllamaRequest(req: ChatRequest, top: number | undefined, contextSize: number | undefined): OllamaChatRequest {
  const options: Partial<Options> = {};
  if (contextSize !== undefined) options.num_ctx = contextSize;
  if (req.maxTokens !== undefined) options.num_predict = req.maxTokens;
  if (req.temperature !== undefined) options.temperature = req.temperature;
  if (req.seed !== undefined) options.seed = req.seed;
  if (req.stop?.length) options.stop = req.stop;
  const rf = req.responseFormat;
  const format = rf?.type === "json" ? (rf.schema ?? "json") : undefined;
  return {
    model: req.model,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    ...(format === undefined ? {} : { format }),
    ...(Object.keys(options).length ? { options } : {}),
    ...(top === undefined ? {} : { logprobs: true, ...(top > 0 ? { top_logprobs: top } : {}) }),
  };
}

function toResult(final: ChatResponse, text: string, requested: string): ChatResult {
  const timings: ServerTimings = {
    totalNs: num(final.total_duration),
    loadNs: num(final.load_duration),
    promptEvalNs: num(final.prompt_eval_duration),
    evalNs: num(final.eval_duration),
  };
  const hasTimings = Object.values(timings).some((v) => v !== undefined);
  return {
    text,
    finishReason: finishReason(final.done_reason),
    usage: { inputTokens: num(final.prompt_eval_count), outputTokens: num(final.eval_count) },
    model: typeof final.model === "string" && final.model ? final.model : requested,
    ...(hasTimings ? { serverTimings: timings } : {}),
  };
}

function finishReason(reason: unknown): FinishReason {
  return reason === "stop" || reason === "length" ? reason : "unknown";
}

/** The client's types promise numbers, but Ollama omits fields (e.g. prompt_eval_count on a cached prompt). */
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function abortError(signal: AbortSignal, model: string): TierlabError {
  if (signal.reason instanceof TierlabError) return signal.reason;
  return new AbortedError({ provider: PROVIDER, message: `ollama: request to ${model} was aborted by the caller`, cause: signal.reason });
}

/** The client's ResponseError is not exported; it is recognisable by its numeric status_code. */
function responseErrorStatus(err: unknown): number | undefined {
  const code = err instanceof Error ? (err as Error & { status_code?: unknown }).status_code : undefined;
  return typeof code === "number" ? code : undefined;
}

const NET_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|UND_ERR_\w+)$/;

/** undici wraps socket failures as TypeError("fetch failed" | "terminated") with the errno somewhere in `cause`. */
function networkCode(err: unknown): string | undefined {
  const seen: unknown[] = [];
  for (let e: unknown = err; isRecord(e) && !seen.includes(e); e = e.cause) {
    seen.push(e);
    if (typeof e.code === "string" && NET_CODES.test(e.code)) return e.code;
    const inner = Array.isArray(e.errors) ? e.errors.map(networkCode).find(Boolean) : undefined;
    if (inner) return inner;
  }
  if (err instanceof TypeError && /^(fetch failed|terminated)$/.test(err.message)) return err.message;
  return undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
