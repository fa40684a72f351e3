/**
 * POST /v1/feedback behind the gateway's token, the drift gauges on /metrics, the drift finding in
 * `doctor`, and `tierlab feedback` on the same ledger.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.js";
import { DEFAULT_THRESHOLDS } from "../router/doctor/contract.js";
import { runDoctor } from "../router/doctor/doctor.js";
import { ledgerTarget } from "../router/ledger/open-ledger.js";
import { startFixture } from "../test-support/gateway-fixture.js";

const sumAction = (d: Record<string, unknown>) => {
  d.actions = { sum: { tier: "LOCAL_FAST", escalate: ["API_FALLBACK"], answer: "number", threshold: 0.5, checks: [{ id: "non_empty" }] } };
  d.shadow = { rate: 0 };
  d.drift = { window: 50, min_samples: 10 };
};

describe("feedback and drift on the gateway", () => {
  it("stores feedback given with the token, refuses it without, and shows the drift alarm on /metrics and in doctor", async () => {
    const fx = await startFixture({ mutate: sumAction, production: true, fast: [{ reply: "Answer: 5" }], gateway: { token: "s3cret" } });
    try {
      const post = (path: string, body: unknown, token: string | null = "s3cret") =>
        fetch(`${fx.gateway.url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        });
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await post("/v1/chat/completions", { model: "tierlab/sum", messages: [{ role: "user", content: `2+${i}` }] });
        expect(r.status).toBe(200);
        await r.text();
        ids.push(r.headers.get("x-request-id")!);
      }
      expect((await post("/v1/feedback", { request_id: ids[0], verdict: "wrong" }, null)).status).toBe(401);
      const bad = await post("/v1/feedback", { request_id: ids[0], verdict: "maybe" });
      expect([bad.status, ((await bad.json()) as { error: { param: string } }).error.param]).toEqual([400, "verdict"]);
      const unknown = await post("/v1/feedback", { request_id: "nope", verdict: "right" });
      expect([unknown.status, ((await unknown.json()) as { error: { code: string } }).error.code]).toEqual([404, "request_not_found"]);
      for (const id of ids) {
        const r = await post("/v1/feedback", { request_id: id, verdict: "wrong", note: "should be more" });
        expect(r.status).toBe(201);
        expect(await r.json()).toMatchObject({ object: "feedback", request_id: id, action: "sum", tier: "LOCAL_FAST", model: "fast-a", verdict: "wrong" });
      }
      const metrics = await (await fetch(`${fx.gateway.url}/metrics`, { headers: { authorization: "Bearer s3cret" } })).text();
      expect(metrics).toContain('tierlab_drift_labels{action="sum",tier="LOCAL_FAST"} 12');
      expect(metrics).toContain('tierlab_drift_alarm{action="sum",tier="LOCAL_FAST"} 1');
      expect(metrics).toContain('tierlab_drift_alpha{action="sum",tier="LOCAL_FAST"} 0.05');

      const config = fx.router.config;
      const report = await runDoctor({
        config,
        env: {},
        fetch: globalThis.fetch,
        now: () => new Date(),
        which: () => undefined,
        ledger: ledgerTarget(config, fx.ledger.path, {}),
        thresholds: DEFAULT_THRESHOLDS,
      });
      expect(report.findings.find((f) => f.id === "drift.sum.LOCAL_FAST")).toMatchObject({
        status: "warn",
        message: expect.stringContaining("12 wrong of 12 labels: 0 shadow, 12 feedback") as unknown as string,
      });

      // The CLI writes to the same table; its verdict is read back from the ledger.
      const cli = runCli(["feedback", ids[1]!, "--right", "--note", "on second look", "--config", config.file, "--ledger", fx.ledger.path, "--json"]);
      expect([cli.status, cli.stderr]).toEqual([0, ""]);
      expect(JSON.parse(cli.stdout)).toMatchObject({ request_id: ids[1], right: true, note: "on second look", source: "cli" });
      expect(runCli(["feedback", ids[1]!, "--config", config.file, "--ledger", fx.ledger.path]).status).toBe(2);
      expect(await fx.router.production!.store.select("feedback", { request_id: ids[1]! })).toHaveLength(2);
    } finally {
      await fx.close();
    }
  }, 60_000);
});
