/**
 * The one Provider contract. Every backend (Ollama, OpenAI-compatible, Anthropic, embedded llama.cpp)
 * and the router itself implement it, so escalation, retries, budgets and metering compose around any of them.
 */
export const PROVIDER_SPEC_VERSION = "v1" as const;

export type Role = "system" | "user" | "assistant";

export interface ChatMessage {
  role: Role;
  content: string;
}

/** A JSON Schema object, kept opaque: each backend passes it to its own structured-output feature. */
export type JsonSchema = Record<string, unknown>;

export type ResponseFormat = { type: "text" } | { type: "json"; schema?: JsonSchema };

export interface ChatRequest {
  /** The provider-native model name, e.g. `phi3:mini`, `gpt-4o`, or a GGUF path for the embedded engine. */
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  stop?: string[];
  responseFormat?: ResponseFormat;
  /**
   * Ask for the log-probability of each generated token (and of the `top` most likely alternatives at
   * each position, 0–20). Backends without them (Anthropic) ignore it and leave `ChatResult.logprobs` undefined.
   */
  logprobs?: LogprobRequest;
  /** Aborts this one attempt; providers must stop network or compute work promptly. */
  signal?: AbortSignal;
  /**
   * The dataset item this request replays, when the caller has one (bench). Live backends ignore it;
   * the replay backend looks its recording up by it instead of by the prompt's hash.
   */
  itemId?: string;
}

export interface LogprobRequest {
  /** Alternatives per position, 0–20 (OpenAI's and Ollama's limit). Default 0: only the sampled token. */
  top?: number;
}

/** One candidate token at a position: its text and its natural-log probability under the model. */
export interface TopLogprob {
  token: string;
  logprob: number;
}

/**
 * One generated token. The tokens' texts concatenate to `ChatResult.text` where the backend's tokens
 * spell it exactly (OpenAI, Ollama, the embedded engine); `top` is present when alternatives were asked for.
 */
export interface TokenLogprob extends TopLogprob {
  top?: TopLogprob[];
}

/** Token counts as the backend reported them. Unknown is `undefined`, never 0. */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/** Server-side timings in nanoseconds, as Ollama reports them on its final chunk. */
export interface ServerTimings {
  totalNs?: number;
  loadNs?: number;
  promptEvalNs?: number;
  evalNs?: number;
}

export type FinishReason = "stop" | "length" | "content_filter" | "tool_calls" | "unknown";

export interface ChatResult {
  text: string;
  finishReason: FinishReason;
  usage: Usage;
  /** The model name the backend says answered (may differ from the request's alias). */
  model: string;
  serverTimings?: ServerTimings;
  /** Per generated token, in order; only when the request asked and the backend can. Unknown is `undefined`. */
  logprobs?: TokenLogprob[];
  /**
   * Set by backends that do not run a model (replay): the latency is computed from a hardware
   * profile, not observed. Whoever records latency must then label it `modelled`, never measured.
   */
  timing?: ModelledTiming;
  /** How `usage` was counted when the backend did not report it itself; absent = reported by the backend. */
  usageCountedBy?: TokenCounter;
}

export interface ModelledTiming {
  source: "modelled";
  /** Time to first token, from the request being sent. */
  ttftMs: number;
  /** Time to the last token. */
  totalMs: number;
}

export interface TokenCounter {
  /** Package and vocabulary that counted, e.g. `gpt-tokenizer o200k_base`. */
  tokenizer: string;
  /** Set when that tokenizer is not the model's own: whose counts it stands in for, and why. */
  standIn?: string;
}

export type StreamChunk = { type: "text"; text: string } | { type: "done"; result: ChatResult };

export type Availability = { ok: true } | { ok: false; reason: string; fix: string };

export interface Provider {
  readonly specificationVersion: typeof PROVIDER_SPEC_VERSION;
  /** Short backend name used in the ledger: `ollama`, `openai`, `anthropic`, `embedded`, ... */
  readonly name: string;
  /** Streams text chunks, then exactly one `done` chunk carrying the full result. */
  stream(request: ChatRequest): AsyncIterable<StreamChunk>;
  /** One-shot call; same semantics as draining `stream`. */
  chat(request: ChatRequest): Promise<ChatResult>;
  /** Cheap readiness probe (key present, daemon reachable, model pulled, file exists). */
  availability(model: string, signal?: AbortSignal): Promise<Availability>;
  /** Frees sockets, model weights, worker threads. */
  close?(): Promise<void>;
}
