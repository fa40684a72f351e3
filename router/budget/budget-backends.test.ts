/**
 * Budget books on both backends, one table of cases: SQLite (one file) and PostgreSQL (a real
 * server, shared by every instance). Same rules, same figures, same refusals.
 */
import { describe, expect, it } from "vitest";
import { ledgerBackends } from "../../test-support/ledger-backends.js";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import type { BudgetConfig } from "../config/schema.js";
import { BudgetExceededError } from "../../core/errors.js";
import type { LedgerStore } from "../ledger/contract.js";
import { PostgresLedger } from "../ledger/postgres/postgres-ledger.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { ScriptedProvider } from "../providers/scripted.js";
import { summariseUsage } from "../ledger/usage.js";
import { Router } from "../router.js";
import type { BudgetBook, ReserveDecision } from "./contract.js";
import { periodEndUtc, periodStartUtc } from "./period.js";
import { PostgresBudget } from "./postgres-budget.js";
import { SqliteBudget } from "./sqlite-budget.js";
import { paidRow } from "../../test-support/ledger-rows.js";

const AT = new Date("2026-11-25T12:00:00Z"); // a Wednesday
const day = (limit: number, extra: Partial<BudgetConfig> = {}): BudgetConfig => ({
  scope: "global",
  period: "day",
  limit_usd: limit,
  on_exceed: "refuse",
  ...extra,
});

function bookOn(ledger: LedgerStore, budgets: BudgetConfig[], ttlMs: number): BudgetBook {
  if (ledger instanceof SqliteLedger) return new SqliteBudget({ ledger, budgets, ttlMs });
  if (ledger instanceof PostgresLedger) return new PostgresBudget({ ledger, budgets, ttlMs });
  throw new Error("unknown ledger");
}

