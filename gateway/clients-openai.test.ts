/**
 * The clients people point at an OpenAI endpoint, driven against the gateway over 127.0.0.1: the
 * official `openai` SDK on /v1/responses, and the Vercel AI SDK's default provider (Responses),
 * `.chat()` (Chat Completions), generateObject and streamText. A client error fails the test.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { generateObject, generateText, jsonSchema, streamText } from "ai";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startFixture, type Fixture } from "../test-support/gateway-fixture.js";

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const aiSdk = (f: Fixture) => createOpenAI({ baseURL: `${f.gateway.url}/v1`, apiKey: "unused" });

describe("openai SDK on /v1/responses", () => {
  it("creates a response: echoed model, the answer's text, usage and status", async () => {
    fx = await startFixture({ fast: [{ reply: "nope" }], quality: [{ reply: "ui" }] });
    const { data, response } = await fx.client().responses.create({ model: "tierlab/classify", input: "Button misaligned" }).withResponse();
    expect(data).toMatchObject({ object: "response", status: "completed", model: "tierlab/classify" });
    expect(data.output_text).toBe("ui");
    // The answer's own tokens, not the rejected "nope" added in.
    expect(data.usage).toMatchObject({ output_tokens: 1 });
    expect(response.headers.get("x-tierlab-model")).toBe("quality-a");
    expect(JSON.parse(response.headers.get("x-tierlab-attempts")!)).toHaveLength(2);
  });

  it("streams the Responses event sequence the SDK assembles into a final response", async () => {
    fx = await startFixture({ fast: [{ reply: "auth" }] });
    const stream = fx
      .client()
      .responses.stream({ model: "tierlab/classify", input: [{ role: "user", content: [{ type: "input_text", text: "Fixed login" }] }] });
    const types: string[] = [];
    stream.on("event", (e) => types.push(e.type));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe("auth");
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
  });

  it("reports a cut answer as incomplete with max_output_tokens", async () => {
    fx = await startFixture({ fast: [{ reply: "auth auth auth" }], quality: [{ reply: "auth auth auth" }], api: [{ reply: "auth auth auth" }] });
    const r = await fx.client().responses.create({ model: "tierlab/classify", input: "x", max_output_tokens: 1 });
    expect(r).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, usage: { output_tokens: 1 } });
  });

  it("400 for tools, images and server-side state, naming the field", async () => {
    fx = await startFixture();
    const client = fx.client();
    const tools = await client.responses
      .create({ model: "tierlab/classify", input: "x", tools: [{ type: "function", name: "f", parameters: {}, strict: false }] })
      .catch((e) => e);
    expect(tools).toBeInstanceOf(OpenAI.BadRequestError);
    expect(tools.param).toBe("tools");
    const image = await client.responses
      .create({ model: "tierlab/classify", input: [{ role: "user", content: [{ type: "input_image", image_url: "data:,", detail: "auto" }] }] })
      .catch((e) => e);
    expect(image.status).toBe(400);
    expect(image.message).toMatch(/input_image.*not supported/);
    const prev = await client.responses.create({ model: "tierlab/classify", input: "x", previous_response_id: "resp_1" }).catch((e) => e);
    expect(prev.message).toMatch(/stores no responses/);
    expect(fx.providers.fast.calls).toBe(0);
  });
});

describe("Vercel AI SDK", () => {
  it("default provider openai(model) → /v1/responses", async () => {
    fx = await startFixture();
    const r = await generateText({ model: aiSdk(fx)("tierlab/classify"), prompt: "Fixed login bug", maxRetries: 0 });
    expect(r.text).toBe("auth");
    expect(r.finishReason).toBe("stop");
    expect(r.usage.outputTokens).toBe(1);
    expect(r.response.modelId).toBe("tierlab/classify");
  });

  it(".chat(model) → /v1/chat/completions", async () => {
    fx = await startFixture();
    const r = await generateText({ model: aiSdk(fx).chat("tierlab/classify"), system: "ignored", prompt: "Fixed login bug", maxRetries: 0 });
    expect(r.text).toBe("auth");
    expect(r.usage.outputTokens).toBe(1);
  });

  it("generateObject: the schema reaches the router as the output format, and a non-JSON answer escalates", async () => {
    // fast answers the right label but not as JSON: the json_schema gate the client's schema adds rejects it.
    fx = await startFixture({ fast: [{ reply: "auth" }], quality: [{ reply: '{"label":"auth"}' }] });
    const schema = jsonSchema<{ label: string }>({
      type: "object",
      properties: { label: { type: "string", enum: ["auth", "ui", "docs"] } },
      required: ["label"],
      additionalProperties: false,
    });
    for (const model of [aiSdk(fx)("tierlab/classify"), aiSdk(fx).chat("tierlab/classify")]) {
      const r = await generateObject({ model, schema, prompt: "Fixed login bug", maxRetries: 0 });
      expect(r.object).toEqual({ label: "auth" });
    }
    const rows = fx.ledger.query();
    expect(rows.filter((r) => r.tier === "LOCAL_FAST").every((r) => r.verdict === "rejected")).toBe(true);
  });

  it("streamText on both providers", async () => {
    fx = await startFixture({ api: [{ reply: "docs" }], fast: [{ reply: "nope" }], quality: [{ reply: "nope" }] });
    for (const model of [aiSdk(fx)("tierlab/classify"), aiSdk(fx).chat("tierlab/classify")]) {
      const r = streamText({
        model,
        prompt: "Update README",
        maxRetries: 0,
        onError: ({ error }) => {
          throw error;
        },
      });
      let text = "";
      for await (const piece of r.textStream) text += piece;
      expect(text).toBe("docs");
      expect(await r.finishReason).toBe("stop");
    }
  });
});
