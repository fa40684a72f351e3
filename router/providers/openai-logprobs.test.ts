import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../../test-support/fake-openai.js";
import type { ReplyScript } from "../../test-support/fake-script.js";
import type { ChatRequest } from "../contracts/provider.js";
import { BadRequestError, MalformedResponseError } from "../../core/errors.js";
import { OpenAIProvider } from "./openai.js";

let fake: FakeOpenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(reply: ReplyScript) {
  fake = await startFakeOpenAI({ respond: () => reply });
  return { fake, provider: new OpenAIProvider({ apiKey: "sk-test", baseURL: fake.baseURL }) };
}

const request = (over: Partial<ChatRequest> = {}): ChatRequest => ({ model: "gpt-4o-mini", messages: [{ role: "user", content: "2+2?" }], ...over });

const scored: ReplyScript = {
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

describe("OpenAIProvider log-probabilities", () => {
  it("sends logprobs and top_logprobs, and collects each streamed chunk's entries with alternatives", async () => {
    const { fake, provider } = await setup(scored);
    const result = await provider.chat(request({ logprobs: { top: 2 } }));
    expect(fake.chatBodies()[0]).toMatchObject({ logprobs: true, top_logprobs: 2, stream: true });
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

  it("omits top_logprobs when top is 0 and returns entries without alternatives", async () => {
    const { fake, provider } = await setup(scored);
    const result = await provider.chat(request({ logprobs: { top: 0 } }));
    expect(fake.chatBodies()[0]).not.toHaveProperty("top_logprobs");
    expect(result.logprobs).toEqual([
      { token: '{"answer":', logprob: -0.01 },
      { token: " 4", logprob: -0.9 },
      { token: "}", logprob: -0.002 },
    ]);
  });

  it("sends no logprobs field and returns none when not asked", async () => {
    const { fake, provider } = await setup(scored);
    const result = await provider.chat(request());
    expect(fake.chatBodies()[0]).not.toHaveProperty("logprobs");
    expect(result.logprobs).toBeUndefined();
  });

  it("leaves logprobs undefined when a compatible server ignores the flag", async () => {
    const { provider } = await setup({ ...scored, ignoreLogprobs: true });
    expect((await provider.chat(request({ logprobs: { top: 3 } }))).logprobs).toBeUndefined();
  });

  it("rejects top outside 0–20 before any request is made", async () => {
    const { fake, provider } = await setup(scored);
    await expect(provider.chat(request({ logprobs: { top: -1 } }))).rejects.toBeInstanceOf(BadRequestError);
    expect(fake.chatBodies()).toHaveLength(0);
  });

  it("fails with MalformedResponseError when an entry has no numeric logprob", async () => {
    const { provider } = await setup({ chunks: ["a", "b"], logprobs: [{ logprob: Number.NaN }, { logprob: -1 }] });
    await expect(provider.chat(request({ logprobs: {} }))).rejects.toBeInstanceOf(MalformedResponseError);
  });
});

describe("fake OpenAI logprobs, read by the official client", () => {
  it("returns choices[0].logprobs.content with bytes and top_logprobs when not streaming", async () => {
    const { fake } = await setup(scored);
    const client = new OpenAI({ apiKey: "sk-test", baseURL: fake.baseURL, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], logprobs: true, top_logprobs: 1 });
    expect(res.choices[0]!.logprobs).toEqual({
      content: [
        {
          token: '{"answer":',
          logprob: -0.01,
          bytes: [...Buffer.from('{"answer":')],
          top_logprobs: [{ token: '{"answer":', logprob: -0.01, bytes: [...Buffer.from('{"answer":')] }],
        },
        { token: " 4", logprob: -0.9, bytes: [32, 52], top_logprobs: [{ token: " 4", logprob: -0.9, bytes: [32, 52] }] },
        { token: "}", logprob: -0.002, bytes: [125], top_logprobs: [{ token: "}", logprob: -0.002, bytes: [125] }] },
      ],
      refusal: null,
    });
  });

  it("streams one entry on each content chunk, null on the role and finish chunks, and top_logprobs: [] when none asked", async () => {
    const { fake } = await setup({ chunks: ["x", "y"] });
    const client = new OpenAI({ apiKey: "sk-test", baseURL: fake.baseURL, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], logprobs: true, stream: true });
    const seen = [];
    for await (const chunk of stream) seen.push(chunk.choices[0]?.logprobs);
    // Unscripted values are −0.1·(i+1).
    expect(seen).toEqual([
      null,
      { content: [{ token: "x", logprob: -0.1, bytes: [120], top_logprobs: [] }], refusal: null },
      { content: [{ token: "y", logprob: -0.2, bytes: [121], top_logprobs: [] }], refusal: null },
      null,
    ]);
  });
});
