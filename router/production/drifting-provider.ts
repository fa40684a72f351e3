/**
 * A scripted model for the drift experiment: it answers a known problem with the right number, or
 * with a wrong one at an error rate the experiment sets and can change mid-stream. A real Provider
 * (streaming, usage, finish reason), seeded: the same seed gives the same answers.
 */
import { PROVIDER_SPEC_VERSION, type Availability, type ChatRequest, type ChatResult, type Provider, type StreamChunk } from "../contracts/provider.js";
import { createRng, type Rng } from "../../core/rng.js";

export class DriftingProvider implements Provider {
  readonly specificationVersion = PROVIDER_SPEC_VERSION;
  /** The share of wrong answers from the next call on. */
  errorRate: number;
  private readonly rng: Rng;

  constructor(private readonly opts: { name: string; answers: Map<string, number>; errorRate: number; seed: number }) {
    this.errorRate = opts.errorRate;
    this.rng = createRng(opts.seed);
  }

  get name(): string {
    return this.opts.name;
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const prompt = request.messages.at(-1)?.content ?? "";
    const right = this.opts.answers.get(prompt);
    if (right === undefined) throw new Error(`${this.opts.name}: no scripted answer for this prompt`);
    const answer = this.rng.next() < this.errorRate ? right + 1 : right;
    const text = JSON.stringify({ reasoning: "worked it out", answer });
    return { text, finishReason: "stop", usage: { inputTokens: Math.ceil(prompt.length / 4), outputTokens: Math.ceil(text.length / 4) }, model: request.model };
  }

  async *stream(request: ChatRequest): AsyncIterable<StreamChunk> {
    const result = await this.chat(request);
    yield { type: "text", text: result.text };
    yield { type: "done", result };
  }

  async availability(): Promise<Availability> {
    return { ok: true };
  }
}
