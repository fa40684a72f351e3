import { createServer as createNetServer, type AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeServer, sleep, type FakeServer } from "../../test-support/fake-http.js";
import { createHttpTransport } from "./http-transport.js";

const transport = createHttpTransport();
const f = transport.fetch;
let server: FakeServer;
const sockets = new Set<number>();

beforeAll(async () => {
  server = await startFakeServer(async (req, res) => {
    sockets.add(res.socket?.remotePort ?? 0);
    if (req.path === "/stream") {
      res.writeHead(200, { "content-type": "text/event-stream", "x-multi": "a" });
      res.write("data: one\n\n");
      await sleep(40);
      res.end("data: two\n\n");
    } else if (req.path === "/hold") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
      await new Promise<void>((r) => res.on("close", r));
    } else if (req.path === "/cut") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("half");
      await sleep(10);
      res.socket?.destroy();
    } else if (req.path === "/slow") {
      await sleep(2000);
      res.end("late");
    } else if (req.path === "/empty") {
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(200, { "content-type": "application/json", "set-cookie": ["a=1", "b=2"] });
      res.end(JSON.stringify({ method: req.method, body: req.body, auth: req.headers.authorization ?? null, enc: req.headers["accept-encoding"] ?? null }));
    }
  });
});
afterAll(async () => {
  await transport.close();
  await server.close();
});

describe("http transport: fetch semantics over undici.request", () => {
  it("sends method, headers and body, and returns status, headers and JSON", async () => {
    const res = await f(`${server.url}/echo`, {
      method: "POST",
      headers: { Authorization: "Bearer k", "content-type": "application/json", "accept-encoding": "gzip" },
      body: JSON.stringify({ a: 1 }),
    });
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    // No accept-encoding goes out: the transport does not decompress, so it asks for identity.
    expect(await res.json()).toEqual({ method: "POST", body: { a: 1 }, auth: "Bearer k", enc: null });
  });

  it("resolves at the headers and delivers each chunk as it arrives", async () => {
    // /hold never ends its body: the first chunk can only be read if it is delivered as it arrives.
    const res = await f(`${server.url}/hold`);
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: one\n\n");
    await reader.cancel();
    const whole = await (await f(`${server.url}/stream`)).text();
    expect(whole).toBe("data: one\n\ndata: two\n\n");
  });

  it("keeps the connection alive between sequential requests", async () => {
    sockets.clear();
    for (let i = 0; i < 20; i++) await (await f(`${server.url}/echo`)).text();
    // Without keep-alive this would be 20; a second socket may open while the first is being released.
    expect(sockets.size).toBeLessThanOrEqual(2);
  });

  it("rejects with the signal's reason when aborted before the headers", async () => {
    const ac = new AbortController();
    const reason = new Error("caller gave up");
    setTimeout(() => ac.abort(reason), 20);
    await expect(f(`${server.url}/slow`, { signal: ac.signal })).rejects.toBe(reason);
    await expect(f(`${server.url}/slow`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("errors the body with the signal's reason when aborted mid-stream", async () => {
    const ac = new AbortController();
    const res = await f(`${server.url}/hold`, { signal: ac.signal });
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: "AbortError" });
  });

  it("errors the body on abort even when chunks are still queued, as fetch does", async () => {
    const ac = new AbortController();
    const res = await f(`${server.url}/hold`, { signal: ac.signal });
    await sleep(30); // the first chunk has arrived and waits in the queue; the body is still open
    ac.abort();
    await expect(res.body!.getReader().read()).rejects.toMatchObject({ name: "AbortError" });
  });

  it("reports network failures as fetch does: TypeError with the errno in cause", async () => {
    const closed = createNetServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await f(`http://127.0.0.1:${port}/`).catch((e) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe("fetch failed");
    expect(err.cause.code).toBe("ECONNREFUSED");
    const cut = await f(`${server.url}/cut`);
    const e2 = await cut.text().catch((e) => e);
    expect(e2).toBeInstanceOf(TypeError);
    expect(e2.message).toBe("terminated");
  });

  it("gives 204 a null body", async () => {
    const res = await f(`${server.url}/empty`);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it("drives the three official clients", async () => {
    const openai = new OpenAI({ apiKey: "k", baseURL: server.url, fetch: f, maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: "k", baseURL: server.url, fetch: f, maxRetries: 0 });
    const ollama = new Ollama({ host: server.url, fetch: f });
    expect(await openai.get("/echo")).toMatchObject({ method: "GET", auth: "Bearer k" });
    expect(await anthropic.get("/echo")).toMatchObject({ method: "GET" });
    expect(await ollama.version().catch((e) => e)).toBeDefined();
  });
});
