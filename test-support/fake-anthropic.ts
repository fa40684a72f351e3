/**
 * A protocol-level fake of the Anthropic Messages API for provider tests, the bench harness and the
 * fault-injection suite.
 *
 *   const fake = await startFakeAnthropic({
 *     respond: (body) => ({ chunks: ["Hel", "lo"], ttftMs: 40, gapMs: 5, inputTokens: 12, cachedTokens: 4 }),
 *   });
 *   new AnthropicProvider({ apiKey: "sk-ant-test", baseURL: fake.url });
 *   fake.messageBodies();                               // JSON bodies POSTed to /v1/messages
 *   await fake.close();
 *
 * Routes: POST /v1/messages, GET /v1/models; anything else gets a 404 not_found_error.
 * Like the real API it rejects, with 400 invalid_request_error, a request without the anthropic-version
 * header, a body without `model`, `max_tokens` or `messages`, a message with role "system" (system text
 * belongs in the top-level `system`) and, unless anthropic-version is 2023-06-01, `temperature`, `top_p`
 * or `top_k` (API version 2026-10-21, which SDK 1.x sends, removed them).
 * Streaming (`stream: true`) is named SSE events: message_start (usage.input_tokens excludes cached
 * tokens, which go in cache_read_input_tokens / cache_creation_input_tokens), content_block_start,
 * ping, one content_block_delta (text_delta) per script chunk, content_block_stop, message_delta
 * (stop_reason end_turn or max_tokens, usage.output_tokens), message_stop. `stream: false` gets one
 * Message object. Error bodies are `{"type":"error","error":{"type","message"},"request_id"}`; every
 * response carries `request-id`. `anthropicError(status)` builds an error script with the real type
 * for a status (429 rate_limit_error, 529 overloaded_error, ...). The in-band error event is
 * `event: error` with overloaded_error. Scripts, timing and faults: see fake-script.ts.
 */
import type { ServerResponse } from "node:http";
import { startFakeServer, type FakeServer, type RecordedRequest } from "./fake-http.js";
import {
  fakeId,
  playScript,
  resolveUsage,
  sendJson,
  sseEvent,
  type HttpErrorScript,
  type ReplyScript,
  type Respond,
  type WireBody,
  type WireDialect,
} from "./fake-script.js";

export interface FakeAnthropicOptions {
  respond?: Respond;
  /** Listed by GET /v1/models. Default ["claude-haiku-5-5"]. */
  models?: string[];
}

export interface FakeAnthropic extends FakeServer {
  /** Bodies of the /v1/messages requests received so far, oldest first. */
  messageBodies(): WireBody[];
}

/** The error type the API sends with each status. */
export const ANTHROPIC_ERROR_TYPES: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

export function anthropicError(status: number, message?: string, headers?: Record<string, string>): HttpErrorScript {
  const type = ANTHROPIC_ERROR_TYPES[status] ?? "api_error";
  return { status, type, message: message ?? type.replace(/_/g, " "), ...(headers ? { headers } : {}) };
}

export async function startFakeAnthropic(opts: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const respond: Respond = opts.respond ?? (() => ({ chunks: ["Hello", " from", " fake", " Claude"] }));
  const models = opts.models ?? ["claude-haiku-5-5"];

  const server = await startFakeServer(async (req, res) => {
    const headers = { "request-id": fakeId("req_011") };
    if (req.method === "GET" && req.path === "/v1/models") {
      const data = models.map((id) => ({ type: "model", id, display_name: id, created_at: "2025-09-29T00:00:00Z" }));
      const list = { data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null };
      return sendJson(res, { status: 200, body: JSON.stringify(list), headers });
    }
    if (req.method === "POST" && req.path === "/v1/messages") return messages(req, res, headers);
    sendError(res, headers, anthropicError(404, "Not Found"));
  });

  async function messages(req: RecordedRequest, res: ServerResponse, headers: Record<string, string>): Promise<void> {
    const problem = invalidReason(req.body, req.headers["anthropic-version"]);
    if (problem !== undefined) return sendError(res, headers, anthropicError(400, problem));
    const body = req.body as WireBody;
    const script = await respond(body);
    await playScript({ res, script, stream: body.stream === true, dialect: anthropicDialect(body, headers) });
  }

  return {
    ...server,
    messageBodies: () => server.requests.filter((r) => r.path === "/v1/messages").map((r) => r.body as WireBody),
  };
}

