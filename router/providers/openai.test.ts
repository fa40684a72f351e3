import { afterEach, describe, expect, it } from "vitest";
import { hold } from "../../test-support/hold.js";
import { startFakeOpenAI, type FakeOpenAI } from "../../test-support/fake-openai.js";
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
import { OpenAIProvider, type OpenAIProviderOptions } from "./openai.js";

/** A key that must never surface in an error; the fakes echo it back where a real server might. */
const CANARY = "sk-canary-0penai-7f3a9c1e5b";

let fake: FakeOpenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(respond: Respond, opts: OpenAIProviderOptions = {}): Promise<{ provider: OpenAIProvider; server: FakeOpenAI }> {
  fake = await startFakeOpenAI({ respond });
  return { provider: new OpenAIProvider({ apiKey: CANARY, baseURL: fake.baseURL, ...opts }), server: fake };
}

const request = (over: Partial<ChatRequest> = {}): ChatRequest => ({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], ...over });

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

describe("OpenAIProvider streaming", () => {
  it("yields text chunks in order, then one done chunk", async () => {
    const { provider } = await setup(() => ({ chunks: ["Hel", "lo", " world"], finish: "length", model: "gpt-4o-mini-2024-07-18" }));
    const chunks = await drain(provider.stream(request()));
    expect(chunks.filter((c) => c.type === "text").map((c) => (c.type === "text" ? c.text : ""))).toEqual(["Hel", "lo", " world"]);
    expect(chunks.filter((c) => c.type === "done")).toHaveLength(1);
    expect(chunks.at(-1)).toMatchObject({ type: "done", result: { text: "Hello world", finishReason: "length", model: "gpt-4o-mini-2024-07-18" } });
  });

  it("maps usage from the final usage chunk, cached tokens included", async () => {
    const { provider } = await setup(() => ({ chunks: ["ok"], inputTokens: 100, outputTokens: 7, cachedTokens: 40 }));
    const result = await provider.chat(request());
    expect(result.usage).toEqual({ inputTokens: 100, outputTokens: 7, cacheReadTokens: 40 });
    expect(result.finishReason).toBe("stop");
  });

  it("leaves usage undefined when the server sends none", async () => {
    const { provider } = await setup(() => ({ chunks: ["ok"], omitUsage: true }));
    const { usage } = await provider.chat(request());
    expect([usage.inputTokens, usage.outputTokens, usage.cacheReadTokens]).toEqual([undefined, undefined, undefined]);
  });

  it("sends the request fields on the wire, with the key as a bearer token", async () => {
    const { provider, server } = await setup(() => ({ chunks: ["{}"] }));
    const schema = { type: "object", properties: { a: { type: "number" } } };
    await provider.chat(request({ maxTokens: 50, temperature: 0.2, seed: 7, stop: ["END"], responseFormat: { type: "json", schema } }));
    const body = server.chatBodies()[0];
    expect(body).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 50,
      temperature: 0.2,
      seed: 7,
      stop: ["END"],
      response_format: { type: "json_schema", json_schema: { name: "response", schema } },
    });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${CANARY}`);
  });

  it("asks for json_object without a schema and for nothing with text", async () => {
    const { provider, server } = await setup(() => ({ chunks: ["{}"] }));
    await provider.chat(request({ responseFormat: { type: "json" } }));
    await provider.chat(request({ responseFormat: { type: "text" } }));
    expect(server.chatBodies().map((b) => b.response_format)).toEqual([{ type: "json_object" }, undefined]);
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

describe("OpenAIProvider HTTP errors", () => {
  const httpDate = () => new Date(Date.now() + 30_000).toUTCString();
  it.each([
    ["retry-after-ms", () => ({ "retry-after-ms": "1500" }), 1500, 1500],
    ["retry-after seconds", () => ({ "retry-after": "2" }), 2000, 2000],
    ["retry-after HTTP date", () => ({ "retry-after": httpDate() }), 28_000, 30_000],
  ])("429 with %s is a RateLimitError carrying retryAfterMs", async (_name, headers, min, max) => {
    const { provider } = await setup(() => ({ status: 429, type: "requests", code: "rate_limit_exceeded", message: "Rate limit reached", headers: headers() }));
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.isRetryable).toBe(true);
    expect(err.retryAfterMs).toBeGreaterThanOrEqual(min);
    expect(err.retryAfterMs).toBeLessThanOrEqual(max);
  });

  it("401 is a non-retryable AuthenticationError that never repeats the key", async () => {
    const { provider, server } = await setup(() => ({
      status: 401,
      type: "invalid_request_error",
      code: "invalid_api_key",
      message: `Incorrect API key provided: ${CANARY}.`,
    }));
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.isRetryable).toBe(false);
    expect(err.message).toContain("[redacted]");
    expect(server.requests[0]?.headers.authorization).toContain(CANARY);
  });

  it.each([
    [403, "permission_denied", "You are not allowed to use this model", PermissionDeniedError],
    [404, "model_not_found", "The model `gpt-9` does not exist", ModelNotFoundError],
    [400, "context_length_exceeded", "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", ContextLengthError],
    [400, "invalid_value", "Invalid value for 'temperature'", BadRequestError],
  ])("%i %s maps to the right non-retryable class", async (status, code, message, cls) => {
    const { provider } = await setup(() => ({ status, type: "invalid_request_error", code, message }));
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ status, provider: "openai", isRetryable: false });
    expect(err.message).toContain(message);
  });

  it.each([500, 502, 503, 529])("%i is a retryable ServerError", async (status) => {
    const { provider } = await setup(() => ({ status, type: "server_error", message: "upstream failed" }));
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status, isRetryable: true });
  });

  it("names the provider from the options in its errors", async () => {
    const { provider } = await setup(() => ({ status: 500, type: "server_error", message: "boom" }), { name: "vllm" });
    const err = await failure(provider.chat(request()));
    expect(err.provider).toBe("vllm");
    expect(err.message).toMatch(/^vllm: /);
  });
});

describe("OpenAIProvider network faults and aborts", () => {
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

  it("an error event mid-stream is a retryable ServerError", async () => {
    const { provider } = await setup(() => "error_event_mid_stream");
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(ServerError);
    expect(err.isRetryable).toBe(true);
    expect(err.message).toContain("server_error");
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

describe("OpenAIProvider keys and availability", () => {
  it("without a key or base URL, calls and availability name the variable", async () => {
    const provider = new OpenAIProvider({ apiKeyEnv: "GROQ_API_KEY" });
    const err = await failure(provider.chat(request()));
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err.message).toContain("GROQ_API_KEY");
    expect(err.fix).toBe("export GROQ_API_KEY=... or remove the tier");
    expect(await provider.availability("gpt-4o-mini")).toEqual({
      ok: false,
      reason: "GROQ_API_KEY is not set",
      fix: "export GROQ_API_KEY=... or remove the tier",
    });
    expect(await new OpenAIProvider().availability("gpt-4o-mini")).toMatchObject({ ok: false, reason: "OPENAI_API_KEY is not set" });
  });

  it("a base URL needs no key: a placeholder is sent and /models is probed", async () => {
    fake = await startFakeOpenAI({ respond: () => ({ chunks: ["local"] }) });
    const provider = new OpenAIProvider({ baseURL: fake.baseURL });
    expect((await provider.chat(request())).text).toBe("local");
    expect(fake.requests[0]?.headers.authorization).toMatch(/^Bearer \S+/);
    expect(await provider.availability("gpt-4o-mini")).toEqual({ ok: true });
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: "/v1/models" });
  });

  it("availability reports an unreachable base URL", async () => {
    const { provider } = await setup(() => ({ chunks: [] }));
    await fake!.close();
    const a = await provider.availability("gpt-4o-mini");
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/connection failed: .*ECONNREFUSED/);
  });

  it("the hosted API's availability makes no network call", async () => {
    let calls = 0;
    const countingFetch: typeof fetch = async () => {
      calls += 1;
      throw new Error("no network in this test");
    };
    expect(await new OpenAIProvider({ apiKey: CANARY, fetch: countingFetch }).availability("gpt-4o")).toEqual({ ok: true });
    expect(calls).toBe(0);
  });
});
