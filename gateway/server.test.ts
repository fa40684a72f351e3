import { request } from "node:http";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { ResponseCache } from "../router/cache/response-cache.js";
import { AuthenticationError } from "../core/errors.js";
import { InsecureBindError } from "./errors.js";
import { createGateway } from "./server.js";
import { startFixture, type Fixture } from "../test-support/gateway-fixture.js";

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const ask = (content: string, model = "tierlab/classify") => ({ model, messages: [{ role: "user" as const, content }] });

describe("gateway: chat completions through the official openai client", () => {
  it("answers a non-streaming completion with the routed text, model and usage", async () => {
    fx = await startFixture({ fast: [{ reply: "auth" }] });
    const { data, response } = await fx.client().chat.completions.create(ask("Fixed login bug")).withResponse();
    expect(data.object).toBe("chat.completion");
    expect(data.choices[0]!.message).toMatchObject({ role: "assistant", content: "auth" });
    expect(data.choices[0]!.finish_reason).toBe("stop");
    // model echoes what the client asked for; the backend model is a header.
    expect(data.model).toBe("tierlab/classify");
    expect(response.headers.get("x-tierlab-model")).toBe("fast-a");
    expect(data.usage!.completion_tokens).toBe(1);
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + 1);
    expect(response.headers.get("x-tierlab-tier")).toBe("LOCAL_FAST");
    expect(response.headers.get("x-tierlab-verdict")).toBe("accepted");
    expect(fx.ledger.query()).toHaveLength(1);
  });

  it("streams only the accepted model's text, with usage in the final chunk", async () => {
    fx = await startFixture({ fast: [{ reply: "I believe it may be about logins" }], quality: [{ reply: "ui" }] });
    const stream = await fx.client().chat.completions.create({ ...ask("Button misaligned"), stream: true, stream_options: { include_usage: true } });
    let text = "";
    const chunks = [];
    for await (const c of stream) {
      chunks.push(c);
      text += c.choices[0]?.delta?.content ?? "";
    }
    expect(text).toBe("ui");
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    // Usage is the returned answer's own, not the rejected fast answer's 7 tokens on top.
    expect(last.usage!.completion_tokens).toBe(1);
  });

  it("ends the SSE body with data: [DONE] and sends no usage chunk unless asked", async () => {
    fx = await startFixture();
    const res = await fetch(`${fx.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...ask("x"), stream: true }),
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const body = await res.text();
    expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(body).not.toContain('"usage"');
  });

  it("takes the action from the x-tierlab-action header over the model name", async () => {
    fx = await startFixture();
    const r = await fx.client().chat.completions.create(ask("x", "gpt-4o-mini"), { headers: { "x-tierlab-action": "classify" } });
    expect(r.choices[0]!.message.content).toBe("auth");
    expect(fx.ledger.query()[0]!.action).toBe("classify");
  });

  it("takes the action from a bare model name too", async () => {
    fx = await startFixture();
    const r = await fx.client().chat.completions.create(ask("x", "classify"));
    expect(r.choices[0]!.message.content).toBe("auth");
  });

  it("lists tierlab/<action> for each action on /v1/models and retrieves one", async () => {
    fx = await startFixture();
    const client = fx.client();
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(["tierlab/classify"]);
    expect((await client.models.retrieve("tierlab/classify")).owned_by).toBe("tierlab");
    await expect(client.models.retrieve("tierlab/nope")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("passes the conversation as history and keeps the action's own system prompt", async () => {
    fx = await startFixture();
    await fx.client().chat.completions.create({
      model: "tierlab/classify",
      messages: [
        { role: "system", content: "You are a pirate." },
        { role: "user", content: "first" },
        { role: "assistant", content: "docs" },
        { role: "user", content: "second" },
      ],
    });
    // ScriptedProvider counts words of every message it saw: the action's "Pick a label." (3), "first" (1),
    // "docs" (1) and the templated "Text: second\nLabel:" (3). The client's system prompt (4) is not among them.
    expect(fx.ledger.query()[0]!.input_tokens).toBe(8);
  });
});

describe("gateway: errors in OpenAI's shape", () => {
  it("400 for an invalid body, naming the field", async () => {
    fx = await startFixture();
    const err = await fx
      .client()
      .chat.completions.create({ model: "tierlab/classify", messages: [] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.param).toBe("messages");
    expect(err.error).toMatchObject({ type: "invalid_request_error" });
  });

  it("400 when the last message is not from the user, and for non-JSON bodies", async () => {
    fx = await startFixture();
    const err = await fx
      .client()
      .chat.completions.create({ model: "tierlab/classify", messages: [{ role: "assistant", content: "hi" }] })
      .catch((e) => e);
    expect(err.status).toBe(400);
    const res = await fetch(`${fx.gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/not valid JSON/);
  });

  it("404 for an unknown model or action", async () => {
    fx = await startFixture();
    const err = await fx
      .client()
      .chat.completions.create(ask("x", "gpt-4o"))
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe("model_not_found");
    expect(err.message).toContain("tierlab/<action>");
  });

  it("429 insufficient_quota for a budget refusal, which the SDK does not retry", async () => {
    const budget = { reserve: () => ({ ok: false as const, reason: "global day limit $5 reached", onExceed: "refuse" as const }) };
    fx = await startFixture({ fast: [{ reply: "nope" }], quality: [{ reply: "nope" }], budget });
    const err = await fx
      .client({ maxRetries: 2 })
      .chat.completions.create(ask("x"))
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe("insufficient_quota");
    expect(err.message).toContain("global day limit");
    expect(fx.providers.fast.calls).toBe(1);
  });

  it("502 when no tier answered, not retried on top of the router's retries", async () => {
    const fail = [{ reply: "", error: () => new AuthenticationError({ message: "bad key" }) }];
    fx = await startFixture({ fast: fail, quality: fail, api: fail, api2: fail });
    const err = await fx
      .client({ maxRetries: 2 })
      .chat.completions.create(ask("x"))
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.status).toBe(502);
    expect(err.code).toBe("no_tier_answered");
    expect(fx.providers.fast.calls).toBe(1);
  });

  it("413 for a body over the limit, before routing", async () => {
    fx = await startFixture({ gateway: { maxBodyBytes: 64 } });
    const res = await fetch(`${fx.gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ask("x".repeat(200))),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toMatch(/over 64 bytes/);
    expect(fx.providers.fast.calls).toBe(0);
  });

  it("404 with OpenAI's 'Invalid URL' for unknown paths", async () => {
    fx = await startFixture();
    const res = await fetch(`${fx.gateway.url}/v1/embeddings`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { message: "Invalid URL (POST /v1/embeddings)", type: "invalid_request_error", param: null, code: null } });
  });
});

describe("gateway: access", () => {
  it("401 without the configured token or with a wrong one; 200 with it", async () => {
    fx = await startFixture({ gateway: { token: "s3cret-token" } });
    const noHeader = await fetch(`${fx.gateway.url}/v1/models`);
    expect(noHeader.status).toBe(401);
    expect(noHeader.headers.get("www-authenticate")).toBe("Bearer");
    await expect(fx.client({ apiKey: "wrong" }).chat.completions.create(ask("x"))).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(fx.providers.fast.calls).toBe(0);
    const ok = await fx.client({ apiKey: "s3cret-token" }).chat.completions.create(ask("x"));
    expect(ok.choices[0]!.message.content).toBe("auth");
    expect((await fetch(`${fx.gateway.url}/metrics`)).status).toBe(401);
  });

  it("refuses to bind a non-loopback address without a token", async () => {
    fx = await startFixture();
    await expect(createGateway({ router: fx.router, host: "0.0.0.0", port: 0 })).rejects.toBeInstanceOf(InsecureBindError);
    await expect(createGateway({ router: fx.router, host: "0.0.0.0", port: 0, token: "" })).rejects.toThrow(/without a token/);
    const open = await createGateway({ router: fx.router, host: "0.0.0.0", port: 0, token: "t" });
    expect(open.port).toBeGreaterThan(0);
    await open.close();
  });

  it("without a token, answers only requests addressed to a loopback name (DNS rebinding)", async () => {
    fx = await startFixture();
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const r = request({ host: "127.0.0.1", port: fx!.gateway.port, path: "/v1/models", headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        r.on("error", reject);
        r.end();
      });
    expect(await status("evil.example:8787")).toBe(403);
    expect(await status(`localhost:${fx.gateway.port}`)).toBe(200);
  });

  it("415 for a chat request that is not JSON (no CORS-simple posts): the media type is parsed, not searched", async () => {
    fx = await startFixture();
    const post = (type: string) =>
      fetch(`${fx!.gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": type }, body: JSON.stringify(ask("x")) });
    for (const type of [
      "text/plain",
      "text/plain; x=application/json",
      "text/plain;application/json",
      "application/jsonx",
      "application/json-seq",
      "not a type",
    ]) {
      expect((await post(type)).status, type).toBe(415);
    }
    expect(fx.providers.fast.calls).toBe(0);
    expect((await post("Application/JSON; charset=utf-8")).status).toBe(200);
  });

  it("403 for a request from a web page origin that was not allowed, before routing and before the token check", async () => {
    fx = await startFixture({ gateway: { token: "t0k", allowedOrigins: ["http://localhost:3000"] } });
    const post = (headers: Record<string, string>) =>
      fetch(`${fx!.gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer t0k", ...headers },
        body: JSON.stringify(ask("x")),
      });
    const refused = await post({ origin: "http://127.0.0.1:9999" });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatchObject({ code: "origin_not_allowed" });
    expect((await post({ origin: "null" })).status).toBe(403);
    // A browser GET without Origin (an <img>, a link) announces itself with Sec-Fetch-Site.
    expect((await fetch(`${fx.gateway.url}/v1/models`, { headers: { "sec-fetch-site": "cross-site", authorization: "Bearer t0k" } })).status).toBe(403);
    expect(fx.providers.fast.calls).toBe(0);
    const allowed = await post({ origin: "http://localhost:3000" });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    // SDKs and curl send no Origin at all.
    expect((await post({})).status).toBe(200);
  });

  it("400 (not 500) for a model id that is not valid percent-encoding", async () => {
    fx = await startFixture();
    const res = await fetch(`${fx.gateway.url}/v1/models/%ZZ`);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: "invalid_path" });
  });
});

describe("gateway: cache and metrics", () => {
  it("serves a repeat from the cache: header hit, ledger row cache_hit with $0", async () => {
    fx = await startFixture({
      fast: [{ reply: "nope" }],
      quality: [{ reply: "nope" }],
      api: [{ reply: "docs" }],
      cache: new ResponseCache({ ttlMs: 60_000, maxEntries: 10 }),
    });
    const client = fx.client();
    const first = await client.chat.completions.create(ask("Update README")).withResponse();
    const second = await client.chat.completions.create(ask("Update README")).withResponse();
    expect(first.response.headers.get("x-tierlab-cache")).toBe("miss");
    expect(second.response.headers.get("x-tierlab-cache")).toBe("hit");
    expect(second.data.choices[0]!.message.content).toBe("docs");
    expect(fx.providers.api.calls).toBe(1);
    const hitRows = fx.ledger.query().filter((r) => r.cache_hit);
    expect(hitRows).toHaveLength(1);
    expect(hitRows[0]).toMatchObject({
      cost_usd: 0,
      verdict: "accepted",
      tier: "API_FALLBACK",
      model: "api-model",
      request_id: second.response.headers.get("x-request-id"),
    });
    const metrics = await (await fetch(`${fx.gateway.url}/metrics`)).text();
    expect(metrics).toContain('tierlab_gateway_requests_total{action="classify",tier="API_FALLBACK",model="api-model",status="200",cache="hit"} 1');
    expect(metrics).toMatch(/^tierlab_cache_entries 1$/m);
  });

  it("exposes requests, tokens, cost, escalations and latency by tier/model", async () => {
    fx = await startFixture({ fast: [{ reply: "nope" }], quality: [{ reply: "nope" }], api: [{ reply: "docs" }] });
    const r = await fx.client().chat.completions.create(ask("Update README"));
    await fx
      .client()
      .chat.completions.create(ask("x", "gpt-4o"))
      .catch(() => undefined);
    const res = await fetch(`${fx.gateway.url}/metrics`);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    const cost = fx.ledger.spendSince(new Date(0));
    expect(cost).toBeGreaterThan(0);
    for (const line of [
      'tierlab_gateway_requests_total{action="classify",tier="API_FALLBACK",model="api-model",status="200",cache="miss"} 1',
      'tierlab_gateway_requests_total{action="unknown",tier="",model="",status="404",cache="miss"} 1',
      'tierlab_gateway_escalations_total{action="classify",from_tier="LOCAL_FAST",to_tier="LOCAL_QUALITY"} 1',
      'tierlab_gateway_escalations_total{action="classify",from_tier="LOCAL_QUALITY",to_tier="API_FALLBACK"} 1',
      `tierlab_gateway_tokens_total{action="classify",tier="API_FALLBACK",model="api-model",direction="output"} ${r.usage!.completion_tokens}`,
      `tierlab_gateway_cost_usd_total{action="classify",tier="API_FALLBACK",model="api-model"} ${cost}`,
      'tierlab_gateway_attempts_total{action="classify",tier="LOCAL_FAST",model="fast-a",verdict="rejected"} 1',
      'tierlab_gateway_request_duration_seconds_count{action="classify",tier="API_FALLBACK",model="api-model",stream="false"} 1',
      'tierlab_gateway_attempt_duration_seconds_count{action="classify",tier="LOCAL_QUALITY",model="quality-a"} 1',
    ])
      expect(text).toContain(line);
  });

  it("keeps separate registries per gateway", async () => {
    fx = await startFixture();
    await fx.client().chat.completions.create(ask("x"));
    const other = await createGateway({ router: fx.router, port: 0 });
    try {
      const text = await (await fetch(`${other.url}/metrics`)).text();
      expect(text).not.toMatch(/tierlab_gateway_requests_total\{/);
    } finally {
      await other.close();
    }
  });
});