describe("budget periods (UTC calendar)", () => {
  it("day, ISO week from Monday, month", () => {
    expect(periodStartUtc("day", AT).toISOString()).toBe("2026-11-25T00:00:00.000Z");
    expect(periodStartUtc("week", AT).toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(periodStartUtc("week", new Date("2026-11-29T23:59:59Z")).toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(periodStartUtc("week", new Date("2026-11-30T00:00:00Z")).toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(periodStartUtc("month", AT).toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(periodEndUtc("month", new Date("2026-12-31T23:00:00Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
});

describe.each(ledgerBackends("budget books on PostgreSQL"))("budget book on $name", (backend) => {
  backend.hooks();
  const fx = writeTestConfig();
  const opened: Array<{ close?(): unknown }> = [];
  async function guard(budgets: BudgetConfig[], ttlMs = 60_000) {
    const ledger = await backend.open(fx.load(), await backend.fresh(fx.dir));
    const budget = bookOn(ledger, budgets, ttlMs);
    opened.push(budget, ledger);
    return { ledger, budget };
  }
  const reserve = (
    b: BudgetBook,
    costUsd: number,
    more: { requestId?: string; attempt?: number; at?: Date; action?: string; tag?: string } = {},
  ): Promise<ReserveDecision> =>
    Promise.resolve(
      b.reserve({ action: more.action ?? "classify", tag: more.tag, costUsd, at: more.at ?? AT, requestId: more.requestId, attempt: more.attempt }),
    );
  const status = async (b: BudgetBook, at = AT) => b.status(at);
  const closeAll = async () => {
    for (const o of opened.splice(0)) await o.close?.();
  };

  describe.skipIf(!!backend.skip)("cases", () => {
    it("grants while settled + held + worst case fits, and names the budget and amounts when it does not", async () => {
      const { budget } = await guard([day(1)]);
      expect((await reserve(budget, 0.6)).ok).toBe(true);
      const no = await reserve(budget, 0.5);
      expect(no).toMatchObject({ ok: false, onExceed: "refuse", fitsAfterInFlight: true });
      expect(!no.ok && no.reason).toBe("global day budget of $1.00: $0.00 spent + $0.600 in flight + up to $0.500 for this call would exceed it");
      expect((await reserve(budget, 0.4)).ok).toBe(true); // exactly at the limit is allowed
      await closeAll();
    });

    it("a settled reservation counts its actual cost until its ledger row is committed, then the row counts instead", async () => {
      const { ledger, budget } = await guard([day(1)]);
      const r = await reserve(budget, 0.9, { requestId: "a", attempt: 2 });
      if (!r.ok) throw new Error("refused");
      await r.reservation.settle(0.3);
      expect((await status(budget))[0]).toMatchObject({ spentUsd: 0, heldUsd: 0.3 });
      await ledger.write([paidRow({ requestId: "a", attempt: 2, costUsd: 0.3, at: AT })]);
      expect((await status(budget))[0]).toMatchObject({ spentUsd: 0.3, heldUsd: 0, leftUsd: 0.7 });
      // A row of another attempt of the same request does not release this one.
      const r2 = await reserve(budget, 0.2, { requestId: "a", attempt: 3 });
      await ledger.write([paidRow({ requestId: "a", attempt: 4, costUsd: 0, at: AT })]);
      expect(r2.ok && (await status(budget))[0]!.heldUsd).toBeCloseTo(0.2, 12);
      await closeAll();
    });

    it("release frees the headroom; settle(0) too; settle after release is ignored", async () => {
      const { budget } = await guard([day(1)]);
      const r = await reserve(budget, 1);
      if (!r.ok) throw new Error("refused");
      await r.reservation.release();
      await r.reservation.settle(1);
      expect((await status(budget))[0]!.heldUsd).toBe(0);
      const z = await reserve(budget, 1);
      if (z.ok) await z.reservation.settle(0);
      expect((await status(budget))[0]!.heldUsd).toBe(0);
      await closeAll();
    });

    it("open reservations of a crashed process expire after the TTL; settled ones count until the period ends", async () => {
      const { budget } = await guard([day(1)], 1000);
      await reserve(budget, 0.5); // never settled: its process died mid-call
      const s = await reserve(budget, 0.3);
      if (s.ok) await s.reservation.settle(0.3); // settled, but the ledger row was never written
      // Only the settled part stands in the way for sure: the refusal says in-flight calls may free the rest.
      expect(await reserve(budget, 0.5)).toMatchObject({ ok: false, fitsAfterInFlight: true });
      expect(await reserve(budget, 0.8)).toMatchObject({ ok: false, fitsAfterInFlight: false });
      const later = new Date(AT.getTime() + 1000);
      expect((await status(budget, later))[0]!.heldUsd).toBeCloseTo(0.3, 12);
      expect((await reserve(budget, 0.7, { at: later })).ok).toBe(true);
      expect((await status(budget, new Date("2026-11-26T00:00:00Z")))[0]!.heldUsd).toBe(0);
      await closeAll();
    });

    it("scopes: action and tag budgets only see their own spend; the refusing budget wins over a degrading one", async () => {
      const { ledger, budget } = await guard([
        day(10, { on_exceed: "degrade" }),
        day(1, { scope: "action", key: "summarise" }),
        day(0.5, { scope: "tag", key: "ci", on_exceed: "degrade" }),
      ]);
      await ledger.write([paidRow({ requestId: "x", costUsd: 0.9, at: AT, action: "classify" })]);
      expect((await reserve(budget, 0.9, { action: "summarise" })).ok).toBe(true);
      expect(await reserve(budget, 0.2, { action: "summarise" })).toMatchObject({ ok: false, onExceed: "refuse" });
      const tagged = await reserve(budget, 0.6, { action: "classify", tag: "ci" });
      expect(tagged).toMatchObject({ ok: false, onExceed: "degrade" });
      expect(!tagged.ok && tagged.reason).toMatch(/^tag "ci" day budget of \$0\.500/);
      expect((await reserve(budget, 0.6, { action: "classify", tag: "other" })).ok).toBe(true);
      await closeAll();
    });

    it("spend from yesterday and from last month does not count today", async () => {
      const { ledger, budget } = await guard([day(1), { scope: "global", period: "month", limit_usd: 3, on_exceed: "refuse" }]);
      await ledger.write([
        paidRow({ requestId: "y", costUsd: 0.9, at: new Date("2026-11-24T23:59:59Z") }),
        paidRow({ requestId: "o", costUsd: 5, at: new Date("2026-10-31T12:00:00Z") }),
      ]);
      expect((await status(budget)).map((s) => s.spentUsd)).toEqual([0, 0.9]);
      expect((await reserve(budget, 1)).ok).toBe(true);
      await closeAll();
    });

    it("two books on one ledger (two instances) share the headroom", async () => {
      const { ledger, budget } = await guard([day(1)]);
      const other = bookOn(ledger, [day(1)], 60_000);
      opened.push(other);
      const grants = await Promise.all(Array.from({ length: 20 }, (_, i) => reserve(i % 2 ? other : budget, 0.1, { requestId: `r${i}`, attempt: 1 })));
      expect(grants.filter((g) => g.ok)).toHaveLength(10);
      expect((await status(other))[0]).toMatchObject({
        heldUsd: expect.closeTo(1, 9) as unknown as number,
        leftUsd: expect.closeTo(0, 9) as unknown as number,
      });
      await closeAll();
    });
  });

  describe.skipIf(!!backend.skip)("through the Router", () => {
    function paidConfig(budgets: BudgetConfig[]) {
      return writeTestConfig((d) => {
        d.budgets = budgets;
        (d.actions as Record<string, unknown>).paid = { tier: "API_FALLBACK", escalate: [], checks: [{ id: "non_empty" }] };
      });
    }
    // 60 words out; input ~10 words: actual ≈ $0.00093 per call against a worst case of ≈ $0.0013.
    const LONG = Array.from({ length: 60 }, (_, i) => `w${i}`).join(" ");

    it("100 concurrent requests against a tight budget: committed spend never exceeds the limit and ends within one worst case of it", async () => {
      const limit = 0.02;
      const cfg = paidConfig([{ scope: "global", period: "day", limit_usd: limit, on_exceed: "refuse" }]);
      const config = cfg.load();
      const ledger = await backend.open(config, await backend.fresh(cfg.dir));
      const api = new ScriptedProvider([{ reply: LONG, delayMs: 5 }], { name: "api" });
      const router = new Router({ config, ledger, providers: { providers: { api, api2: api } } });
      const outcomes = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => router.route({ action: "paid", prompt: `request ${i}`, maxTokens: 64 })));
      const refused = outcomes.filter((o) => o.status === "rejected" && o.reason instanceof BudgetExceededError).length;
      const ok = outcomes.filter((o) => o.status === "fulfilled").length;
      expect(ok + refused).toBe(100);
      expect(refused).toBeGreaterThan(50);
      const spent = await ledger.spendSince(new Date(0));
      expect(spent).toBeLessThanOrEqual(limit);
      // Refusals wait for in-flight calls instead of degrading early: the budget is used to within one worst case (≈ $0.0013).
      expect(spent).toBeGreaterThan(limit - 0.0013);
      process.stdout.write(`[budget ${backend.name}] 100 concurrent: ${ok} answered, ${refused} refused, spent $${spent.toFixed(6)} of $${limit}\n`);
      // Everything is handed over to the ledger: nothing is still held.
      expect((await router.budget!.status(new Date()))[0]).toMatchObject({ heldUsd: 0 });
      await router.close();
      await ledger.close();
    });

    it("degrade skips the paid tier with a skipped attempt carrying the budget's reason; refuse exits with code 4", async () => {
      const cfg = writeTestConfig((d) => (d.budgets = [{ scope: "global", period: "day", limit_usd: 0.000001, on_exceed: "degrade" }]));
      const config = cfg.load();
      const ledger = await backend.open(config, await backend.fresh(cfg.dir));
      const nope = new ScriptedProvider([{ reply: "nope" }]);
      const router = new Router({ config, ledger, providers: { providers: { fast: nope, quality: nope, api: nope, api2: nope } } });
      const r = await router.route({ action: "classify", prompt: "x" });
      expect(r.verdict).toBe("best_effort");
      expect(r.attempts.slice(2).map((a) => [a.verdict, a.error?.class])).toEqual([
        ["skipped", "BudgetExceededError"],
        ["skipped", "BudgetExceededError"],
      ]);
      expect(r.attempts[2]!.error!.message).toMatch(/^global day budget of \$0\.0000010: .* degraded to local tiers$/);
      expect(new BudgetExceededError({ message: "x" }).exitCode).toBe(4);
      await router.close();
      await ledger.close();
    });

    it("a refusal leaves a ledger row as a degrade does, so `usage` shows it", async () => {
      const cfg = writeTestConfig((d) => (d.budgets = [{ scope: "global", period: "day", limit_usd: 0.000001, on_exceed: "refuse" }]));
      const config = cfg.load();
      const ledger = await backend.open(config, await backend.fresh(cfg.dir));
      const nope = new ScriptedProvider([{ reply: "nope" }]);
      const router = new Router({ config, ledger, providers: { providers: { fast: nope, quality: nope, api: nope, api2: nope } } });
      const err = await router.route({ action: "classify", prompt: "x", tag: "ci" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BudgetExceededError);
      const rows = await ledger.query();
      expect(rows.map((r) => [r.tier, r.model, r.verdict, r.error_class, r.cost_usd, r.tag])).toEqual([
        ["LOCAL_FAST", "fast-a", "rejected", null, 0, "ci"],
        ["LOCAL_QUALITY", "quality-a", "rejected", null, 0, "ci"],
        ["API_FALLBACK", "api-model", "skipped", "BudgetExceededError", 0, "ci"],
      ]);
      expect(new Set(rows.map((r) => r.request_id)).size).toBe(1);
      const summary = summariseUsage(rows, { since: new Date(0), until: new Date(Date.now() + 1000) }, new Set(["LOCAL_FAST", "LOCAL_QUALITY"]));
      expect(summary.errorsByClass).toEqual({ BudgetExceededError: 1 });
      await router.close();
      await ledger.close();
    });
  });
});
