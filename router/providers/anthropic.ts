/**
 * Anthropic's Messages API through the official `@anthropic-ai/sdk`, streamed as raw SSE events so that
 * usage, stop reason and in-band errors map onto the Provider contract without the SDK's accumulator.
 * The SDK's own retries are off: the router owns retries and aborts each attempt through `request.signal`.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { MessageCreateParamsStreaming } from "@anthropic-ai/sdk/resources/messages";
import {
  PROVIDER_SPEC_VERSION,
  type Availability,
  type ChatRequest,
  type ChatResult,
  type FinishReason,
  type JsonSchema,
  type Provider,
  type StreamChunk,
  type Usage,
} from "../contracts/provider.js";
import { ProviderError, type TierlabError } from "../../core/errors.js";
import { collectStream } from "./collect.js";
import { abortError, missingKeyError, missingKeyFix, streamCutError, translateError, type ErrorContext } from "./sdk-errors.js";

export interface AnthropicProviderOptions {
  /** The key itself; the config loader reads it from the variable named by `apiKeyEnv`. */
  apiKey?: string;
  /** The variable the key comes from, named in messages. Default ANTHROPIC_API_KEY. */
  apiKeyEnv?: string;
  /** A proxy or gateway speaking the Messages API; such endpoints may need no key. */
  baseURL?: string;
  fetch?: typeof fetch;
  /** Ledger name. Default "anthropic". */
  name?: string;
  /** SDK timeout until response headers. Default 10 min: the router's per-attempt abort is the real limit. */
  timeoutMs?: number;
}

/** The API requires max_tokens; this is what a request without one gets. */
export const DEFAULT_MAX_TOKENS = 1024;
const DEFAULT_TIMEOUT_MS = 600_000;
const PLACEHOLDER_KEY = "not-needed";

export class AnthropicProvider implements Provider {
  readonly specificationVersion = PROVIDER_SPEC_VERSION;
  readonly name: string;
  readonly #client: Anthropic | undefined;
  readonly #keyEnv: string;
  readonly #secret: string | undefined;

  constructor(opts: AnthropicProviderOptions = {}) {
    this.name = opts.name ?? "anthropic";
    this.#keyEnv = opts.apiKeyEnv ?? "ANTHROPIC_API_KEY";
    this.#secret = opts.apiKey || undefined;
    if (!this.#secret && !opts.baseURL) return;
    this.#client = new Anthropic({
      // Passing the key explicitly also stops the SDK from falling back to env vars and profile files.
      apiKey: this.#secret ?? PLACEHOLDER_KEY,
      baseURL: opts.baseURL ?? "https://api.anthropic.com",
      maxRetries: 0,
      timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      // The SDK logs unparseable stream data to the console; we report it as MalformedResponseError instead.
      logLevel: "off",
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
  }

  async *stream(req: ChatRequest): AsyncGenerator<StreamChunk> {
    const client = this.#requireClient();
    const ctx: ErrorContext = { provider: this.name, model: req.model, sdk: Anthropic, signal: req.signal, secret: this.#secret };
    let text = "";
    let model = req.model;
    let finishReason: FinishReason | undefined;
    let stopped = false;
    const usage: Usage = {};
    try {
      const stream = await client.messages.create(requestBody(req), { signal: req.signal });
      for await (const event of stream) {
        if (event.type === "content_block_delta" && event.delta.type === "text_delta" && event.delta.text) {
          text += event.delta.text;
          yield { type: "text", text: event.delta.text };
        } else if (event.type === "message_start") {
          if (event.message.model) model = event.message.model;
          applyUsage(usage, event.message.usage);
        } else if (event.type === "message_delta") {
          if (event.delta.stop_reason) finishReason = mapStop(event.delta.stop_reason);
          applyUsage(usage, event.usage);
        } else if (event.type === "message_stop") {
          stopped = true;
        }
      }
    } catch (err) {
      throw billed(translateError(err, ctx), usage);
    }
    // The SDK ends an aborted stream quietly instead of throwing.
    if (req.signal?.aborted) throw billed(abortError(req.signal, this.name), usage);
    if (!stopped) throw billed(streamCutError(this.name, req.model, "message_stop"), usage);
    yield { type: "done", result: { text, finishReason: finishReason ?? "unknown", usage, model } };
  }

  chat(req: ChatRequest): Promise<ChatResult> {
    return collectStream(this.stream(req), req);
  }

  async availability(_model: string): Promise<Availability> {
    // No network probe: the hosted API is assumed up, and a probe per check would cost a request.
    if (!this.#client) return { ok: false, reason: `${this.#keyEnv} is not set`, fix: missingKeyFix(this.#keyEnv) };
    return { ok: true };
  }

  #requireClient(): Anthropic {
    if (this.#client) return this.#client;
    throw missingKeyError(this.name, this.#keyEnv);
  }
}

/** What message_start and message_delta already counted is what a call that fails afterwards is billed for. */
function billed(err: TierlabError, usage: Usage): TierlabError {
  if (err instanceof ProviderError && (usage.inputTokens !== undefined || usage.outputTokens !== undefined)) err.partialUsage = { ...usage };
  return err;
}

/** The Messages API body for a request (the batch tier sends it without `stream`). */
export function requestBody(req: ChatRequest): MessageCreateParamsStreaming {
  const system = req.messages.filter((m) => m.role === "system").map((m) => m.content);
  if (req.responseFormat?.type === "json") system.push(jsonInstruction(req.responseFormat.schema));
  const body: MessageCreateParamsStreaming = {
    model: req.model,
    max_tokens: req.maxTokens ?? DEFAULT_MAX_TOKENS,
    messages: req.messages.flatMap((m) => (m.role === "system" ? [] : [{ role: m.role, content: m.content }])),
    stream: true,
  };
  if (system.length > 0) body.system = system.join("\n\n");
  if (req.stop?.length) body.stop_sequences = req.stop;
  // temperature and seed are dropped: API version 2026-10-21 (sent by SDK 1.x) rejects temperature,
  // top_p and top_k with a 400 even at default values, and the Messages API never had a seed.
  return body;
}

/** Portable across Claude models and gateways, unlike the newer structured-output parameters. */
export function jsonInstruction(schema: JsonSchema | undefined): string {
  const base = "Answer with a single JSON value and nothing else: no prose, no Markdown code fences.";
  return schema ? `${base} The JSON must match this JSON Schema:\n${JSON.stringify(schema)}` : base;
}

type WireUsage = Partial<Record<"input_tokens" | "output_tokens" | "cache_read_input_tokens" | "cache_creation_input_tokens", number | null>>;

/**
 * Anthropic's input_tokens excludes cached tokens; the contract's inputTokens is the whole prompt
 * (as OpenAI counts it, and as tokenCostUsd expects), so the cache counts are added back.
 * message_delta repeats counts cumulatively, so later values replace earlier ones.
 */
export function applyUsage(usage: Usage, wire: WireUsage | null | undefined): void {
  if (!wire) return;
  if (typeof wire.cache_read_input_tokens === "number") usage.cacheReadTokens = wire.cache_read_input_tokens;
  if (typeof wire.cache_creation_input_tokens === "number") usage.cacheWriteTokens = wire.cache_creation_input_tokens;
  if (typeof wire.input_tokens === "number") {
    usage.inputTokens = wire.input_tokens + (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0);
  }
  if (typeof wire.output_tokens === "number") usage.outputTokens = wire.output_tokens;
}

export function mapStop(reason: string): FinishReason {
  switch (reason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "refusal":
      return "content_filter";
    case "tool_use":
      return "tool_calls";
    default:
      return "unknown";
  }
}