/** The real API's wording for the mistakes a client is likely to make. */
function invalidReason(body: unknown, version: string | string[] | undefined): string | undefined {
  if (typeof version !== "string") return "anthropic-version: header is required";
  if (!isRecord(body)) return "request body must be a JSON object";
  // Since API version 2026-10-21 the sampling parameters are rejected, even at their defaults.
  const sampling = version === "2023-06-01" ? undefined : ["temperature", "top_p", "top_k"].find((k) => k in body);
  if (sampling) return `${sampling}: Extra inputs are not permitted`;
  if (typeof body.model !== "string") return "model: Field required";
  if (typeof body.max_tokens !== "number") return "max_tokens: Field required";
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "messages: Field required";
  if (body.messages.some((m) => isRecord(m) && m.role === "system")) {
    return 'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.';
  }
  return undefined;
}

function anthropicDialect(body: WireBody, headers: Record<string, string>): WireDialect {
  const id = fakeId("msg_01");
  const model = (reply: ReplyScript) => reply.model ?? String(body.model);
  const stopReason = (reply: ReplyScript) => (reply.finish === "length" ? "max_tokens" : "end_turn");
  const startUsage = (reply: ReplyScript) => {
    const u = resolveUsage(reply, body);
    return {
      input_tokens: Math.max(0, u.inputTokens - u.cachedTokens - u.cacheWriteTokens),
      cache_creation_input_tokens: u.cacheWriteTokens,
      cache_read_input_tokens: u.cachedTokens,
      output_tokens: reply.chunks.length > 0 ? 1 : 0,
      service_tier: "standard",
    };
  };
  const message = (reply: ReplyScript, content: unknown[], stop: string | null, usage: unknown) => ({
    id,
    type: "message",
    role: "assistant",
    model: model(reply),
    content,
    stop_reason: stop,
    stop_sequence: null,
    ...(reply.omitUsage ? {} : { usage }),
  });
  const messageDelta = (reply: ReplyScript) =>
    sseEvent(
      {
        type: "message_delta",
        delta: { stop_reason: stopReason(reply), stop_sequence: null },
        ...(reply.omitUsage ? {} : { usage: { output_tokens: resolveUsage(reply, body).outputTokens } }),
      },
      "message_delta",
    );
  const blockStop = sseEvent({ type: "content_block_stop", index: 0 }, "content_block_stop");

  return {
    headers,
    errorBody: (err) => errorBody(err, headers),
    midStreamHttpError: anthropicError(529, "Overloaded"),
    json: (reply) => {
      const u = startUsage(reply);
      const usage = { ...u, output_tokens: resolveUsage(reply, body).outputTokens };
      return JSON.stringify(message(reply, [{ type: "text", text: reply.chunks.join("") }], stopReason(reply), usage));
    },
    preamble: (reply) =>
      sseEvent({ type: "message_start", message: message(reply, [], null, startUsage(reply)) }, "message_start") +
      sseEvent({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, "content_block_start") +
      sseEvent({ type: "ping" }, "ping"),
    delta: (text) => sseEvent({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }, "content_block_delta"),
    finish: (reply) => blockStop + messageDelta(reply) + sseEvent({ type: "message_stop" }, "message_stop"),
    truncatedFinish: (reply) => {
      const md = messageDelta(reply);
      return blockStop + md.slice(0, Math.floor(md.length / 2));
    },
    malformedEvent: `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}\n\n`,
    errorEvent: sseEvent({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, "error"),
  };
}

function errorBody(err: HttpErrorScript, headers: Record<string, string>): string {
  return JSON.stringify({ type: "error", error: { type: err.type, message: err.message }, request_id: headers["request-id"] });
}

function sendError(res: ServerResponse, headers: Record<string, string>, err: HttpErrorScript): void {
  sendJson(res, { status: err.status, body: errorBody(err, headers), headers: { ...headers, ...err.headers } });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
