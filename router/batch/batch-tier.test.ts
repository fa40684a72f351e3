/**
 * The batch tier against protocol fakes of Anthropic's Message Batches and OpenAI's Batch API: a
 * deferrable request that the local tier could not answer goes into a provider batch, comes back
 * checked and recorded at half the standard price with its real completion time; partial failures
 * and expiry are recorded, an expired request goes into one more batch; and nothing is lost when
 * the process restarts with a batch in flight (both ledger backends).
 */
import { describe, expect, it } from "vitest";
import { startFakeAnthropicBatches } from "../../test-support/fake-anthropic-batches.js";
import type { BatchRespond } from "../../test-support/fake-batches.js";
import { startFakeOpenAIBatches } from "../../test-support/fake-openai-batches.js";
import { ledgerBackends } from "../../test-support/ledger-backends.js";
import { TEST_PRICES, writeTestConfig } from "../../test-support/router-fixture.js";
import type { RouterConfig } from "../config/load.js";
import { tokenCostUsd } from "../config/prices.js";
import type { LedgerStore } from "../ledger/contract.js";
import { Production } from "../production/production.js";
import { ScriptedProvider } from "../providers/scripted.js";
import { Router } from "../router.js";
import { routeOrDefer } from "./defer.js";

const KINDS = [
  { kind: "anthropic" as const, start: startFakeAnthropicBatches, baseUrl: (url: string) => url },
  { kind: "openai" as const, start: startFakeOpenAIBatches, baseUrl: (url: string) => `${url}/v1` },
];

/** "sum" is deferrable; LOCAL_FAST answers nothing (rejected), so every request needs the API tier. */
function config(kind: "anthropic" | "openai", baseUrl: string) {
  return writeTestConfig((d) => {
    d.providers = { ...(d.providers as object), api: { kind, base_url: baseUrl } };
    d.actions = { sum: { tier: "LOCAL_FAST", escalate: ["API_FALLBACK"], answer: "number", threshold: 0.5, deferrable: true, checks: [{ id: "non_empty" }] } };
    d.shadow = { rate: 0 };
    d.batch = { resubmit_expired: 1 };
  });
}

async function start(cfg: RouterConfig, ledger: LedgerStore) {
  const production = await Production.open({ config: cfg, ledger });
  const router = new Router({ config: cfg, ledger, production, providers: { providers: { fast: new ScriptedProvider([{ reply: "" }]) } } });
  return { production, router, batch: production.batch! };
}

const answers: BatchRespond = (params) => {
  const last = String(((params.messages as { content: string }[]).at(-1) ?? { content: "" }).content);
  if (last.includes("bad")) return { error: { status: 400, type: "invalid_request_error", message: "prompt is too long" } };
  if (last.includes("late")) return "expire";
  return { text: "Answer: 4", inputTokens: 100, outputTokens: 20 };
};

