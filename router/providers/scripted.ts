/**
 * An in-process provider that answers from a script: the instant backend for `npm run perf`,
 * deterministic demos and router tests that are about routing, not HTTP. It is a real Provider,
 * not a mock of one: streaming, usage and finish reasons behave as the contract says.
 */
import { PROVIDER_SPEC_VERSION, type Availability, type ChatRequest, type ChatResult, type Provider, type StreamChunk } from "../contracts/provider.js";
import { abortableSleep } from "../retry.js";

export interface ScriptLine {
  /** Substring of the last user message that selects this line; omitted = matches everything. */
  match?: string;
  reply: string;
  delayMs?: number;
  /** Throw instead of answering (fault paths). */
  error?: () => Error;
  /** Use this line for the first N matching calls only, then fall through to later lines. */
  times?: number;
}

export class ScriptedProvider implements Provider {
  readonly specificationVersion = PROVIDER_SPEC_VERSION;
  readonly name: string;
  calls = 0;
  constructor(
    private readonly script: ScriptLine[],
    opts: { name?: string } = {},
  ) {
    this.name = opts.name ?? "scripted";
  }

  private readonly used = new Map<ScriptLine, number>();

  private pick(request: ChatRequest): ScriptLine {
    const last = request.messages[request.messages.length - 1]?.content ?? "";
    const line = this.script.find((l) => (l.match === undefined || last.includes(l.match)) && (l.times === undefined || (this.used.get(l) ?? 0) < l.times));
    if (line) this.used.set(line, (this.used.get(line) ?? 0) + 1);
    return line ?? { reply: "" };
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    this.calls++;
    const line = this.pick(request);
    if (line.delayMs) await abortableSleep(line.delayMs, request.signal);
    if (line.error) throw line.error();
    return this.result(request, line.reply);
  }

  async *stream(request: ChatRequest): AsyncIterable<StreamChunk> {
    const result = await this.chat(request);
    if (result.text) yield { type: "text", text: result.text };
    yield { type: "done", result };
  }

  private result(request: ChatRequest, reply: string): ChatResult {
    // Whitespace-split words stand in for tokens: counted, never pretended exact.
    const words = (s: string) => (s ? s.split(/\s+/).filter(Boolean).length : 0);
    const inputTokens = request.messages.reduce((n, m) => n + words(m.content), 0);
    const max = request.maxTokens ?? Infinity;
    const out = words(reply);
    const truncated = out > max;
    const text = truncated ? reply.split(/\s+/).slice(0, max).join(" ") : reply;
    return { text, finishReason: truncated ? "length" : "stop", usage: { inputTokens, outputTokens: Math.min(out, max) }, model: request.model };
  }

  async availability(): Promise<Availability> {
    return { ok: true };
  }
}
