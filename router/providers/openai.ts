/**
 * OpenAI Chat Completions, and every server that speaks it (Ollama's /v1, vLLM, llama.cpp server),
 * through the official `openai` SDK. The SDK's own retries are off: the router owns retries, timeouts
 * and escalation, and aborts each attempt through `request.signal`.
 */
import OpenAI from "openai";
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import {
  PROVIDER_SPEC_VERSION,
  type Availability,
  type ChatRequest,
  type ChatResult,
  type FinishReason,
  type Provider,
  type StreamChunk,
  type TokenLogprob,
  type Usage,
} from "../contracts/provider.js";
import { collectStream } from "./collect.js";
import { fromWireLogprobs, requestedTopLogprobs } from "./logprob-request.js";
import { abortError, missingKeyError, missingKeyFix, streamCutError, translateError, type ErrorContext } from "./sdk-errors.js";

export interface OpenAIProviderOptions {
  /** The key itself; the config loader reads it from the variable named by `apiKeyEnv`. */
  apiKey?: string;
  /** The variable the key comes from, named in messages. Default OPENAI_API_KEY. */
  apiKeyEnv?: string;
  /** An OpenAI-compatible server, e.g. `http://localhost:11434/v1`; such servers need no key. */
  baseURL?: string;
  fetch?: typeof fetch;
  /** Ledger name. Default "openai". */
  name?: string;
  /** SDK timeout until response headers. Default 10 min: the router's per-attempt abort is the real limit. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 600_000;
const PROBE_TIMEOUT_MS = 3_000;
/** Local servers ignore the key but the SDK refuses to send a request without one. */
const PLACEHOLDER_KEY = "not-needed";

export class OpenAIProvider implements Provider {
  readonly specificationVersion = PROVIDER_SPEC_VERSION;
  readonly name: string;
  readonly #client: OpenAI | undefined;
  readonly #keyEnv: string;
  readonly #secret: string | undefined;
  readonly #baseURL: string | undefined;

  constructor(opts: OpenAIProviderOptions = {}) {
    this.name = opts.name ?? "openai";
    this.#keyEnv = opts.apiKeyEnv ?? "OPENAI_API_KEY";
    this.#secret = opts.apiKey || undefined;
    this.#baseURL = opts.baseURL;
    if (!this.#secret && !opts.baseURL) return;
    this.#client = new OpenAI({
      apiKey: this.#secret ?? PLACEHOLDER_KEY,
      // An explicit URL keeps the SDK from reading OPENAI_BASE_URL behind the config's back.
      baseURL: opts.baseURL ?? "https://api.openai.com/v1",
      maxRetries: 0,
      timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      // The SDK logs unparseable stream data to the console; we report it as MalformedResponseError instead.
      logLevel: "off",
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
  }

  async *stream(req: ChatRequest): AsyncGenerator<StreamChunk> {
    const client = this.#requireClient();
    const ctx: ErrorContext = { provider: this.name, model: req.model, sdk: OpenAI, signal: req.signal, secret: this.#secret };
    let text = "";
    let model = req.model;
    let finishReason: FinishReason | undefined;
    let usage: Usage = {};
    const top = requestedTopLogprobs(req, this.name);
    // Streamed chunks carry the entries of their own delta in `choices[0].logprobs.content`.
    const logprobs: TokenLogprob[] | undefined = top === undefined ? undefined : [];
    try {
      const stream = await client.chat.completions.create(requestBody(req, top), { signal: req.signal });
      for await (const chunk of stream) {
        if (chunk.model) model = chunk.model;
        if (chunk.usage) usage = mapUsage(chunk.usage);
        const choice = chunk.choices[0];
        const piece = choice?.delta?.content;
        if (piece) {
          text += piece;
          yield { type: "text", text: piece };
        }
        const entries = choice?.logprobs?.content;
        if (logprobs && entries) logprobs.push(...fromWireLogprobs(entries, { top: top!, provider: this.name, model: req.model }));
        if (choice?.finish_reason) finishReason = mapFinish(choice.finish_reason);
      }
    } catch (err) {
      throw translateError(err, ctx);
    }
    // The SDK ends an aborted stream quietly instead of throwing.
    if (req.signal?.aborted) throw abortError(req.signal, this.name);
    if (finishReason === undefined) throw streamCutError(this.name, req.model, "a finish_reason");
    const result: ChatResult = { text, finishReason, usage, model };
    // A compatible server that ignores the flag sends none: that is "unknown", not "no tokens".
    if (logprobs && (logprobs.length > 0 || text === "")) result.logprobs = logprobs;
    yield { type: "done", result };
  }

  chat(req: ChatRequest): Promise<ChatResult> {
    return collectStream(this.stream(req), req);
  }

  async availability(model: string, signal?: AbortSignal): Promise<Availability> {
    if (!this.#client) return { ok: false, reason: `${this.#keyEnv} is not set`, fix: missingKeyFix(this.#keyEnv) };
    // The hosted API is assumed up: probing it costs a request per check and proves little.
    if (!this.#baseURL) return { ok: true };
    try {
      // Only reachability: llama.cpp lists its GGUF path, not the configured name, so a name check would lie.
      await this.#client.models.list({ signal, timeout: PROBE_TIMEOUT_MS });
      return { ok: true };
    } catch (err) {
      const e = translateError(err, { provider: this.name, model, sdk: OpenAI, signal, secret: this.#secret });
      return { ok: false, reason: e.message, fix: e.fix ?? `start the server at ${this.#baseURL} or fix base_url in config/router.yaml` };
    }
  }

  #requireClient(): OpenAI {
    if (this.#client) return this.#client;
    throw missingKeyError(this.name, this.#keyEnv);
  }
}

/** The Chat Completions body for a request (the batch tier sends it without `stream`). */
export function requestBody(req: ChatRequest, top: number | undefined): ChatCompletionCreateParamsStreaming {
  const body: ChatCompletionCreateParamsStreaming = {
    model: req.model,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    stream: true,
    stream_options: { include_usage: true },
  };
  // max_tokens, not max_completion_tokens: vLLM, llama.cpp and Ollama only understand the older name.
  if (req.maxTokens !== undefined) body.max_tokens = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.stop?.length) body.stop = req.stop;
  if (top !== undefined) {
    body.logprobs = true;
    if (top > 0) body.top_logprobs = top;
  }
  const format = req.responseFormat;
  if (format?.type === "json") {
    body.response_format = format.schema ? { type: "json_schema", json_schema: { name: "response", schema: format.schema } } : { type: "json_object" };
  }
  return body;
}

export function mapUsage(u: NonNullable<ChatCompletionChunk["usage"]>): Usage {
  return {
    inputTokens: u.prompt_tokens,
    outputTokens: u.completion_tokens,
    cacheReadTokens: u.prompt_tokens_details?.cached_tokens,
  };
}

export function mapFinish(reason: string): FinishReason {
  switch (reason) {
    case "stop":
    case "length":
    case "content_filter":
    case "tool_calls":
      return reason;
    case "function_call":
      return "tool_calls";
    default:
      return "unknown";
  }
}
