/**
 * A protocol-level fake of the OpenAI Chat Completions API (and of the OpenAI-compatible servers:
 * Ollama's /v1, vLLM, llama.cpp) for provider tests, the bench harness and the fault-injection suite.
 *
 *   const fake = await startFakeOpenAI({
 *     respond: (body) => ({ chunks: ["Hel", "lo"], ttftMs: 40, gapMs: 5, inputTokens: 12 }),
 *     models: ["gpt-4o-mini"],                          // GET /v1/models
 *   });
 *   new OpenAIProvider({ apiKey: "sk-test", baseURL: fake.baseURL });
 *   fake.chatBodies();                                  // JSON bodies POSTed to /v1/chat/completions
 *   await fake.close();
 *
 * Routes: POST /v1/chat/completions, GET /v1/models; anything else gets OpenAI's 404 "Invalid URL".
 * Streaming (`stream: true`) is SSE: `data: {chat.completion.chunk}\n\n` lines, first the role chunk
 * (empty content), one chunk per script chunk, a chunk with `finish_reason` and an empty delta, then,
 * only when `stream_options.include_usage` was sent, a usage chunk with `choices: []` (every other chunk
 * then carries `"usage": null`, as the API does), then `data: [DONE]\n\n`. `stream: false` gets one
 * chat.completion object. Error bodies are `{"error":{"message","type","param","code"}}`; every
 * response carries `x-request-id`. The in-band error event is `data: {"error":{...}}` (server_error).
 * With `logprobs: true` (and `top_logprobs: N`) in the request, each content chunk's choice carries
 * `logprobs: {content: [{token, logprob, bytes, top_logprobs}], refusal: null}` for its one token (other
 * chunks `logprobs: null`), and a `stream: false` reply carries every entry in `choices[0].logprobs.content`.
 * Scripts, timing and faults: see fake-script.ts; log-probability values: fake-logprobs.ts.
 */
import type { ServerResponse } from "node:http";
import { startFakeServer, type FakeServer, type RecordedRequest } from "./fake-http.js";
import { askedTop, wireLogprob } from "./fake-logprobs.js";
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

export interface FakeOpenAIOptions {
  respond?: Respond;
  /** Listed by GET /v1/models. Default ["gpt-4o-mini"]. */
  models?: string[];
}

export interface FakeOpenAI extends FakeServer {
  /** `${url}/v1`: what the SDK and OpenAIProvider take as baseURL. */
  baseURL: string;
  /** Bodies of the chat-completion requests received so far, oldest first. */
  chatBodies(): WireBody[];
}

const CREATED = 1_700_000_000;

export async function startFakeOpenAI(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const respond: Respond = opts.respond ?? (() => ({ chunks: ["Hello", " from", " fake", " OpenAI"] }));
  const models = opts.models ?? ["gpt-4o-mini"];

  const server = await startFakeServer(async (req, res) => {
    const headers = { "x-request-id": fakeId("req_") };
    if (req.method === "GET" && req.path === "/v1/models") {
      const data = models.map((id) => ({ id, object: "model", created: CREATED, owned_by: "system" }));
      return sendJson(res, { status: 200, body: JSON.stringify({ object: "list", data }), headers });
    }
    if (req.method === "POST" && req.path === "/v1/chat/completions") return chat(req, res, headers);
    sendError(res, headers, { status: 404, type: "invalid_request_error", message: `Invalid URL (${req.method} ${req.path})` });
  });

  async function chat(req: RecordedRequest, res: ServerResponse, headers: Record<string, string>): Promise<void> {
    const body = req.body;
    if (!isRecord(body) || typeof body.model !== "string" || !Array.isArray(body.messages)) {
      return sendError(res, headers, { status: 400, type: "invalid_request_error", message: "you must provide a model parameter and a messages array" });
    }
    const script = await respond(body);
    await playScript({ res, script, stream: body.stream === true, dialect: openAIDialect(body, headers) });
  }

  return {
    ...server,
    baseURL: `${server.url}/v1`,
    chatBodies: () => server.requests.filter((r) => r.path === "/v1/chat/completions").map((r) => r.body as WireBody),
  };
}

function openAIDialect(body: WireBody, headers: Record<string, string>): WireDialect {
  const id = fakeId("chatcmpl-");
  const streamOptions = body.stream_options;
  const includeUsage = isRecord(streamOptions) && streamOptions.include_usage === true;
  const model = (reply: ReplyScript) => reply.model ?? String(body.model);
  const chunk = (reply: ReplyScript, choices: unknown[], usage?: unknown) =>
    sseEvent({
      id,
      object: "chat.completion.chunk",
      created: CREATED,
      model: model(reply),
      system_fingerprint: "fp_fake",
      choices,
      ...(includeUsage ? { usage: usage ?? null } : {}),
    });
  const top = askedTop(body);
  const tokenEntries = (reply: ReplyScript, from: number, to: number) =>
    top === undefined || reply.ignoreLogprobs
      ? null
      : {
          content: reply.chunks.slice(from, to).map((chunk, k) => wireLogprob({ chunk, index: from + k, scores: reply.logprobs, top, omitEmptyTop: false })),
          refusal: null,
        };
  const choice = (delta: unknown, finish: string | null, logprobs: unknown = null) => ({ index: 0, delta, logprobs, finish_reason: finish });
  const usageObject = (reply: ReplyScript) => {
    const u = resolveUsage(reply, body);
    return {
      prompt_tokens: u.inputTokens,
      completion_tokens: u.outputTokens,
      total_tokens: u.inputTokens + u.outputTokens,
      prompt_tokens_details: { cached_tokens: u.cachedTokens, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
  };
  const finishChunk = (reply: ReplyScript) => chunk(reply, [choice({}, reply.finish ?? "stop")]);

  return {
    headers,
    errorBody,
    midStreamHttpError: { status: 500, type: "server_error", message: "The server had an error while processing your request. Sorry about that!" },
    json: (reply) =>
      JSON.stringify({
        id,
        object: "chat.completion",
        created: CREATED,
        model: model(reply),
        system_fingerprint: "fp_fake",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: reply.chunks.join(""), refusal: null },
            logprobs: tokenEntries(reply, 0, reply.chunks.length),
            finish_reason: reply.finish ?? "stop",
          },
        ],
        ...(reply.omitUsage ? {} : { usage: usageObject(reply) }),
      }),
    preamble: (reply) => chunk(reply, [choice({ role: "assistant", content: "", refusal: null }, null)]),
    delta: (text, reply, index) => chunk(reply, [choice({ content: text }, null, tokenEntries(reply, index, index + 1))]),
    finish: (reply) => finishChunk(reply) + (includeUsage && !reply.omitUsage ? chunk(reply, [], usageObject(reply)) : "") + sseEvent("[DONE]"),
    truncatedFinish: (reply) => {
      const f = finishChunk(reply);
      return f.slice(0, Math.floor(f.length / 2));
    },
    malformedEvent: sseEvent(`{"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"x"}`),
    errorEvent: sseEvent({
      error: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null },
    }),
  };
}

const errorBody = (err: HttpErrorScript) => JSON.stringify({ error: { message: err.message, type: err.type, param: null, code: err.code ?? null } });

function sendError(res: ServerResponse, headers: Record<string, string>, err: HttpErrorScript): void {
  sendJson(res, { status: err.status, body: errorBody(err), headers });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
