/**
 * The script language and playback shared by the OpenAI and Anthropic fakes (fake-openai.ts,
 * fake-anthropic.ts). Each fake supplies a `WireDialect` that renders events in its own wire format;
 * this file owns the timing and the faults, so both fakes fail in exactly the same ways.
 *
 * A script, returned by `respond(body)` per request, is one of:
 * - a reply `{ chunks, ttftMs?, gapMs?, finish?, inputTokens?, outputTokens?, cachedTokens?,
 *   cacheWriteTokens?, omitUsage?, model?, fault? }`. Streaming: headers and the preamble events
 *   (OpenAI's role chunk, Anthropic's message_start/content_block_start/ping) are flushed at once,
 *   chunk 0 is written ttftMs after them and chunk i gapMs (or gapMs[i-1]) after chunk i-1, measured
 *   from the previous actual write; the finish events follow the last chunk in the same write.
 *   Not streaming: one JSON body after the whole generation time (ttftMs plus every gap).
 *   Token counts are totals as OpenAI reports them: `inputTokens` includes `cachedTokens` and
 *   `cacheWriteTokens` (the Anthropic fake subtracts them, as that API does). inputTokens defaults to
 *   a chars/4 estimate of the request, outputTokens to chunks.length; `omitUsage` sends no usage at all.
 *   With `fault` set the chunks are sent and the fault replaces the finish events.
 * - an HTTP error `{ status, type, message, code?, headers? }` in the fake's error-body format.
 * - a fault name alone: the same as `{ chunks: ["partial", " answer"], fault }`.
 *
 * Faults: hang_before_headers (accept, never answer), reset_before_headers (destroy the socket),
 * stall_mid_stream (go silent, keep the socket), reset_mid_stream (destroy the socket),
 * truncated_sse (the finish events cut inside the one carrying the finish reason, then a clean end),
 * malformed_json (an event whose data is not JSON, then the normal finish), error_event_mid_stream
 * (the API's in-band error event, status stays 200). Without streaming the mid-stream faults map onto
 * the single body (error_event_mid_stream becomes the dialect's HTTP error).
 */
import type { ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { gapBefore, resetConnection, sleep, stallForever } from "./fake-http.js";
import type { FakeTokenScore } from "./fake-logprobs.js";

export type Fault =
  "hang_before_headers" | "reset_before_headers" | "stall_mid_stream" | "reset_mid_stream" | "truncated_sse" | "malformed_json" | "error_event_mid_stream";

export interface ReplyScript {
  chunks: string[];
  ttftMs?: number;
  gapMs?: number | number[];
  finish?: "stop" | "length";
  inputTokens?: number;
  outputTokens?: number;
  cachedTokens?: number;
  cacheWriteTokens?: number;
  /** Emulates servers that ignore `stream_options.include_usage` or strip usage. */
  omitUsage?: boolean;
  /** Reported model name; defaults to the requested one. */
  model?: string;
  fault?: Fault;
  /** One score per chunk (each chunk is one token), sent where the API has logprobs and the request asks. */
  logprobs?: FakeTokenScore[];
  /** Play a compatible server that accepts the logprobs flag and sends none. */
  ignoreLogprobs?: boolean;
  /** Awaited before chunk i is written (after its gap): lets a test hold a chunk back until it says so. */
  waitBefore?: (index: number) => Promise<void>;
}

export interface HttpErrorScript {
  status: number;
  type: string;
  message: string;
  /** OpenAI's `error.code` (e.g. `context_length_exceeded`); the Anthropic fake ignores it. */
  code?: string;
  headers?: Record<string, string>;
}

export type Script = ReplyScript | HttpErrorScript | Fault;

/** The JSON request body as received; the fakes only read a few fields and record the rest. */
export type WireBody = Record<string, unknown>;

export type Respond = (body: WireBody) => Script | Promise<Script>;

/** Token counts after defaults; what the dialects put on the wire. */
export interface ResolvedUsage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
}

/** How one API renders a script; a fresh dialect is made per request (it knows the model, the options). */
export interface WireDialect {
  /** Headers on every response (request ids). */
  headers: Record<string, string>;
  errorBody(err: HttpErrorScript): string;
  /** The HTTP error a non-streaming request gets for `error_event_mid_stream`. */
  midStreamHttpError: HttpErrorScript;
  /** The whole non-streaming reply. */
  json(reply: ReplyScript): string;
  preamble(reply: ReplyScript): string;
  /** Chunk `index` of the reply. */
  delta(text: string, reply: ReplyScript, index: number): string;
  finish(reply: ReplyScript): string;
  /** The finish events cut so that the finish reason never arrives whole. */
  truncatedFinish(reply: ReplyScript): string;
  malformedEvent: string;
  errorEvent: string;
}

export const DEFAULT_FAULT_CHUNKS = ["partial", " answer"];

