import { afterEach, describe, expect, it } from "vitest";
import { hold } from "../../test-support/hold.js";
import { anthropicError, startFakeAnthropic, type FakeAnthropic } from "../../test-support/fake-anthropic.js";
import type { Respond } from "../../test-support/fake-script.js";
import type { ChatRequest, StreamChunk } from "../contracts/provider.js";
import {
  AbortedError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  ContextLengthError,
  MalformedResponseError,
  ModelNotFoundError,
  PermissionDeniedError,
  ProviderError,
  ProviderUnavailableError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from "../../core/errors.js";
import { AnthropicProvider, DEFAULT_MAX_TOKENS, type AnthropicProviderOptions } from "./anthropic.js";

/** A key that must never surface in an error; the fakes echo it back where a real server might. */
const CANARY = "sk-ant-canary-4d1e9b7a22";

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(respond: Respond, opts: AnthropicProviderOptions = {}): Promise<{ provider: AnthropicProvider; server: FakeAnthropic }> {
  fake = await startFakeAnthropic({ respond });
  return { provider: new AnthropicProvider({ apiKey: CANARY, baseURL: fake.url, ...opts }), server: fake };
}

const request = (over: Partial<ChatRequest> = {}): ChatRequest => ({ model: "claude-haiku-5-5", messages: [{ role: "user", content: "Hi" }], ...over });

async function drain(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const out: StreamChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

/** The rejection, checked for the two things every error must satisfy: our type, and no key. */
async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  const e = err as ProviderError;
  expect(`${e.message} ${e.describe()} ${e.stack ?? ""}`).not.toContain(CANARY);
  expect(e.cause).toBeUndefined();
  return e;
}

describe("AnthropicProvider streaming", () => {
  it("yields text deltas in order, then one done chunk", async () => {
    const { provider } = await setup(() => ({ chunks: ["Hel", "lo", " world"], finish: "length", model: "claude-haiku-4-5-20251001" }));
    const chunks = await drain(provider.stream(request()));
    expect(chunks.filter((c) => c.type === "text").map((c) => (c.type === "text" ? c.text : ""))).toEqual(["Hel", "lo", " world"]);
    expect(chunks.filter((c) => c.type === "done")).toHaveLength(1);
    expect(chunks.at(-1)).toMatchObject({ type: "done", result: { text: "Hello world", finishReason: "length", model: "claude-haiku-4-5-20251001" } });
  });

  it("maps usage: input is the whole prompt, cache reads and writes reported apart", async () => {
    const { provider, server } = await setup(() => ({ chunks: ["ok"], inputTokens: 100, outputTokens: 7, cachedTokens: 40, cacheWriteTokens: 10 }));
    const result = await provider.chat(request());
    expect(result.usage).toEqual({ inputTokens: 100, outputTokens: 7, cacheReadTokens: 40, cacheWriteTokens: 10 });
    expect(result.finishReason).toBe("stop");
    expect(server.messageBodies()).toHaveLength(1);
  });

  it("leaves usage undefined when the server sends none", async () => {
    const { provider } = await setup(() => ({ chunks: ["ok"], omitUsage: true }));
    const { usage } = await provider.chat(request());
    expect([usage.inputTokens, usage.outputTokens, usage.cacheReadTokens, usage.cacheWriteTokens]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("moves system messages to `system` and sends the request fields on the wire", async () => {
    const { provider, server } = await setup(() => ({ chunks: ["ok"] }));
    const messages: ChatRequest["messages"] = [
      { role: "system", content: "Be terse." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello" },
      { role: "system", content: "Use English." },
      { role: "user", content: "Bye" },
    ];
    // temperature and seed must not reach the wire: the fake, like API 2026-10-21, would answer 400.
    await provider.chat(request({ messages, maxTokens: 64, stop: ["END"], temperature: 0.3, seed: 1 }));
    expect(server.messageBodies()[0]).toEqual({
      model: "claude-haiku-5-5",
      max_tokens: 64,
      system: "Be terse.\n\nUse English.",
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello" },
        { role: "user", content: "Bye" },
      ],
      stop_sequences: ["END"],
      stream: true,
    });
    const headers = server.requests[0]?.headers;
    expect(headers?.["anthropic-version"]).toBeTruthy();
    expect(`${headers?.authorization ?? ""} ${headers?.["x-api-key"] ?? ""}`).toContain(CANARY);
  });

  it("defaults max_tokens and asks for JSON through the system prompt", async () => {
    const { provider, server } = await setup(() => ({ chunks: ["{}"] }));
    const schema = { type: "object", required: ["answer"] };
    await provider.chat(request({ responseFormat: { type: "json", schema } }));
    const body = server.messageBodies()[0]!;
    expect(body.max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(body.system).toMatch(/JSON/);
    expect(body.system).toContain(JSON.stringify(schema));
  });

  it("hands each piece on as it arrives: the first reaches the caller while the server still holds the second", async () => {
    const second = hold();
    const { provider } = await setup(() => ({ chunks: ["a", "b"], waitBefore: (i) => (i === 1 ? second.wait : Promise.resolve()) }));
    const seen: string[] = [];
    for await (const c of provider.stream(request())) {
      if (c.type !== "text") continue;
      // Causality, not timing: "b" cannot have been sent before "a" came out, so a buffering client would hang here.
      if (seen.length === 0) expect(second.reached).toBe(true);
      seen.push(c.text);
      if (c.text === "a") second.open();
    }
    expect(seen).toEqual(["a", "b"]);
  });
});

describe("AnthropicProvider HTTP errors", () => {
  const httpDate = () => new Date(Date.now() + 30_000).toUTCString();
  it.each([
    ["retry-after-ms", () => ({ "retry-after-ms": "1500" }), 1500, 1500],
    ["retry-after seconds", () => ({ "retry-after": "2" }), 2000, 2000],
    ["retry-after HTTP date", () => ({ "retry-after": httpDate() }), 28_000, 30_000],
  ])("429 with %s is a RateLimitError carrying retryAfterMs", async (_name, headers, min, max) => {
    const { provider } = await setup(() => anthropicError(429, "Number of request tokens has exceeded your per-minute rate limit", headers()));
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.isRetryable).toBe(true);
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(min);
    expect(err.retryAfterMs).toBeLessThanOrEqual(max);
    expect(err.message).toContain("rate_limit_error");
  });

  it("401 is a non-retryable AuthenticationError that never repeats the key", async () => {
    const { provider } = await setup(() => anthropicError(401, `invalid x-api-key: ${CANARY}`));
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.isRetryable).toBe(false);
    expect(err.message).toContain("[redacted]");
  });

  it.each([
    [403, "Your API key does not have permission to use the specified resource.", PermissionDeniedError],
    [404, "model: claude-9", ModelNotFoundError],
    [400, "prompt is too long: 210000 tokens > 200000 maximum", ContextLengthError],
    [400, "messages.0.content: Field required", BadRequestError],
  ])("%i %s maps to the right non-retryable class", async (status, message, cls) => {
    const { provider } = await setup(() => anthropicError(status, message));
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ status, provider: "anthropic", isRetryable: false });
    expect(err.message).toContain(message);
  });

  it.each([500, 502, 503, 529])("%i is a retryable ServerError", async (status) => {
    const { provider } = await setup(() => anthropicError(status));
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status, isRetryable: true });
  });
});

