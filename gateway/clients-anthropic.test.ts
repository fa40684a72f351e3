/** The official `@anthropic-ai/sdk` against the gateway's /v1/messages over 127.0.0.1. */
import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { startFixture, type Fixture } from "../test-support/gateway-fixture.js";

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const client = (f: Fixture, apiKey = "unused") => new Anthropic({ apiKey, baseURL: f.gateway.url, maxRetries: 0 });
const ask = (content: string, extra: object = {}) => ({ model: "tierlab/classify", max_tokens: 64, messages: [{ role: "user" as const, content }], ...extra });

describe("anthropic SDK on /v1/messages", () => {
  it("creates a message: echoed model, the answer's text, stop reason and usage", async () => {
    fx = await startFixture({ fast: [{ reply: "nope" }], quality: [{ reply: "ui" }] });
    const { data, response } = await client(fx)
      .messages.create(ask("Button misaligned", { system: "You are a pirate." }))
      .withResponse();
    expect(data).toMatchObject({
      type: "message",
      role: "assistant",
      model: "tierlab/classify",
      stop_reason: "end_turn",
      content: [{ type: "text", text: "ui" }],
    });
    expect(data.usage.output_tokens).toBe(1);
    expect(response.headers.get("x-tierlab-tier")).toBe("LOCAL_QUALITY");
  });

  it("streams the Messages event sequence the SDK assembles into a final message", async () => {
    fx = await startFixture();
    const stream = client(fx).messages.stream(ask("Fixed login"));
    const types: string[] = [];
    stream.on("streamEvent", (e) => types.push(e.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: "text", text: "auth", citations: null }]);
    expect(final.usage).toMatchObject({ output_tokens: 1 });
    expect(final.usage.input_tokens).toBeGreaterThan(0);
    expect(types).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
  });

  it("maps a cut answer to stop_reason max_tokens", async () => {
    fx = await startFixture({ fast: [{ reply: "auth auth" }], quality: [{ reply: "auth auth" }], api: [{ reply: "auth auth" }] });
    const m = await client(fx).messages.create(ask("x", { max_tokens: 1 }));
    expect(m.stop_reason).toBe("max_tokens");
  });

  it("honours output_config.format as the output schema", async () => {
    fx = await startFixture({ fast: [{ reply: "auth" }], quality: [{ reply: '{"label":"ui"}' }] });
    const schema = { type: "object", properties: { label: { type: "string" } }, required: ["label"], additionalProperties: false };
    const m = await client(fx).messages.create(ask("x", { output_config: { format: { type: "json_schema", schema } } }));
    expect(m.content[0]).toMatchObject({ type: "text", text: '{"label":"ui"}' });
  });

  it("answers errors in Anthropic's shape, which the SDK raises as its own classes", async () => {
    fx = await startFixture({ gateway: { token: "t0k" } });
    await expect(client(fx, "wrong").messages.create(ask("x"))).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    // The SDK sends its key as x-api-key; that is accepted like a bearer token.
    const c = client(fx, "t0k");
    const notFound = await c.messages.create({ ...ask("x"), model: "claude-sonnet-4-5" }).catch((e) => e);
    expect(notFound).toBeInstanceOf(Anthropic.NotFoundError);
    expect(notFound.error).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    const tools = await c.messages.create(ask("x", { tools: [{ name: "f", input_schema: { type: "object" } }] })).catch((e) => e);
    expect(tools).toBeInstanceOf(Anthropic.BadRequestError);
    expect(tools.message).toMatch(/tools are not supported/);
    const image = await c.messages
      .create({ ...ask("x"), messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "AA==" } }] }] })
      .catch((e) => e);
    expect(image.status).toBe(400);
    expect(image.error.error.message).toMatch(/content block type "image" is not supported/);
  });

  it("requires the anthropic-version header, as the API does", async () => {
    fx = await startFixture();
    const res = await fetch(`${fx.gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ask("x")),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message: "anthropic-version: header is required" } });
  });

  it("a budget refusal is a 402 billing_error, not retried", async () => {
    const budget = { reserve: () => ({ ok: false as const, reason: "global day limit $5 reached", onExceed: "refuse" as const }) };
    fx = await startFixture({ fast: [{ reply: "nope" }], quality: [{ reply: "nope" }], budget });
    const err = await new Anthropic({ apiKey: "x", baseURL: fx.gateway.url, maxRetries: 2 }).messages.create(ask("x")).catch((e) => e);
    expect(err.status).toBe(402);
    expect(err.error.error.type).toBe("billing_error");
    expect(fx.providers.fast.calls).toBe(1);
  });

  it("lists models in Anthropic's shape when asked with anthropic-version", async () => {
    fx = await startFixture();
    const ids = [];
    for await (const m of client(fx).models.list()) ids.push(m.id);
    expect(ids).toEqual(["tierlab/classify"]);
  });
});
