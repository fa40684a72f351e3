import { afterEach, describe, expect, it } from "vitest";
import { startFixture, type Fixture } from "../test-support/gateway-fixture.js";

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const body = JSON.stringify({ model: "tierlab/classify", messages: [{ role: "user", content: "x" }] });
const post = (url: string, signal?: AbortSignal) =>
  fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body, signal });

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("gateway lifecycle", () => {
  it("close() stops accepting but lets an in-flight request finish", async () => {
    fx = await startFixture({ fast: [{ reply: "auth", delayMs: 200 }] });
    const pending = post(fx.gateway.url);
    await until(() => fx!.providers.fast.calls === 1);
    const closing = fx.gateway.close({ graceMs: 5000 });
    const res = await pending;
    expect(res.status).toBe(200);
    expect((await res.json()).choices[0].message.content).toBe("auth");
    await closing;
    await expect(post(fx.gateway.url)).rejects.toThrow();
  });

  it("close() cancels requests still running after the grace period", async () => {
    fx = await startFixture({ fast: [{ reply: "auth", delayMs: 10_000 }] });
    const pending = post(fx.gateway.url);
    await until(() => fx!.providers.fast.calls === 1);
    const t0 = Date.now();
    await fx.gateway.close({ graceMs: 100 });
    expect(Date.now() - t0).toBeLessThan(3000);
    const res = await pending;
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe("shutting_down");
    expect(fx.ledger.query()[0]!.error_class).toBe("AbortedError");
  });

  it("a client that hangs up cancels its route, and the attempt is still in the ledger", async () => {
    fx = await startFixture({ fast: [{ reply: "auth", delayMs: 10_000 }] });
    const ac = new AbortController();
    const pending = post(fx.gateway.url, ac.signal).catch((e: Error) => e);
    await until(() => fx!.providers.fast.calls === 1);
    ac.abort();
    await pending;
    await until(() => fx!.ledger.query().length === 1);
    expect(fx.ledger.query()[0]).toMatchObject({ verdict: "error", error_class: "AbortedError" });
    expect(fx.providers.quality.calls).toBe(0);
    const metrics = await (await fetch(`${fx.gateway.url}/metrics`)).text();
    expect(metrics).toContain('tierlab_gateway_requests_total{action="classify",tier="",model="",status="499",cache="miss"} 1');
  });
});