describe("AnthropicProvider network faults and aborts", () => {
  it("connection refused is a retryable ConnectionError", async () => {
    const { provider } = await setup(() => ({ chunks: [] }));
    await fake!.close();
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.isRetryable).toBe(true);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it.each(["reset_before_headers", "reset_mid_stream"] as const)("%s is a ConnectionError", async (fault) => {
    const { provider } = await setup(() => fault);
    expect(await failure(provider.chat(request()))).toBeInstanceOf(ConnectionError);
  });

  it.each(["truncated_sse", "malformed_json"] as const)("%s is a retryable MalformedResponseError after the good chunks", async (fault) => {
    const { provider } = await setup(() => fault);
    const seen: string[] = [];
    const err = await failure(
      (async () => {
        for await (const c of provider.stream(request())) if (c.type === "text") seen.push(c.text);
      })(),
    );
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.isRetryable).toBe(true);
    expect(seen).toEqual(["partial", " answer"]);
  });

  it("an overloaded_error event mid-stream is a retryable ServerError", async () => {
    const { provider } = await setup(() => "error_event_mid_stream");
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.isRetryable).toBe(true);
    expect(err.message).toContain("overloaded_error");
  });

  it("no headers within the SDK timeout is a TimeoutError", async () => {
    const { provider } = await setup(() => "hang_before_headers", { timeoutMs: 150 });
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.isRetryable).toBe(true);
  });

  it("an abort mid-stream stops at once and throws the router's reason", async () => {
    // "b" is never sent: only the abort can end the wait (a client that ignored it would hang the test).
    const never = hold();
    const { provider } = await setup(() => ({ chunks: ["a", "b", "c", "d"], waitBefore: (i) => (i === 0 ? Promise.resolve() : never.wait) }));
    const ac = new AbortController();
    const reason = new TimeoutError({ message: "attempt deadline passed" });
    const it = provider.stream(request({ signal: ac.signal }))[Symbol.asyncIterator]();
    expect(await it.next()).toMatchObject({ value: { type: "text", text: "a" } });
    ac.abort(reason);
    await expect(it.next()).rejects.toBe(reason);
  });

  it("a caller's plain abort is a non-retryable AbortedError", async () => {
    const { provider } = await setup(() => ({ chunks: ["a", "b"], gapMs: 300 }));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await failure(provider.chat(request({ signal: ac.signal })));
    expect(err).toBeInstanceOf(AbortedError);
    expect(err.isRetryable).toBe(false);
  });

  it.each(["stall_mid_stream", "hang_before_headers"] as const)("%s ends when the signal fires, with its reason", async (fault) => {
    const { provider } = await setup(() => fault);
    const ac = new AbortController();
    const reason = new TimeoutError({ message: "attempt deadline passed" });
    setTimeout(() => ac.abort(reason), 150);
    // The fault never ends by itself: settling at all shows the signal ended it.
    await expect(provider.chat(request({ signal: ac.signal }))).rejects.toBe(reason);
  });
});

describe("AnthropicProvider keys and availability", () => {
  it("without a key, calls and availability name ANTHROPIC_API_KEY", async () => {
    const provider = new AnthropicProvider();
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err.message).toContain("ANTHROPIC_API_KEY");
    expect(err.fix).toBe("export ANTHROPIC_API_KEY=... or remove the tier");
    expect(await provider.availability("claude-haiku-5-5")).toEqual({
      ok: false,
      reason: "ANTHROPIC_API_KEY is not set",
      fix: "export ANTHROPIC_API_KEY=... or remove the tier",
    });
  });

  it("with a key, availability is ok without a network call", async () => {
    let calls = 0;
    const countingFetch: typeof fetch = async () => {
      calls += 1;
      throw new Error("no network in this test");
    };
    expect(await new AnthropicProvider({ apiKey: CANARY, fetch: countingFetch }).availability("claude-haiku-5-5")).toEqual({ ok: true });
    expect(calls).toBe(0);
  });
});
