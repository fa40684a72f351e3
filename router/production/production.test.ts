/**
 * Shadow checks, feedback and the drift alarm through a real Router on both ledger backends: the
 * shadow call runs after the route returned, the pair lands in `shadow_checks` compared as the
 * graders compare, its spend stays within its own budget, feedback finds the answer's tier, and an
 * alarm raises the threshold within bounds, recorded so the next start applies it again.
 */
import { describe, expect, it, vi } from "vitest";
import { GatedProvider } from "../../test-support/gated-provider.js";
import { ledgerBackends } from "../../test-support/ledger-backends.js";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { ScriptedProvider } from "../providers/scripted.js";
import { Router } from "../router.js";
import { RequestNotFoundError } from "./feedback.js";
import { Production } from "./production.js";

/** A number action answered on LOCAL_FAST (threshold 0.5), checked against API_FALLBACK. */
function numberConfig(extra: (d: Record<string, unknown>) => void = () => undefined) {
  return writeTestConfig((d) => {
    d.actions = { sum: { tier: "LOCAL_FAST", escalate: ["API_FALLBACK"], answer: "number", threshold: 0.5, checks: [{ id: "non_empty" }] } };
    d.shadow = { rate: 1, seed: 7 };
    extra(d);
  });
}

describe.each(ledgerBackends("production tables on PostgreSQL"))("production learning on $name", (backend) => {
  backend.hooks();

  describe.skipIf(!!backend.skip)("cases", () => {
    it("a shadow check runs after the route returned, and stores the pair with the graders' verdict and its cost", async () => {
      const fx = numberConfig();
      const config = fx.load();
      const ledger = await backend.open(config, await backend.fresh(fx.dir));
      const production = await Production.open({ config, ledger });
      const api = new GatedProvider(["Answer: ", "$1,080"], { name: "api" });
      const router = new Router({ config, ledger, production, providers: { providers: { fast: new ScriptedProvider([{ reply: '{"answer": 1080}' }]), api } } });
      const r = await router.route({ action: "sum", prompt: "How much?" });
      // The route is done while the API tier is still held mid-answer: the shadow call is not on its path.
      expect([r.verdict, r.tier]).toEqual(["accepted", "LOCAL_FAST"]);
      await vi.waitFor(() => expect(api.calls).toBe(1));
      expect(await production.store.select("shadow_checks")).toEqual([]);
      api.release();
      await production.drain();
      const [row] = await production.store.select("shadow_checks");
      expect(row).toMatchObject({
        request_id: r.requestId,
        tier: "LOCAL_FAST",
        shadow_tier: "API_FALLBACK",
        shadow_model: "api-model",
        agree: true,
        local_answer: "1080",
        shadow_answer: "1080",
        local_text: null,
      });
      expect(row!.cost_usd).toBeCloseTo(row!.input_tokens! * 3e-6 + row!.output_tokens! * 1.5e-5, 15);
      expect(await production.store.shadowSpendSince(new Date(0))).toBeCloseTo(row!.cost_usd, 15);
      // Shadow spend is its own scope: the ledger's calls (what serving budgets count) have none of it.
      expect(await ledger.spendSince(new Date(0))).toBe(0);
      expect(production.estimates()).toMatchObject([{ action: "sum", tier: "LOCAL_FAST", n: 1, wrong: 0, shadow: 1 }]);
      await router.close();
      await ledger.close();
    });

    it("answers that differ count as a kept wrong answer; an unreadable reference gives no verdict; the budget skips checks it cannot afford", async () => {
      const fx = numberConfig((d) => {
        d.shadow = { rate: 1, seed: 7, budget: { period: "day", limit_usd: 0.00028 } };
        (d.actions as { sum: Record<string, unknown> }).sum.max_tokens = 10;
      });
      const config = fx.load();
      const ledger = await backend.open(config, await backend.fresh(fx.dir));
      const production = await Production.open({ config, ledger });
      const api = new ScriptedProvider([{ match: "one", reply: "Answer: 12" }, { match: "two", reply: "I cannot tell." }, { reply: "Answer: 5" }], {
        name: "api",
      });
      const router = new Router({ config, ledger, production, providers: { providers: { fast: new ScriptedProvider([{ reply: "Answer: 11" }]), api } } });
      for (const prompt of ["one", "two", "three", "four"]) {
        await router.route({ action: "sum", prompt });
        await production.drain();
      }
      const rows = await production.store.select("shadow_checks");
      expect(rows.map((r) => [r.agree, r.local_answer, r.shadow_answer])).toEqual([
        [false, "11", "12"],
        [null, "11", null],
      ]);
      // Worst case per check is ~$0.00023 (10 output tokens): after two checks (~$0.00008 spent) a third would pass $0.00028.
      expect(production.shadow!.stats).toMatchObject({ sampled: 4, checked: 2, skippedBudget: 2 });
      expect(production.estimates()[0]).toMatchObject({ n: 1, wrong: 1 });
      await router.close();
      await ledger.close();
    });

    it("feedback names the tier that answered; an unknown request id is refused with the fix", async () => {
      const fx = numberConfig((d) => (d.shadow = { rate: 0 }));
      const config = fx.load();
      const ledger = await backend.open(config, await backend.fresh(fx.dir));
      const production = await Production.open({ config, ledger });
      const router = new Router({
        config,
        ledger,
        production,
        providers: { providers: { fast: new ScriptedProvider([{ reply: "" }]), api: new ScriptedProvider([{ reply: "Answer: 3" }], { name: "api" }) } },
      });
      const r = await router.route({ action: "sum", prompt: "1+2" });
      expect(r.tier).toBe("API_FALLBACK");
      const row = await production.feedback({ requestId: r.requestId, right: false, note: "it is 4", source: "cli" });
      expect(row).toMatchObject({ action: "sum", tier: "API_FALLBACK", model: "api-model", right: false, note: "it is 4" });
      expect(await production.store.select("feedback", { request_id: r.requestId })).toEqual([row]);
      await expect(production.feedback({ requestId: "nope", right: true, source: "api" })).rejects.toBeInstanceOf(RequestNotFoundError);
      await router.close();
      await ledger.close();
    });

    it("the alarm raises the threshold by one step within bounds, records the change, and a restart applies it", async () => {
      const fx = numberConfig((d) => {
        d.shadow = { rate: 0 };
        d.drift = { window: 50, min_samples: 10, tighten: { enabled: true, step: 0.3, max_threshold: 0.7 } };
      });
      const config = fx.load();
      const where = await backend.fresh(fx.dir);
      const ledger = await backend.open(config, where);
      const alarms: number[] = [];
      const production = await Production.open({ config, ledger, onAlarm: (e, change) => alarms.push(change?.new_threshold ?? -1) });
      const router = new Router({
        config,
        ledger,
        production,
        providers: {
          providers: { fast: new ScriptedProvider([{ reply: "Answer: 7" }]), api: new ScriptedProvider([{ reply: "Answer: 7" }], { name: "api" }) },
        },
      });
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push((await router.route({ action: "sum", prompt: `q${i}` })).requestId);
      // 12 kept answers all judged wrong: the Wilson interval at 12/12 lies far above α = 0.05.
      for (const id of ids) await production.feedback({ requestId: id, right: false, source: "api" });
      await production.drain();
      expect(alarms).toEqual([0.7]);
      expect(router.plan("sum").tiers[0]!.threshold).toBe(0.7);
      // The walk reads the cell's accept rule, not the tier: the raise must reach it.
      expect(router.plan("sum").policy.cells[0]!.rule).toMatchObject({ basis: "self_check", threshold: 0.7 });
      const changes = await production.store.select("threshold_changes");
      expect(changes).toMatchObject([{ action: "sum", tier: "LOCAL_FAST", old_threshold: 0.5, new_threshold: 0.7, samples: 10 }]);
      expect(changes[0]!.error_lower).toBeGreaterThan(0.05);
      // At the bound: the next alarm records nothing more.
      const more: string[] = [];
      for (let i = 0; i < 12; i++) more.push((await router.route({ action: "sum", prompt: `r${i}` })).requestId);
      for (const id of more) await production.feedback({ requestId: id, right: false, source: "api" });
      await production.drain();
      expect(alarms).toEqual([0.7, -1]);
      expect(await production.store.select("threshold_changes")).toHaveLength(1);
      await router.close();
      await ledger.close();
      const again = await backend.open(config, where);
      const restarted = new Router({ config, ledger: again, production: await Production.open({ config, ledger: again }) });
      expect(restarted.plan("sum").tiers[0]!.threshold).toBe(0.7);
      expect(restarted.plan("sum").policy.cells[0]!.rule).toMatchObject({ threshold: 0.7 });
      await restarted.close();
      await again.close();
    });
  });
});

describe("production config", () => {
  it("names a shadow tier that does not exist, or is local, with file and line", () => {
    for (const [tier, says] of [
      ["NOPE", 'unknown tier "NOPE"'],
      ["LOCAL_FAST", 'tier "LOCAL_FAST" is local'],
    ] as const) {
      const fx = writeTestConfig((d) => (d.shadow = { tier }));
      expect(() => fx.load()).toThrow(says);
      try {
        fx.load();
      } catch (err) {
        expect((err as Error).message).toMatch(/router\.yaml:\d+/);
      }
    }
  });
});
