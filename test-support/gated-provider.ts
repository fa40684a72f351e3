/**
 * An in-process Provider that streams its reply piece by piece, holding each piece after the first
 * until the test releases it. Tests of the streaming rule use it to tell, without timing, whether a
 * caller sees text while the model is still writing (live) or only after the attempt ended (buffered).
 */
import { PROVIDER_SPEC_VERSION, type Availability, type ChatRequest, type ChatResult, type Provider, type StreamChunk } from "../router/contracts/provider.js";
import { AbortedError, ServerError } from "../core/errors.js";

export class GatedProvider implements Provider {
  readonly specificationVersion = PROVIDER_SPEC_VERSION;
  readonly name: string;
  calls = 0;
  private credits = 0;
  private readonly waiters: Array<() => void> = [];

  /** `failAfter`: throw a retryable ServerError after that many pieces instead of finishing. */
  constructor(
    private readonly pieces: string[],
    private readonly opts: { name?: string; failAfter?: number } = {},
  ) {
    this.name = opts.name ?? "gated";
  }

  /** Lets `n` more pieces through (the first piece never waits). */
  release(n = Infinity): void {
    this.credits += n;
    while (this.credits > 0 && this.waiters.length) {
      this.credits--;
      this.waiters.shift()!();
    }
  }

  async *stream(request: ChatRequest): AsyncIterable<StreamChunk> {
    this.calls++;
    let text = "";
    for (let i = 0; i < this.pieces.length; i++) {
      if (this.opts.failAfter !== undefined && i === this.opts.failAfter) {
        throw new ServerError({ provider: this.name, status: 500, message: `${this.name}: stream broke after ${i} pieces` });
      }
      if (i > 0) await this.gate(request.signal);
      text += this.pieces[i]!;
      yield { type: "text", text: this.pieces[i]! };
    }
    const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
    yield {
      type: "done",
      result: {
        text,
        finishReason: "stop",
        usage: { inputTokens: request.messages.reduce((n, m) => n + words(m.content), 0), outputTokens: this.pieces.length },
        model: request.model,
      },
    };
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    for await (const c of this.stream(request)) if (c.type === "done") return c.result;
    throw new Error("unreachable: stream ends with done");
  }

  async availability(): Promise<Availability> {
    return { ok: true };
  }

  private gate(signal: AbortSignal | undefined): Promise<void> {
    if (this.credits > 0) {
      this.credits--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(new AbortedError({ provider: this.name, message: "aborted while gated" }));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }
}
