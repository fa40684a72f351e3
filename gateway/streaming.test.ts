/**
 * The gateway's streaming rule, end to end: the last tier's answer streams live (headers with the
 * first text, the outcome as trailers); a checked answer on an earlier tier is buffered and sent
 * whole; a live answer that breaks off ends with the format's in-stream error. GatedProvider holds
 * every piece after the first until released, so "live" is observed, not timed.
 */
import { request } from "node:http";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { GatedProvider } from "../test-support/gated-provider.js";
import { startFakeOllama } from "../test-support/fake-ollama.js";
import { startFakeOpenAI } from "../test-support/fake-openai.js";
import { OllamaProvider } from "../router/providers/ollama.js";
import { OpenAIProvider } from "../router/providers/openai.js";
import { startFixture, type Fixture } from "../test-support/gateway-fixture.js";

let fx: Fixture | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await fx?.close();
  fx = undefined;
  for (const c of cleanups.splice(0)) await c();
});

const rejectLocal = { fast: [{ reply: "nope" }], quality: [{ reply: "nope" }] };
const ask = { model: "tierlab/classify", messages: [{ role: "user" as const, content: "Fixed login" }] };

async function settlesWithin(p: Promise<unknown>, ms = 80): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const got = await Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    late,
  ]);
  clearTimeout(timer);
  return got;
}

describe("gateway streaming: live on the last tier", () => {
  it("delivers the first text while the model is still writing (chat completions)", async () => {
    const api = new GatedProvider(["do", "cs"], { name: "api" });
    fx = await startFixture({ ...rejectLocal, override: { api } });
    const stream = await fx.client().chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });
    const it = stream[Symbol.asyncIterator]();
    expect((await it.next()).value?.choices[0]?.delta.role).toBe("assistant");
    expect((await it.next()).value?.choices[0]?.delta.content).toBe("do");
    api.release();
    const rest = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
    expect(rest[0]!.choices[0]!.delta.content).toBe("cs");
    expect(rest.at(-1)!.usage).toMatchObject({ completion_tokens: 2 });
  });

  it("sends tier and model as headers and verdict, cost and attempts as trailers", async () => {
    const api = new GatedProvider(["do", "cs"], { name: "api" });
    api.release();
    fx = await startFixture({ ...rejectLocal, override: { api } });
    const got = await new Promise<{ headers: Record<string, unknown>; trailers: Record<string, string | undefined>; body: string }>((resolve, reject) => {
      const req = request(`${fx!.gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ headers: res.headers, trailers: res.trailers, body }));
      });
      req.on("error", reject);
      req.end(JSON.stringify({ ...ask, stream: true }));
    });
    expect(got.headers).toMatchObject({
      "x-tierlab-tier": "API_FALLBACK",
      "x-tierlab-model": "api-model",
      trailer: expect.stringContaining("x-tierlab-cost-usd"),
    });
    expect(got.headers["x-tierlab-verdict"]).toBeUndefined();
    expect(got.trailers["x-tierlab-verdict"]).toBe("accepted");
    expect(Number(got.trailers["x-tierlab-cost-usd"])).toBeGreaterThan(0);
    expect(JSON.parse(got.trailers["x-tierlab-attempts"]!).map((a: { verdict: string }) => a.verdict)).toEqual(["rejected", "rejected", "accepted"]);
    expect(got.body.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("streams live on /v1/responses and /v1/messages too", async () => {
    const api = new GatedProvider(["do", "cs"], { name: "api" });
    fx = await startFixture({ ...rejectLocal, override: { api } });
    const responses = fx.client().responses.stream({ model: "tierlab/classify", input: "x" });
    await new Promise<void>((resolve) => responses.on("response.output_text.delta", () => resolve()));
    api.release();
    expect((await responses.finalResponse()).output_text).toBe("docs");
    const gated = new GatedProvider(["do", "cs"], { name: "api" });
    await fx.close();
    fx = await startFixture({ ...rejectLocal, override: { api: gated } });
    const messages = new Anthropic({ apiKey: "x", baseURL: fx.gateway.url, maxRetries: 0 }).messages.stream({
      model: "tierlab/classify",
      max_tokens: 64,
      messages: [{ role: "user", content: "x" }],
    });
    await new Promise<void>((resolve) => messages.on("text", () => resolve()));
    gated.release();
    expect(await messages.finalText()).toBe("docs");
  });

  it("ends a live answer that breaks off with the format's in-stream error", async () => {
    fx = await startFixture({ ...rejectLocal, override: { api: new GatedProvider(["do", "cs"], { name: "api", failAfter: 1 }) } });
    const stream = await fx.client().chat.completions.create({ ...ask, stream: true });
    let text = "";
    const err = await (async () => {
      for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
    })().catch((e) => e);
    expect(text).toBe("do");
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.message).toMatch(/broke off/);
    expect(fx.providers.api2.calls).toBe(0);
  });
});

describe("gateway streaming: buffered before the last tier", () => {
  it("sends nothing while a checked local answer is being written, then the whole answer with full headers", async () => {
    const fast = new GatedProvider(["au", "th"], { name: "fast" });
    fx = await startFixture({ override: { fast } });
    const pending = fetch(`${fx.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...ask, stream: true }),
    });
    expect(await settlesWithin(pending)).toBe(false);
    fast.release();
    const res = await pending;
    expect(res.headers.get("x-tierlab-verdict")).toBe("accepted");
    const contents = (await res.text())
      .split("\n\n")
      .filter((l) => l.startsWith("data: {"))
      .map((l) => JSON.parse(l.slice(6)).choices[0]?.delta?.content)
      .filter(Boolean);
    expect(contents).toEqual(["auth"]);
  });
});

describe("gateway: the client's response format reaches the backend", () => {
  const schema = { type: "object", properties: { label: { type: "string" } }, required: ["label"], additionalProperties: false };

  it("as json_schema response_format on an OpenAI-compatible API and as format on Ollama", async () => {
    const openai = await startFakeOpenAI({ respond: () => ({ chunks: ['{"label":"auth"}'] }) });
    const ollama = await startFakeOllama({ models: ["quality-a"], respond: () => ({ chunks: ['{"label":"ui"}'] }) });
    cleanups.push(
      () => openai.close(),
      () => ollama.close(),
    );
    fx = await startFixture({
      override: { fast: new OpenAIProvider({ baseURL: openai.baseURL, name: "fast" }), quality: new OllamaProvider({ host: ollama.url }) },
    });
    const r = await fx.client().chat.completions.create({ ...ask, response_format: { type: "json_schema", json_schema: { name: "label", schema } } });
    expect(r.choices[0]!.message.content).toBe('{"label":"auth"}');
    expect(openai.chatBodies()[0]!.response_format).toEqual({ type: "json_schema", json_schema: { name: "response", schema } });
    // Ollama: routed directly with the same format through the Responses endpoint.
    await fx.close();
    fx = await startFixture({ fast: [{ reply: "not json" }], override: { quality: new OllamaProvider({ host: ollama.url }) } });
    const out = await fx.client().responses.create({ model: "tierlab/classify", input: "x", text: { format: { type: "json_schema", name: "label", schema } } });
    expect(out.output_text).toBe('{"label":"ui"}');
    expect(ollama.chatBodies()[0]!.format).toEqual(schema);
  });
});
