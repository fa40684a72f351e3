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
  /** Aborts this one attempt; providers must stop network or compute work promptly. */
  signal?: AbortSignal;
  /**
   * The dataset item this request replays, when the caller has one (bench). Live backends ignore it;
   * the replay backend looks its recording up by it instead of by the prompt's hash.
   */
  itemId?: string;
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
