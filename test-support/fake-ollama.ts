/**
 * A protocol-level fake Ollama daemon for provider tests, the bench harness and the fault-injection suite.
 * It speaks the wire format of /work/shared/reference/ollama (api.md, errors.mdx, streaming.mdx, usage.mdx).
 *
 *   const fake = await startFakeOllama({
 *     models: ["phi3:latest"],                          // GET /api/tags; other models get Ollama's 404
 *     respond: (body) => ({ chunks: ["Hel", "lo"], ttftMs: 40, gapMs: 5 }),
 *   });
 *   new OllamaProvider({ host: fake.url });
 *   fake.chatBodies();                                  // the JSON bodies POSTed to /api/chat, in order
 *   fake.timelines();                                   // when headers and each chunk were actually written
 *   await fake.close();
 *
 * Routes: POST /api/chat (NDJSON by default, one JSON object when `stream:false`), GET /api/tags,
 * GET /api/version, GET / ("Ollama is running"). Anything else is Go's plain-text 404.
 *
 * `respond(body)` returns a FakeOllamaScript per chat request:
 * - a reply `{ chunks, ttftMs?, gapMs?, doneReason?, promptEvalCount?, evalCount?, ...Ns?, model?, fault? }`:
 *   headers are flushed at once, chunk 0 is written ttftMs after them and chunk i after gapMs (or gapMs[i-1])
 *   following chunk i-1, each measured from the previous actual write, then the done line carrying the
 *   usage fields. eval_count defaults to chunks.length; prompt_eval_count is omitted unless given.
 *   With `fault` set, the chunks are sent and the fault replaces the done line.
 *   When the request sends `logprobs: true` (and `top_logprobs: N`), each chunk line carries
 *   `logprobs: [{token, logprob, bytes, top_logprobs?}]` for its one token, as Ollama ≥ 0.12.11 does, and a
 *   `stream:false` body carries them all; `logprobs` in the reply scripts the values (fake-logprobs.ts).
 *   `ignoreLogprobs` plays an older Ollama that drops the flag.
 * - an HTTP error `{ status, error, headers? }`: body `{"error": error}` with that status.
 * - a fault name alone: the same as `{ chunks: ["partial", " answer"], fault }`.
 *
 * Faults: hang_before_headers (accept, never answer), reset_before_headers (destroy the socket),
 * stall_mid_stream (go silent, keep the socket), reset_mid_stream (destroy after the chunks),
 * truncated_ndjson (half of the done line, then a clean end), malformed_json (a broken line, then a normal
 * done line, so a client that skips bad lines looks fine), error_mid_stream (Ollama's in-band
 * `{"error": ...}` line, status stays 200).
 *
 * Timing: gapMs 0 writes in the same tick; positive waits sleep on a timer to within 2 ms, then spin on
 * setImmediate, because plain setTimeout fires ~0.25 ms late at the median and the bench checks injected
 * timings to 1 ms. On a loaded machine the client still sees OS jitter; compare against `timelines()`
 * (performance.now() of each actual write, same clock as the test process) to tell the two apart.
 */
