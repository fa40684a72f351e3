/**
 * The benchmark client times the chunk that carries the first token, not the headers: a held-back
 * token must show in its TTFT. Asserted by causality (the token cannot arrive before the server sent
 * it), so the test holds on any machine load; `npm run perf` itself has no timed tests.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { hold } from "../test-support/hold.js";
import { post, probeAgent } from "./http-probe.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe("http-probe post()", () => {
  it("times the chunk holding the mark: after the server released it, after headers and a first empty piece", async () => {
    const token = hold();
    let receivedAt = 0;
    let releasedAt = 0;
    server = createServer((req, res) => {
      receivedAt = performance.now();
      req.resume();
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"role":"assistant"}\n\n');
      void token.wait.then(() => res.end('data: {"content":"FIRST"}\n\ndata: [DONE]\n\n'));
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
    const agent = probeAgent();
    const timing = post({ agent, url, body: "{}", firstMark: "FIRST" });
    // Hold the token until the preamble has surely been handed to the client's socket.
    await new Promise((r) => setTimeout(r, 20));
    releasedAt = performance.now();
    token.open();
    const t = await timing;
    agent.destroy();
    // The probe started before the server received the request, so TTFT ≥ release − receipt.
    expect(t.ttftMs).toBeGreaterThanOrEqual(releasedAt - receivedAt);
    expect(t.e2eMs).toBeGreaterThanOrEqual(t.ttftMs!);
  });

  it("reports no TTFT when no chunk holds the mark", async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200).end("data: [DONE]\n\n");
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const agent = probeAgent();
    const t = await post({ agent, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, body: "{}", firstMark: "FIRST" });
    agent.destroy();
    expect(t.ttftMs).toBeUndefined();
  });
});