describe.each(KINDS)("the batch tier on $kind's batch API", ({ kind, start: startFake, baseUrl }) => {
  it("a deferred request round-trips at 50 % of the standard price, checked, with its real completion time", async () => {
    const fake = await startFake({ respond: answers });
    const fx = config(kind, baseUrl(fake.url));
    const cfg = fx.load();
    const [backend] = ledgerBackends();
    const ledger = await backend!.open(cfg, await backend!.fresh(fx.dir));
    const { router, batch } = await start(cfg, ledger);
    try {
      const d = await routeOrDefer(router, { action: "sum", prompt: "2+2" });
      expect(d.deferred).toBe(true);
      if (!d.deferred) return;
      expect(d.item).toMatchObject({ state: "queued", tier: "API_FALLBACK", attempt: 2, escalated_from: "LOCAL_FAST" });
      const first = await batch.collect();
      expect(first.submitted).toHaveLength(1);
      expect([first.finished, first.inFlight]).toEqual([[], 1]);
      expect((await batch.collect()).finished).toEqual([]); // still in progress at the provider
      fake.finish();
      const second = await batch.collect();
      expect(second.finished).toMatchObject([{ request_id: d.requestId, state: "done", verdict: "accepted", answer: "Answer: 4" }]);
      const rows = await ledger.query({ requestId: d.requestId });
      expect(rows.map((r) => [r.attempt, r.tier, r.verdict])).toEqual([
        [1, "LOCAL_FAST", "rejected"],
        [2, "API_FALLBACK", "accepted"],
      ]);
      const standard = tokenCostUsd(TEST_PRICES.models["api-model"], { inputTokens: 100, outputTokens: 20 });
      expect(rows[1]!.cost_usd).toBeCloseTo(standard * 0.5, 15);
      expect([rows[1]!.input_tokens, rows[1]!.output_tokens, rows[1]!.escalated_from]).toEqual([100, 20, "LOCAL_FAST"]);
      // The provider's own end time (OpenAI reports whole seconds) minus the time the request was queued.
      const ended = fake.batches()[0]!.endedAt!;
      const endedAt = kind === "openai" ? Math.floor(ended / 1000) * 1000 : ended;
      expect(rows[1]!.latency_ms).toBe(Math.max(0, endedAt - Date.parse(d.item.ts)));
      // A collected batch is not polled again; nothing is left in flight.
      expect(await batch.collect()).toMatchObject({ submitted: [], finished: [], inFlight: 0 });
    } finally {
      await router.close();
      await ledger.close();
      await fake.close();
    }
  });

  it("partial failure: an errored request is a failed attempt, an expired one goes into one more batch, then fails", async () => {
    const fake = await startFake({ respond: answers });
    const fx = config(kind, baseUrl(fake.url));
    const cfg = fx.load();
    const [backend] = ledgerBackends();
    const ledger = await backend!.open(cfg, await backend!.fresh(fx.dir));
    const { router, batch } = await start(cfg, ledger);
    try {
      const ids: Record<string, string> = {};
      for (const p of ["ok", "bad", "late"]) {
        const d = await routeOrDefer(router, { action: "sum", prompt: p });
        if (d.deferred) ids[p] = d.requestId;
      }
      await batch.collect();
      expect(fake.batches()[0]!.requests).toHaveLength(3);
      fake.finish();
      const r1 = await batch.collect();
      expect(r1.finished.map((i) => [i.request_id, i.state]).sort()).toEqual(
        [
          [ids.bad, "failed"],
          [ids.ok, "done"],
        ].sort(),
      );
      expect(r1.requeued).toBe(1);
      // The expired request went into a new batch in the same pass.
      expect(r1.submitted).toMatchObject([{ requests: 1 }]);
      fake.finish();
      const r2 = await batch.collect();
      expect(r2.finished).toMatchObject([{ request_id: ids.late, state: "failed", submissions: 2 }]);
      const rows = await ledger.query();
      const api = rows.filter((r) => r.tier === "API_FALLBACK");
      expect(Object.fromEntries(api.map((r) => [r.request_id, [r.verdict, r.error_class]]))).toEqual({
        [ids.ok!]: ["accepted", null],
        [ids.bad!]: ["error", "Batch:invalid_request_error"],
        [ids.late!]: ["error", "BatchExpiredError"],
      });
      expect(api.filter((r) => r.verdict === "error").every((r) => r.cost_usd === 0)).toBe(true);
    } finally {
      await router.close();
      await ledger.close();
      await fake.close();
    }
  });
});

describe.each(ledgerBackends("batch restart on PostgreSQL"))("a restart with a batch in flight, on $name", (backend) => {
  backend.hooks();
  it.skipIf(!!backend.skip)("loses nothing: a submitted batch is collected and a queued request submitted by the next process", async () => {
    const fake = await startFakeAnthropicBatches({ respond: answers });
    const fx = config("anthropic", fake.url);
    const cfg = fx.load();
    const where = await backend.fresh(fx.dir);
    const ids: string[] = [];
    {
      const ledger = await backend.open(cfg, where);
      const { router, batch } = await start(cfg, ledger);
      for (const p of ["one", "two"]) {
        const d = await routeOrDefer(router, { action: "sum", prompt: p });
        if (d.deferred) ids.push(d.requestId);
      }
      await batch.collect(); // both submitted
      const d = await routeOrDefer(router, { action: "sum", prompt: "three" });
      if (d.deferred) ids.push(d.requestId); // queued, not yet submitted
      await router.close();
      await ledger.close();
    }
    expect(ids).toHaveLength(3);
    fake.finish();
    const ledger = await backend.open(cfg, where);
    const { router, batch } = await start(cfg, ledger);
    try {
      const r = await batch.collect();
      expect(r.submitted).toMatchObject([{ requests: 1 }]);
      expect(r.finished.map((i) => i.request_id).sort()).toEqual(ids.slice(0, 2).sort());
      fake.finish();
      expect((await batch.collect()).finished.map((i) => i.request_id)).toEqual([ids[2]]);
      const answered = (await ledger.query()).filter((x) => x.tier === "API_FALLBACK");
      expect(answered.map((x) => x.request_id).sort()).toEqual([...ids].sort());
      expect(answered.every((x) => x.verdict === "accepted" && Math.abs(x.cost_usd - 3e-4) < 1e-12)).toBe(true);
    } finally {
      await router.close();
      await ledger.close();
      await fake.close();
    }
  });
});
