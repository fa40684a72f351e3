import { Ollama } from "ollama";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeOllama, type FakeOllama, type FakeOllamaReply } from "../../test-support/fake-ollama.js";
import type { ChatRequest } from "../contracts/provider.js";
import { BadRequestError, MalformedResponseError } from "../../core/errors.js";
import { OllamaProvider } from "./ollama.js";

const MODEL = "llama3.2:latest";
let fake: FakeOllama | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(reply: FakeOllamaReply) {
  fake = await startFakeOllama({ models: [MODEL], respond: () => reply });
  return { fake, provider: new OllamaProvider({ host: fake.url }) };
}

const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: MODEL, messages: [{ role: "user", content: "2+2?" }], ...extra });

const scored: FakeOllamaReply = {
  chunks: ['{"answer":', " 4", "}"],
  logprobs: [
    {
      logprob: -0.01,
      top: [
        { token: '{"answer":', logprob: -0.01 },
        { token: "{", logprob: -4.7 },
      ],
    },
    {
      logprob: -0.9,
      top: [
        { token: " 4", logprob: -0.9 },
        { token: " 5", logprob: -1.2 },
      ],
    },
    {
      logprob: -0.002,
      top: [
        { token: "}", logprob: -0.002 },
        { token: "}\n", logprob: -6.5 },
      ],
    },
  ],
};

describe("OllamaProvider log-probabilities", () => {
  it("sends logprobs and top_logprobs, and collects one entry per streamed token with its alternatives", async () => {
    const { fake, provider } = await setup(scored);
    const result = await provider.chat(request({ logprobs: { top: 2 } }));
    expect(fake.chatBodies()[0]).toMatchObject({ logprobs: true, top_logprobs: 2, stream: true });
    expect(result.text).toBe('{"answer": 4}');
    expect(result.logprobs).toEqual([
      {
        token: '{"answer":',
        logprob: -0.01,
        top: [
          { token: '{"answer":', logprob: -0.01 },
          { token: "{", logprob: -4.7 },
        ],
      },
      {
        token: " 4",
        logprob: -0.9,
        top: [
          { token: " 4", logprob: -0.9 },
          { token: " 5", logprob: -1.2 },
        ],
      },
      {
        token: "}",
        logprob: -0.002,
        top: [
          { token: "}", logprob: -0.002 },
          { token: "}\n", logprob: -6.5 },
        ],
      },
    ]);
    expect(result.logprobs!.map((t) => t.token).join("")).toBe(result.text);
  });

  it("asks for the sampled token only when top is 0, and returns entries without alternatives", async () => {
    const { fake, provider } = await setup(scored);
    const result = await provider.chat(request({ logprobs: {} }));
    expect(fake.chatBodies()[0]!.logprobs).toBe(true);
    expect(fake.chatBodies()[0]).not.toHaveProperty("top_logprobs");
    expect(result.logprobs).toEqual([
      { token: '{"answer":', logprob: -0.01 },
      { token: " 4", logprob: -0.9 },
      { token: "}", logprob: -0.002 },
    ]);
  });

  it("sends neither field and returns no logprobs when the request does not ask", async () => {
    const { fake, provider } = await setup(scored);
    const result = await provider.chat(request());
    expect(fake.chatBodies()[0]).not.toHaveProperty("logprobs");
    expect(result.logprobs).toBeUndefined();
  });

  it("leaves logprobs undefined, not empty, when an older Ollama ignores the flag", async () => {
    const { provider } = await setup({ ...scored, ignoreLogprobs: true });
    const result = await provider.chat(request({ logprobs: { top: 1 } }));
    expect(result.text).toBe('{"answer": 4}');
    expect(result.logprobs).toBeUndefined();
  });

  it("rejects top outside 0–20 before any request is made", async () => {
    const { fake, provider } = await setup(scored);
    await expect(provider.chat(request({ logprobs: { top: 21 } }))).rejects.toBeInstanceOf(BadRequestError);
    await expect(provider.chat(request({ logprobs: { top: 1.5 } }))).rejects.toThrow(/integer from 0 to 20/);
    expect(fake.chatBodies()).toHaveLength(0);
  });

  it("fails with MalformedResponseError when an entry has no numeric logprob", async () => {
    // NaN serialises as null on the wire.
    const { provider } = await setup({ chunks: ["a", "b"], logprobs: [{ logprob: -0.1 }, { logprob: Number.NaN }] });
    await expect(provider.chat(request({ logprobs: {} }))).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe("fake Ollama logprobs, read by the official client", () => {
  it("puts every entry, with bytes and top_logprobs, in a stream:false body", async () => {
    const { fake } = await setup(scored);
    const client = new Ollama({ host: fake.url });
    const res = await client.chat({ model: MODEL, messages: [{ role: "user", content: "x" }], stream: false, logprobs: true, top_logprobs: 1 });
    expect(res.logprobs).toEqual([
      {
        token: '{"answer":',
        logprob: -0.01,
        bytes: [...Buffer.from('{"answer":')],
        top_logprobs: [{ token: '{"answer":', logprob: -0.01, bytes: [...Buffer.from('{"answer":')] }],
      },
      { token: " 4", logprob: -0.9, bytes: [32, 52], top_logprobs: [{ token: " 4", logprob: -0.9, bytes: [32, 52] }] },
      { token: "}", logprob: -0.002, bytes: [125], top_logprobs: [{ token: "}", logprob: -0.002, bytes: [125] }] },
    ]);
  });

  it("streams one entry per chunk line and none on the done line", async () => {
    const { fake } = await setup({ chunks: ["x", "y"] });
    const client = new Ollama({ host: fake.url });
    const lines = [];
    for await (const part of await client.chat({ model: MODEL, messages: [{ role: "user", content: "x" }], stream: true, logprobs: true })) lines.push(part);
    // Unscripted values: −0.1·(i+1), and no top_logprobs key when none were asked for (Go's omitempty).
    expect(lines.map((l) => l.logprobs)).toEqual([[{ token: "x", logprob: -0.1, bytes: [120] }], [{ token: "y", logprob: -0.2, bytes: [121] }], undefined]);
  });
});
