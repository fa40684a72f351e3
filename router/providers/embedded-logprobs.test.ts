import { getLlama, LlamaCompletion, LlamaLogLevel, type Token } from "node-llama-cpp";
import { afterAll, describe, expect, it } from "vitest";
import { modelsPresent, STORIES } from "../../test-support/models.js";
import { locateGenerated } from "./embedded-logprobs.js";
import { EmbeddedProvider } from "./embedded.js";

describe("locateGenerated", () => {
  const t = (xs: number[]) => xs as Token[];
  it("trusts the hint when the tokens are there, the last one possibly not yet evaluated", () => {
    expect(locateGenerated(t([1, 5, 6, 7, 8]), t([7, 8, 9]), 3)).toBe(3);
    expect(locateGenerated(t([1, 5, 6, 7, 8, 9, 2]), t([7, 8, 9]), 3)).toBe(3);
  });
  it("searches from the end when the hint is off, and gives up rather than guess", () => {
    expect(locateGenerated(t([1, 7, 8, 5, 7, 8]), t([7, 8, 9]), 5)).toBe(4);
    expect(locateGenerated(t([1, 5, 6]), t([7, 8, 9]), 2)).toBeUndefined();
    // Position 0 has no token before it to take the first distribution from.
    expect(locateGenerated(t([7, 8]), t([7, 8, 9]), 0)).toBeUndefined();
  });
});

describe.runIf(modelsPresent)("EmbeddedProvider log-probabilities on stories260K (threads: 1)", () => {
  const p = new EmbeddedProvider({ threads: 1, contextSize: 512 });
  afterAll(() => p.close());
  const ask = { model: STORIES, messages: [{ role: "user" as const, content: "Once upon a time" }], maxTokens: 16 };

  it("returns one entry per generated token, spelling the text, with sorted alternatives", async () => {
    const r = await p.chat({ ...ask, logprobs: { top: 3 } });
    expect(r.logprobs).toHaveLength(r.usage.outputTokens!);
    expect(r.logprobs!.map((x) => x.token).join("")).toBe(r.text);
    for (const e of r.logprobs!) {
      expect(e.logprob).toBeLessThanOrEqual(0);
      expect(e.top).toHaveLength(3);
      const tops = e.top!.map((x) => x.logprob);
      expect([...tops].sort((a, b) => b - a)).toEqual(tops);
      expect(tops.reduce((s, x) => s + Math.exp(x), 0)).toBeLessThanOrEqual(1 + 1e-6);
      expect(e.logprob).toBeLessThanOrEqual(tops[0]! + 1e-9);
    }
  });

  it("gives the same numbers as the model's full softmax evaluated independently on a fresh sequence", async () => {
    const r = await p.chat({ ...ask, logprobs: {} });
    const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath: STORIES });
    const context = await model.createContext({ threads: 1, contextSize: 512, sequences: 2 });
    try {
      // Same generation as the provider's, to learn the prompt and generated tokens.
      const first = context.getSequence();
      const generated: Token[] = [];
      await new LlamaCompletion({ contextSequence: first, autoDisposeSequence: false }).generateCompletionWithMeta("Once upon a time", {
        maxTokens: 16,
        temperature: 0,
        onToken: (t) => generated.push(...t),
      });
      const promptLength = first.contextTokens.length - (generated.length - 1);
      const all = [...first.contextTokens.slice(0, promptLength), ...generated];
      const fresh = context.getSequence();
      const out = await fresh.controlledEvaluate(
        all.slice(0, -1).map((tok, i) => (i >= promptLength - 1 ? [tok, { generateNext: { probabilities: true } }] : tok)),
      );
      const expected = generated.map((tok, i) => Math.log(out[promptLength - 1 + i]!.next.probabilities!.get(tok)!));
      expect(r.logprobs!.map((x) => x.token).join("")).toBe(model.detokenize(generated));
      r.logprobs!.forEach((e, i) => expect(e.logprob).toBeCloseTo(expected[i]!, 4));
    } finally {
      await context.dispose();
      await model.dispose();
    }
  });

  it("returns them under a JSON grammar too, and is deterministic", async () => {
    const schema = { type: "object", properties: { answer: { type: "string", enum: ["yes", "no"] } }, required: ["answer"] };
    const req = { ...ask, maxTokens: 32, responseFormat: { type: "json" as const, schema }, logprobs: { top: 1 } };
    const a = await p.chat(req);
    const b = await p.chat(req);
    expect(a.logprobs!.map((x) => x.token).join("")).toBe(a.text);
    expect(b.logprobs).toEqual(a.logprobs);
  });

  it("leaves logprobs undefined when not asked", async () => {
    expect((await p.chat(ask)).logprobs).toBeUndefined();
  });
});
