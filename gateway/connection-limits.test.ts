/**
 * Slow, greedy and vanishing clients, over raw sockets: a client that never finishes its headers or
 * its body is cut off, connections beyond the limit are closed, and a client that hangs up mid-body
 * is neither logged nor counted as a server error.
 */
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startFixture, type Fixture } from "../test-support/gateway-fixture.js";

let fx: Fixture | undefined;
const open: Socket[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) s.destroy();
  await fx?.close();
  fx = undefined;
});

function socketTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.on("error", reject);
    open.push(s);
  });
}

/** Everything the server sends until it closes the connection. */
function untilClosed(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    s.on("data", (d: Buffer) => (text += d.toString()));
    s.on("close", () => resolve(text));
  });
}

const HEAD = (port: number, length: number) =>
  `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe("gateway connection limits", () => {
  it("closes a connection whose headers never finish (408)", async () => {
    fx = await startFixture({ gateway: { headersTimeoutMs: 200 } });
    const s = await socketTo(fx.gateway.port);
    s.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    expect(await untilClosed(s)).toMatch(/^HTTP\/1\.1 408/);
    expect(fx.providers.fast.calls).toBe(0);
  });

  it("answers 408 to a body that does not arrive in time, and closes the connection", async () => {
    fx = await startFixture({ gateway: { bodyTimeoutMs: 200 } });
    const s = await socketTo(fx.gateway.port);
    s.write(HEAD(fx.gateway.port, 500) + '{"model":');
    const reply = await untilClosed(s);
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(reply).toMatch(/"code":"body_timeout"/);
    expect(fx.providers.fast.calls).toBe(0);
  });

  it("closes connections beyond maxConnections as they arrive, and serves again once they are gone", async () => {
    fx = await startFixture({ gateway: { maxConnections: 2 } });
    const [a, b] = [await socketTo(fx.gateway.port), await socketTo(fx.gateway.port)];
    const third = await socketTo(fx.gateway.port);
    third.write(`GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(await untilClosed(third)).toBe("");
    a.destroy();
    b.destroy();
    // The server notices the two closes on its side; until then a new connection may still be turned away.
    for (let i = 0; ; i++) {
      const res = await fetch(`${fx.gateway.url}/v1/models`).catch(() => undefined);
      if (res?.status === 200) break;
      if (i > 50) throw new Error("never served again after the extra connections closed");
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it("a client hanging up mid-body is no 500: nothing logged, no 5xx in the metrics, no route", async () => {
    const logs: string[] = [];
    fx = await startFixture({ gateway: { log: (l) => logs.push(l) } });
    const s = await socketTo(fx.gateway.port);
    const settled = new Promise<number>((resolve) => fx!.gateway.server.once("request", (_req, res) => res.on("close", () => resolve(res.statusCode))));
    s.write(HEAD(fx.gateway.port, 500) + '{"model":"tierlab/classify"');
    await new Promise((r) => setTimeout(r, 50));
    s.destroy();
    await settled;
    const metrics = await (await fetch(`${fx.gateway.url}/metrics`)).text();
    expect(metrics).toContain('tierlab_gateway_requests_total{action="unknown",tier="",model="",status="499",cache="miss"} 1');
    expect(metrics).not.toMatch(/status="5\d\d"/);
    expect(logs).toEqual([]);
    expect(fx.providers.fast.calls).toBe(0);
  });
});
