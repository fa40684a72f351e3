import { getEventListeners } from "node:events";
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { hold } from "../../test-support/hold.js";
import type { ChatRequest, StreamChunk } from "../contracts/provider.js";
import { AbortedError, ConnectionError, MalformedResponseError, ModelNotFoundError, RateLimitError, ServerError, TimeoutError } from "../../core/errors.js";
import { startFakeOllama, type FakeOllama, type FakeOllamaOptions, MID_STREAM_ERROR } from "../../test-support/fake-ollama.js";
import { normalizeOllamaName, OllamaProvider, ollamaVersion } from "./ollama.js";

const MODEL = "llama3.2:latest";
let fake: FakeOllama | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(opts: FakeOllamaOptions = {}, fetchImpl?: typeof fetch) {
  fake = await startFakeOllama({ models: [MODEL], ...opts });
  return { fake, provider: new OllamaProvider({ host: fake.url, ...(fetchImpl ? { fetch: fetchImpl } : {}) }) };
}

const request = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: MODEL, messages: [{ role: "user", content: "hi" }], ...extra });

async function drain(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const out: StreamChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

/** A port that refuses connections: bound by a fake, then closed. */
async function closedPortUrl(): Promise<string> {
  const f = await startFakeOllama();
  await f.close();
  return f.url;
}

describe("OllamaProvider streaming", () => {
  it("yields text chunks in order, then one done chunk with the full text", async () => {
    const { provider } = await setup({ respond: () => ({ chunks: ["The", " sky", " is", " blue"], gapMs: 5 }) });
    const chunks = await drain(provider.stream(request()));
    expect(chunks.slice(0, -1)).toEqual(["The", " sky", " is", " blue"].map((text) => ({ type: "text", text })));
    const last = chunks.at(-1);
    expect(last?.type).toBe("done");
    expect(last?.type === "done" && last.result.text).toBe("The sky is blue");
  });

  it("maps usage, nanosecond timings, finish reason and the reported model", async () => {
    const { provider } = await setup({
      respond: () => ({
        chunks: ["a", "b"],
        doneReason: "length",
        promptEvalCount: 26,
        evalCount: 282,
        totalNs: 4_883_583_458,
        loadNs: 1_334_875,
        promptEvalNs: 342_546_000,
        evalNs: 4_535_599_000,
        model: "llama3.2:3b",
      }),
    });
    const result = await provider.chat(request());
    expect(result).toEqual({
      text: "ab",
      finishReason: "length",
      usage: { inputTokens: 26, outputTokens: 282 },
      model: "llama3.2:3b",
      serverTimings: { totalNs: 4_883_583_458, loadNs: 1_334_875, promptEvalNs: 342_546_000, evalNs: 4_535_599_000 },
    });
  });

  it("leaves usage it was not given undefined, never 0", async () => {
    const { provider } = await setup({ respond: () => ({ chunks: ["x", "y", "z"] }) });
    const { usage, finishReason } = await provider.chat(request());
    expect(usage.inputTokens).toBeUndefined();
    expect(usage.outputTokens).toBe(3);
    expect(finishReason).toBe("stop");
  });

  it("sends messages, options and a JSON schema as `format` on the wire", async () => {
    const { fake, provider } = await setup();
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
    const messages = [
      { role: "system" as const, content: "be brief" },
      { role: "user" as const, content: "why?" },
    ];
    await provider.chat(request({ messages, maxTokens: 64, temperature: 0.2, seed: 7, stop: ["\n\n"], responseFormat: { type: "json", schema } }));
    await provider.chat(request({ responseFormat: { type: "json" } }));
    await provider.chat(request({ responseFormat: { type: "text" } }));
    const [withSchema, jsonMode, plain] = fake.chatBodies();
    expect(withSchema).toMatchObject({
      model: MODEL,
      stream: true,
      messages,
      format: schema,
      options: { num_predict: 64, temperature: 0.2, seed: 7, stop: ["\n\n"] },
    });
    expect(jsonMode?.format).toBe("json");
    expect(plain).not.toHaveProperty("format");
    expect(plain).not.toHaveProperty("options");
  });

  it("delivers chunks at the injected times: each due exactly its gap after the previous write, none written early, none seen before written", async () => {
    const { fake, provider } = await setup({ respond: () => ({ chunks: ["a", "b", "c"], ttftMs: 60, gapMs: [40, 30] }) });
    const at: number[] = [];
    for await (const c of provider.stream(request())) if (c.type === "text") at.push(performance.now());
    const tl = fake.timelines()[0]!;
    // The schedule is computed, so it is exact: a skipped or doubled gap shows whatever the load.
    const previous = [tl.headersAt, tl.chunkAt[0]!, tl.chunkAt[1]!];
    // (to within float rounding: due = previous + gap on performance.now()'s scale)
    tl.dueAt.forEach((d, i) => expect(d - previous[i]!).toBeCloseTo([60, 40, 30][i]!, 6));
    expect(tl.dueAt).toHaveLength(3);
    // Lower bounds only (one clock for fake and client): a busy machine can make a write late, never early.
    tl.dueAt.forEach((due, i) => expect(tl.chunkAt[i]).toBeGreaterThanOrEqual(due));
    tl.chunkAt.forEach((written, i) => expect(at[i]).toBeGreaterThanOrEqual(written));
  });

  it("hands each piece on as it arrives: the first reaches the caller while the server still holds the second", async () => {
    const second = hold();
    const { provider } = await setup({ respond: () => ({ chunks: ["a", "b"], waitBefore: (i) => (i === 1 ? second.wait : Promise.resolve()) }) });
    const seen: string[] = [];
    for await (const c of provider.stream(request())) {
      if (c.type !== "text") continue;
      if (seen.length === 0) expect(second.reached).toBe(true);
      seen.push(c.text);
      if (c.text === "a") second.open();
    }
    expect(seen).toEqual(["a", "b"]);
  });
});

describe("OllamaProvider HTTP errors", () => {
  it("404 for a model that is not pulled → ModelNotFoundError with the pull fix, not retryable", async () => {
    const { provider } = await setup();
    const err = await provider.chat(request({ model: "phi3" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelNotFoundError);
    expect(err).toMatchObject({ status: 404, isRetryable: false, provider: "ollama" });
    expect((err as ModelNotFoundError).fix).toContain("ollama pull phi3");
    expect((err as ModelNotFoundError).message).toContain('model "phi3" not found, try pulling it first');
  });

  it.each([500, 503])("%i → retryable ServerError carrying Ollama's message", async (status) => {
    const { provider } = await setup({ respond: () => ({ status, error: "server busy, please try again" }) });
    const err = await provider.chat(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status, isRetryable: true });
    expect((err as ServerError).message).toContain("server busy, please try again");
  });

  it("429 with retry-after → RateLimitError with retryAfterMs", async () => {
    const { provider } = await setup({ respond: () => ({ status: 429, error: "too many requests", headers: { "retry-after": "2" } }) });
    const err = await provider.chat(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 2000, isRetryable: true });
  });
});

describe("OllamaProvider network faults", () => {
  it("connection refused → ConnectionError naming the host and OLLAMA_HOST", async () => {
    const url = await closedPortUrl();
    const err = await new OllamaProvider({ host: url }).chat(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({ isRetryable: true, fix: "install Ollama and run `ollama serve`, or set OLLAMA_HOST" });
    expect((err as ConnectionError).message).toContain(url);
    expect((err as ConnectionError).message).toContain("OLLAMA_HOST");
    expect((err as ConnectionError).message).toContain("ECONNREFUSED");
  });

  it.each(["reset_before_headers", "reset_mid_stream"] as const)("%s → ConnectionError", async (fault) => {
    const { provider } = await setup({ respond: () => fault });
    await expect(provider.chat(request())).rejects.toBeInstanceOf(ConnectionError);
  });

  it("an abort mid-stream stops the HTTP stream at once and throws AbortedError", async () => {
    const signals: AbortSignal[] = [];
    const spyFetch: typeof fetch = (input, init) => {
      if (init?.signal) signals.push(init.signal);
      return fetch(input, init);
    };
    // "two" is never sent: only the abort can end the wait (a client that ignored it would hang the test).
    const never = hold();
    const { provider } = await setup(
      { respond: () => ({ chunks: ["one", "two", "three"], waitBefore: (i) => (i === 0 ? Promise.resolve() : never.wait) }) },
      spyFetch,
    );
    const controller = new AbortController();
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of provider.stream(request({ signal: controller.signal }))) {
        if (c.type === "text") got.push(c.text);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(got).toEqual(["one"]);
    expect(err).toBeInstanceOf(AbortedError);
    expect(signals[0]?.aborted).toBe(true);
  });

  it("a consumer that stops reading early closes the HTTP stream", async () => {
    const signals: AbortSignal[] = [];
    const spyFetch: typeof fetch = (input, init) => {
      if (init?.signal) signals.push(init.signal);
      return fetch(input, init);
    };
    const { provider } = await setup({ respond: () => ({ chunks: ["one", "two"], gapMs: 5_000 }) }, spyFetch);
    for await (const c of provider.stream(request())) if (c.type === "text") break;
    expect(signals[0]?.aborted).toBe(true);
  });

  it("a stall mid-stream ends when the router aborts with a TimeoutError, which is rethrown as is", async () => {
    const { provider } = await setup({ respond: () => ({ chunks: ["slow"], fault: "stall_mid_stream" }) });
    const timeout = new TimeoutError({ message: "attempt exceeded 150 ms", provider: "ollama" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(timeout), 150);
    // A stall never ends by itself: settling at all shows the abort ended it.
    await expect(provider.chat(request({ signal: controller.signal }))).rejects.toBe(timeout);
  });

  it("an abort while the daemon hangs before headers is honoured too", async () => {
    const { provider } = await setup({ respond: () => "hang_before_headers" });
    await expect(provider.chat(request({ signal: AbortSignal.timeout(100) }))).rejects.toBeInstanceOf(AbortedError);
  });

  it("leaves no listener on the caller's signal once a call ends, so a long-lived signal does not pile up", async () => {
    const { provider } = await setup();
    const controller = new AbortController();
    await provider.chat(request({ signal: controller.signal }));
    await provider.availability(MODEL, controller.signal);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("close() aborts calls in flight", async () => {
    const { provider } = await setup({ respond: () => "hang_before_headers" });
    const pending = provider.chat(request());
    await new Promise((r) => setTimeout(r, 30));
    await provider.close();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });

  it("an already aborted signal fails before any request is sent", async () => {
    const { fake, provider } = await setup();
    await expect(provider.chat(request({ signal: AbortSignal.abort() }))).rejects.toBeInstanceOf(AbortedError);
    expect(fake.chatBodies()).toHaveLength(0);
  });
});

describe("OllamaProvider malformed streams", () => {
  it("truncated NDJSON → MalformedResponseError", async () => {
    const { provider } = await setup({ respond: () => "truncated_ndjson" });
    const err = await provider.chat(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect((err as Error).message).toContain("truncated");
  });

  it("a non-JSON line → MalformedResponseError even though a valid done line follows", async () => {
    const { provider } = await setup({ respond: () => "malformed_json" });
    const err = await provider.chat(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err).toMatchObject({ isRetryable: true });
  });

  it("an in-band error line → retryable ServerError after the chunks sent before it", async () => {
    const { provider } = await setup({ respond: () => ({ chunks: ["Yes", "."], gapMs: 5, fault: "error_mid_stream" }) });
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of provider.stream(request())) if (c.type === "text") got.push(c.text);
    })().catch((e: unknown) => e);
    expect(got).toEqual(["Yes", "."]);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ isRetryable: true });
    expect((err as Error).message).toContain(MID_STREAM_ERROR);
  });
});

describe("OllamaProvider availability", () => {
  it("is ok for a pulled model, matching `phi3` to `phi3:latest`", async () => {
    const { provider } = await setup({ models: ["phi3:latest", "qwen2.5:0.5b"] });
    await expect(provider.availability("phi3")).resolves.toEqual({ ok: true });
    await expect(provider.availability("qwen2.5:0.5b")).resolves.toEqual({ ok: true });
  });

  it("names the missing model and the pull command", async () => {
    const { fake, provider } = await setup({ models: ["phi3:latest"] });
    await expect(provider.availability("qwen2.5:0.5b")).resolves.toEqual({
      ok: false,
      reason: `model qwen2.5:0.5b is not pulled on ${fake.url}`,
      fix: "ollama pull qwen2.5:0.5b",
    });
    await expect(provider.availability("phi3:mini")).resolves.toMatchObject({ ok: false });
  });

  it("reports an unreachable daemon", async () => {
    const url = await closedPortUrl();
    await expect(new OllamaProvider({ host: url }).availability(MODEL)).resolves.toEqual({
      ok: false,
      reason: `Ollama is not reachable at ${url} (OLLAMA_HOST)`,
      fix: "install Ollama and run `ollama serve`, or set OLLAMA_HOST",
    });
  });
});

describe("ollama helpers", () => {
  it("ollamaVersion reads /api/version and is undefined when the daemon is down", async () => {
    const { fake } = await setup({ version: "0.9.9" });
    await expect(ollamaVersion(fake.url)).resolves.toBe("0.9.9");
    await expect(ollamaVersion(await closedPortUrl())).resolves.toBeUndefined();
  });

  it("normalizes names the way Ollama does", () => {
    expect(normalizeOllamaName("phi3")).toBe("phi3:latest");
    expect(normalizeOllamaName("library/Phi3:mini")).toBe("phi3:mini");
    expect(normalizeOllamaName("localhost:5000/me/model")).toBe("localhost:5000/me/model:latest");
  });

  it("takes its host from OLLAMA_HOST when none is given", () => {
    const saved = process.env.OLLAMA_HOST;
    process.env.OLLAMA_HOST = "http://10.0.0.5:11434";
    try {
      expect(new OllamaProvider().host).toBe("http://10.0.0.5:11434");
      delete process.env.OLLAMA_HOST;
      expect(new OllamaProvider().host).toBe("http://127.0.0.1:11434");
    } finally {
      if (saved === undefined) delete process.env.OLLAMA_HOST;
      else process.env.OLLAMA_HOST = saved;
    }
  });
});
