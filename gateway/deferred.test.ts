/**
 * `Prefer: respond-async` on a deferrable action: 202 with the request id, GET /v1/deferred/<id>
 * while the batch is out, then a restart, and `tierlab batch collect` in another process records the
 * answer at the batch price.
 */
import { describe, expect, it } from "vitest";
import { startFakeAnthropicBatches } from "../test-support/fake-anthropic-batches.js";
import { runCliAsync } from "../test-support/run-cli.js";
import { startFixture } from "../test-support/gateway-fixture.js";

describe("deferred requests through the gateway", () => {
  it("answers 202 to a client that opts in, serves others live, and the answer survives a restart", async () => {
    const fake = await startFakeAnthropicBatches({ respond: () => ({ text: "Answer: 4", inputTokens: 100, outputTokens: 20 }) });
    const fx = await startFixture({
      production: true,
      fast: [{ reply: "" }],
      api: [{ reply: "Answer: 4" }],
      mutate: (d) => {
        d.providers = { ...(d.providers as object), api: { kind: "anthropic", base_url: fake.url } };
        d.actions = { sum: { tier: "LOCAL_FAST", escalate: ["API_FALLBACK"], answer: "number", deferrable: true, checks: [{ id: "non_empty" }] } };
        d.shadow = { rate: 0 };
      },
    });
    const config = fx.router.config.file;
    const ledger = fx.ledger.path;
    let closed = false;
    try {
      const ask = (headers: Record<string, string>) =>
        fetch(`${fx.gateway.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ model: "tierlab/sum", messages: [{ role: "user", content: "2+2" }] }),
        });
      const live = await ask({});
      expect(live.status).toBe(200);
      expect(((await live.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe("Answer: 4");
      const deferred = await ask({ prefer: "respond-async" });
      expect(deferred.status).toBe(202);
      const id = deferred.headers.get("x-request-id")!;
      expect([deferred.headers.get("location"), deferred.headers.get("preference-applied")]).toEqual([`/v1/deferred/${id}`, "respond-async"]);
      expect(await deferred.json()).toMatchObject({ id, object: "tierlab.deferred", status: "queued", tier: "API_FALLBACK", text: null });
      await fx.router.production!.batch!.collect();
      const polled = await fetch(`${fx.gateway.url}/v1/deferred/${id}`);
      expect(await polled.json()).toMatchObject({ id, status: "submitted" });
      expect((await fetch(`${fx.gateway.url}/v1/deferred/nope`)).status).toBe(404);
      await fx.close();
      closed = true;

      // Another process, after the restart: the provider finished meanwhile.
      fake.finish();
      const collect = await runCliAsync(["batch", "collect", "--config", config, "--ledger", ledger, "--json"]);
      expect([collect.status, collect.stderr]).toEqual([0, ""]);
      const pass = JSON.parse(collect.stdout) as { finished: { request_id: string; state: string; cost_usd: number }[] };
      expect(pass.finished).toMatchObject([{ request_id: id, state: "done", verdict: "accepted", answer: "Answer: 4" }]);
      expect(pass.finished[0]!.cost_usd).toBeCloseTo(0.5 * (100 * 3e-6 + 20 * 1.5e-5), 15);
      const status = await runCliAsync(["batch", "status", "--config", config, "--ledger", ledger]);
      expect(status.stdout).toContain("0 queued, 0 in a provider batch, 1 answered, 0 failed");
    } finally {
      if (!closed) await fx.close();
      await fake.close();
    }
  }, 60_000);
});