export function isHttpError(script: Script): script is HttpErrorScript {
  return typeof script === "object" && "status" in script;
}

export function resolveUsage(reply: ReplyScript, body: WireBody): ResolvedUsage {
  const cachedTokens = reply.cachedTokens ?? 0;
  const cacheWriteTokens = reply.cacheWriteTokens ?? 0;
  const estimate = Math.ceil(JSON.stringify(body.messages ?? "").length / 4) + cachedTokens + cacheWriteTokens;
  return { inputTokens: reply.inputTokens ?? estimate, outputTokens: reply.outputTokens ?? reply.chunks.length, cachedTokens, cacheWriteTokens };
}

export function sendJson(res: ServerResponse, args: { status: number; body: string; headers?: Record<string, string> }): void {
  res.writeHead(args.status, { ...args.headers, "content-type": "application/json" });
  res.end(args.body);
}

/** Plays one script on one response: the part every fake shares. */
export async function playScript(args: { res: ServerResponse; script: Script; stream: boolean; dialect: WireDialect }): Promise<void> {
  const { res, script, dialect } = args;
  if (isHttpError(script)) {
    return sendJson(res, { status: script.status, body: dialect.errorBody(script), headers: { ...dialect.headers, ...script.headers } });
  }
  const reply: ReplyScript = typeof script === "string" ? { chunks: DEFAULT_FAULT_CHUNKS, fault: script } : script;
  if (reply.fault === "hang_before_headers") return stallForever(res);
  if (reply.fault === "reset_before_headers") return resetConnection(res);
  await (args.stream ? playStream(res, reply, dialect) : playWhole(res, reply, dialect));
}

async function playStream(res: ServerResponse, reply: ReplyScript, d: WireDialect): Promise<void> {
  res.writeHead(200, { ...d.headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  res.flushHeaders();
  res.write(d.preamble(reply));
  let last = performance.now();
  const n = reply.chunks.length;
  for (let i = 0; i < n; i++) {
    last = await waitUntil(last + gapBefore(i, reply));
    if (reply.waitBefore) {
      await reply.waitBefore(i);
      last = performance.now();
    }
    if (res.destroyed) return;
    // The finish rides in the last chunk's write, so the final token and the end arrive together as on the real APIs.
    const tail = i === n - 1 && reply.fault === undefined ? d.finish(reply) : "";
    res.write(d.delta(reply.chunks[i]!, reply, i) + tail);
  }
  if (n === 0 && reply.fault === undefined) {
    await waitUntil(last + (reply.ttftMs ?? 0));
    if (!res.destroyed) res.write(d.finish(reply));
  }
  switch (reply.fault) {
    case undefined:
      return void res.end();
    case "stall_mid_stream":
      return stallForever(res);
    case "reset_mid_stream":
      return resetConnection(res);
    case "truncated_sse":
      return void res.end(d.truncatedFinish(reply));
    case "malformed_json":
      return void res.end(d.malformedEvent + d.finish(reply));
    case "error_event_mid_stream":
      return void res.end(d.errorEvent);
  }
}

async function playWhole(res: ServerResponse, reply: ReplyScript, d: WireDialect): Promise<void> {
  const total = reply.chunks.reduce((ms, _c, i) => ms + gapBefore(i, reply), 0);
  if (total > 0) await waitUntil(performance.now() + total);
  if (res.destroyed) return;
  if (reply.fault === "error_event_mid_stream") {
    const err = d.midStreamHttpError;
    return sendJson(res, { status: err.status, body: d.errorBody(err), headers: d.headers });
  }
  const whole = d.json(reply);
  res.writeHead(200, { ...d.headers, "content-type": "application/json" });
  res.flushHeaders();
  if (reply.fault === "stall_mid_stream") return stallForever(res);
  if (reply.fault === "reset_mid_stream") return resetConnection(res);
  if (reply.fault === "truncated_sse") return void res.end(whole.slice(0, Math.floor(whole.length / 2)));
  if (reply.fault === "malformed_json") return void res.end(whole.replace(/^\{"/, `{'`));
  res.end(whole);
}

/** One SSE event; `event:` only for APIs that name their events (Anthropic). */
export function sseEvent(data: unknown, event?: string): string {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ""}data: ${payload}\n\n`;
}

/**
 * Resolves at `target` (performance.now() ms) with sub-millisecond lateness: a timer to within 2 ms,
 * then setImmediate spins, because setTimeout alone fires 1 ms+ late and the bench checks TTFT to 1 ms.
 */
export async function waitUntil(target: number): Promise<number> {
  const coarse = target - performance.now() - 2;
  if (coarse > 0) await sleep(coarse);
  while (performance.now() < target) await new Promise<void>((r) => setImmediate(r));
  return performance.now();
}

let counter = 0;
/** Ids unique within the process, shaped like the real ones' prefixes. */
export function fakeId(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36).padStart(4, "0")}`;
}