import type { ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { gapBefore, resetConnection, sleep, stallForever, startFakeServer, type FakeServer, type RecordedRequest } from "./fake-http.js";
import { askedTop, wireLogprob, type FakeTokenScore } from "./fake-logprobs.js";

export type FakeOllamaFault =
  "hang_before_headers" | "reset_before_headers" | "stall_mid_stream" | "reset_mid_stream" | "truncated_ndjson" | "malformed_json" | "error_mid_stream";

export interface FakeOllamaReply {
  chunks: string[];
  ttftMs?: number;
  gapMs?: number | number[];
  doneReason?: "stop" | "length";
  promptEvalCount?: number;
  /** Defaults to chunks.length. */
  evalCount?: number;
  totalNs?: number;
  loadNs?: number;
  promptEvalNs?: number;
  evalNs?: number;
  /** Reported model name; defaults to the requested one. */
  model?: string;
  fault?: FakeOllamaFault;
  /** One score per chunk, sent only when the request asks for logprobs. */
  logprobs?: FakeTokenScore[];
  /** Play an Ollama older than 0.12.11: the flag is accepted and no logprobs come back. */
  ignoreLogprobs?: boolean;
  /** Awaited before chunk i is written (after its gap): lets a test hold a chunk back until it says so. */
  waitBefore?: (index: number) => Promise<void>;
}

export interface FakeOllamaHttpError {
  status: number;
  error: string;
  headers?: Record<string, string>;
}

export type FakeOllamaScript = FakeOllamaReply | FakeOllamaHttpError | FakeOllamaFault;

/** The parts of an /api/chat body the fake reads; the whole body stays available as recorded. */
export interface FakeOllamaChatBody {
  model: string;
  messages?: { role: string; content: string }[];
  stream?: boolean;
  format?: unknown;
  options?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface FakeOllamaOptions {
  /** Pulled models listed by /api/tags; chat for any other model gets Ollama's 404. Default ["llama3.2:latest"]. */
  models?: string[];
  /** Skip the pulled-model check so `respond` sees every model. */
  anyModel?: boolean;
  version?: string;
  respond?: (body: FakeOllamaChatBody) => FakeOllamaScript;
}

/** Actual write times of one streamed reply, in performance.now() milliseconds. */
export interface FakeOllamaTimeline {
  model: string;
  headersAt: number;
  /** When each chunk was actually written. */
  chunkAt: number[];
  /** When each was due: the previous actual write plus its scripted gap (computed, not measured). */
  dueAt: number[];
}

export interface FakeOllama extends FakeServer {
  /** Bodies of the /api/chat requests received so far, oldest first. */
  chatBodies(): FakeOllamaChatBody[];
  /** One entry per streamed reply that got its headers, oldest first. */
  timelines(): FakeOllamaTimeline[];
  setModels(models: string[]): void;
}

export const DEFAULT_FAULT_CHUNKS = ["partial", " answer"];
export const MID_STREAM_ERROR = "an error was encountered while running the model";

/** Ollama's name rule: a missing tag means `latest`; the default registry and `library/` namespace are implied. */
export function normalizeOllamaName(name: string): string {
  let n = name
    .trim()
    .toLowerCase()
    .replace(/^registry\.ollama\.ai\//, "")
    .replace(/^library\//, "");
  if (!n.slice(n.lastIndexOf("/") + 1).includes(":")) n += ":latest";
  return n;
}

/** Ollama's own wording (server/routes.go: `model %q not found, try pulling it first`). */
export const modelNotFoundMessage = (model: string) => `model ${JSON.stringify(model)} not found, try pulling it first`;

export async function startFakeOllama(opts: FakeOllamaOptions = {}): Promise<FakeOllama> {
  let models = opts.models ?? ["llama3.2:latest"];
  const respond = opts.respond ?? (() => ({ chunks: ["Hello", " from", " fake", " Ollama"] }));
  const timelines: FakeOllamaTimeline[] = [];

  const server = await startFakeServer(async (req, res) => {
    if (req.method === "GET" && req.path === "/") return sendText(res, 200, "Ollama is running");
    if (req.method === "GET" && req.path === "/api/version") return sendJson(res, 200, { version: opts.version ?? "0.5.1" });
    if (req.method === "GET" && req.path === "/api/tags") return sendJson(res, 200, { models: models.map(tagEntry) });
    if (req.method === "POST" && req.path === "/api/chat") return chat(req, res);
    sendText(res, 404, "404 page not found");
  });

  async function chat(req: RecordedRequest, res: ServerResponse): Promise<void> {
    const body = req.body as FakeOllamaChatBody | undefined;
    if (!body || typeof body !== "object" || typeof body.model !== "string" || body.model === "") {
      return sendJson(res, 400, { error: "model is required" });
    }
    const pulled = new Set(models.map(normalizeOllamaName));
    if (!opts.anyModel && !pulled.has(normalizeOllamaName(body.model))) {
      return sendJson(res, 404, { error: modelNotFoundMessage(body.model) });
    }
    const script = respond(body);
    if (typeof script === "object" && "status" in script) {
      return sendJson(res, script.status, { error: script.error }, script.headers);
    }
    const reply: FakeOllamaReply = typeof script === "string" ? { chunks: DEFAULT_FAULT_CHUNKS, fault: script } : script;
    if (reply.fault === "hang_before_headers") return stallForever(res);
    if (reply.fault === "reset_before_headers") return resetConnection(res);
    await (body.stream === false ? replyWhole(res, body, reply) : replyStream(res, body, reply, timelines));
  }

  return {
    ...server,
    chatBodies: () => server.requests.filter((r) => r.path === "/api/chat").map((r) => r.body as FakeOllamaChatBody),
    timelines: () => timelines,
    setModels: (m) => {
      models = m;
    },
  };
}

async function replyStream(res: ServerResponse, body: FakeOllamaChatBody, reply: FakeOllamaReply, timelines: FakeOllamaTimeline[]): Promise<void> {
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  res.flushHeaders();
  const timeline: FakeOllamaTimeline = { model: body.model, headersAt: performance.now(), chunkAt: [], dueAt: [] };
  timelines.push(timeline);
  let last = timeline.headersAt;
  for (let i = 0; i < reply.chunks.length; i++) {
    const due = last + gapBefore(i, reply);
    timeline.dueAt.push(due);
    last = await waitUntil(due);
    if (reply.waitBefore) {
      await reply.waitBefore(i);
      last = performance.now();
    }
    if (res.destroyed) return;
    res.write(line(chunkObject({ body, reply, index: i })));
    timeline.chunkAt.push(last);
  }
  const done = line(doneObject(body, reply));
  switch (reply.fault) {
    case undefined:
      return void res.end(done);
    case "stall_mid_stream":
      return stallForever(res);
    case "reset_mid_stream":
      return resetConnection(res);
    case "truncated_ndjson":
      return void res.end(done.slice(0, Math.floor(done.length / 2)));
    case "malformed_json":
      res.write(`{"model":${JSON.stringify(replyModel(body, reply))},"message":{"role":"assistant","content":"x"} "done":false}\n`);
      return void res.end(done);
    case "error_mid_stream":
      return void res.end(line({ error: MID_STREAM_ERROR }));
  }
}

/** `stream:false`: one object after the whole generation time; faults map onto that single body. */
async function replyWhole(res: ServerResponse, body: FakeOllamaChatBody, reply: FakeOllamaReply): Promise<void> {
  const total = reply.chunks.reduce((ms, _c, i) => ms + gapBefore(i, reply), 0);
  if (total > 0) await waitUntil(performance.now() + total);
  if (res.destroyed) return;
  if (reply.fault === "error_mid_stream") return sendJson(res, 500, { error: MID_STREAM_ERROR });
  const top = reply.ignoreLogprobs ? undefined : askedTop(body);
  const logprobs =
    top === undefined ? {} : { logprobs: reply.chunks.map((chunk, index) => wireLogprob({ chunk, index, scores: reply.logprobs, top, omitEmptyTop: true })) };
  const whole = JSON.stringify({ ...doneObject(body, reply), message: { role: "assistant", content: reply.chunks.join("") }, ...logprobs });
  res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
  res.flushHeaders();
  if (reply.fault === "stall_mid_stream") return stallForever(res);
  if (reply.fault === "reset_mid_stream") return resetConnection(res);
  if (reply.fault === "truncated_ndjson") return void res.end(whole.slice(0, Math.floor(whole.length / 2)));
  if (reply.fault === "malformed_json") return void res.end(whole.replace(`"done":true`, `"done" true`));
  res.end(whole);
}

function chunkObject(args: { body: FakeOllamaChatBody; reply: FakeOllamaReply; index: number }) {
  const { body, reply, index } = args;
  const content = reply.chunks[index]!;
  const top = reply.ignoreLogprobs ? undefined : askedTop(body);
  const logprobs = top === undefined ? {} : { logprobs: [wireLogprob({ chunk: content, index, scores: reply.logprobs, top, omitEmptyTop: true })] };
  return { model: replyModel(body, reply), created_at: new Date().toISOString(), message: { role: "assistant", content }, done: false, ...logprobs };
}

function doneObject(body: FakeOllamaChatBody, reply: FakeOllamaReply) {
  const evalNs = reply.evalNs ?? reply.chunks.length * 10_000_000;
  const promptEvalNs = reply.promptEvalNs ?? 5_000_000;
  const loadNs = reply.loadNs ?? 1_000_000;
  return {
    model: replyModel(body, reply),
    created_at: new Date().toISOString(),
    message: { role: "assistant", content: "" },
    done: true,
    done_reason: reply.doneReason ?? "stop",
    total_duration: reply.totalNs ?? loadNs + promptEvalNs + evalNs,
    load_duration: loadNs,
    ...(reply.promptEvalCount === undefined ? {} : { prompt_eval_count: reply.promptEvalCount }),
    prompt_eval_duration: promptEvalNs,
    eval_count: reply.evalCount ?? reply.chunks.length,
    eval_duration: evalNs,
  };
}

const replyModel = (body: FakeOllamaChatBody, reply: FakeOllamaReply) => reply.model ?? body.model;
const line = (obj: unknown) => `${JSON.stringify(obj)}\n`;

function tagEntry(listed: string) {
  // Ollama always lists the full `name:tag`.
  const name = normalizeOllamaName(listed);
  return {
    name,
    model: name,
    modified_at: "2025-05-10T08:06:48.639712648-07:00",
    size: 2_019_393_189,
    digest: "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
    details: { parent_model: "", format: "gguf", family: "llama", families: ["llama"], parameter_size: "3.2B", quantization_level: "Q4_K_M" },
  };
}

function sendJson(res: ServerResponse, status: number, obj: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(obj));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(text);
}

/** Resolves at `target` (performance.now() ms) with sub-millisecond lateness; returns the actual time. */
async function waitUntil(target: number): Promise<number> {
  const coarse = target - performance.now() - 2;
  if (coarse > 0) await sleep(coarse);
  while (performance.now() < target) await new Promise<void>((r) => setImmediate(r));
  return performance.now();
}
