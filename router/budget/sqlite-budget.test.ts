import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import type { BudgetConfig } from "../config/schema.js";
import { BudgetExceededError } from "../errors.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { ScriptedProvider } from "../providers/scripted.js";
import { Router } from "../router.js";
import { periodEndUtc, periodStartUtc } from "./period.js";
import { SqliteBudget } from "./sqlite-budget.js";
import { paidRow } from "./test-rows.js";

const AT = new Date("2026-11-25T12:00:00Z"); // a Wednesday
const day = (limit: number, extra: Partial<BudgetConfig> = {}): BudgetConfig => ({ scope: "global", period: "day", limit_usd: limit, on_exceed: "refuse", ...extra });

function guard(budgets: BudgetConfig[], ttlMs = 60_000) {
  const ledger = new SqliteLedger(":memory:");
  return { ledger, budget: new SqliteBudget({ ledger, budgets, ttlMs }) };
}

const reserve = (b: SqliteBudget, costUsd: number, more: { requestId?: string; attempt?: number; at?: Date; action?: string; tag?: string } = {}) =>
  b.reserve({ action: more.action ?? "classify", tag: more.tag, costUsd, at: more.at ?? AT, requestId: more.requestId, attempt: more.attempt });

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

describe("SqliteBudget", () => {
  it("grants while settled + held + worst case fits, and names the budget and amounts when it does not", () => {
    const { budget } = guard([day(1)]);
    expect(reserve(budget, 0.6).ok).toBe(true);
    const no = reserve(budget, 0.5);
    expect(no).toMatchObject({ ok: false, onExceed: "refuse" });
    expect(!no.ok && no.reason).toBe("global day budget of $1.00: $0.000000 spent + $0.60 in flight + up to $0.50 for this call would exceed it");
    expect(reserve(budget, 0.4).ok).toBe(true); // exactly at the limit is allowed
  });

  it("a settled reservation counts its actual cost until its ledger row is committed, then the row counts instead", () => {
    const { ledger, budget } = guard([day(1)]);
    const r = reserve(budget, 0.9, { requestId: "a", attempt: 2 });
    if (!r.ok) throw new Error("refused");
    r.reservation.settle(0.3);
    expect(budget.status(AT)[0]).toMatchObject({ spentUsd: 0, heldUsd: 0.3 });
    ledger.writeNow([paidRow({ requestId: "a", attempt: 2, costUsd: 0.3, at: AT })]);
    expect(budget.status(AT)[0]).toMatchObject({ spentUsd: 0.3, heldUsd: 0, leftUsd: 0.7 });
    // A row of another attempt of the same request does not release this one.
    const r2 = reserve(budget, 0.2, { requestId: "a", attempt: 3 });
    ledger.writeNow([paidRow({ requestId: "a", attempt: 4, costUsd: 0, at: AT })]);
    expect(r2.ok && budget.status(AT)[0]!.heldUsd).toBeCloseTo(0.2, 12);
  });

  it("release frees the headroom; settle(0) too; settle after release is ignored", () => {
    const { budget } = guard([day(1)]);
    const r = reserve(budget, 1);
    if (!r.ok) throw new Error("refused");
    r.reservation.release();
    r.reservation.settle(1);
    expect(budget.status(AT)[0]!.heldUsd).toBe(0);
    const z = reserve(budget, 1);
    if (z.ok) z.reservation.settle(0);
    expect(budget.status(AT)[0]!.heldUsd).toBe(0);
  });

  it("open reservations of a crashed process expire after the TTL; settled ones count until the period ends", () => {
    const { budget } = guard([day(1)], 1000);
    reserve(budget, 0.5); // never settled: its process died mid-call
    const s = reserve(budget, 0.3);
    if (s.ok) s.reservation.settle(0.3); // settled, but the ledger row was never written
    const later = new Date(AT.getTime() + 1000);
    expect(budget.status(later)[0]!.heldUsd).toBeCloseTo(0.3, 12);
    expect(reserve(budget, 0.7, { at: later }).ok).toBe(true);
    expect(budget.status(new Date("2026-11-26T00:00:00Z"))[0]!.heldUsd).toBe(0);
  });

  it("scopes: action and tag budgets only see their own spend; the refusing budget wins over a degrading one", () => {
    const { ledger, budget } = guard([day(10, { on_exceed: "degrade" }), day(1, { scope: "action", key: "summarise" }), day(0.5, { scope: "tag", key: "ci", on_exceed: "degrade" })]);
    ledger.writeNow([paidRow({ requestId: "x", costUsd: 0.9, at: AT, action: "classify" })]);
    expect(reserve(budget, 0.9, { action: "summarise" }).ok).toBe(true);
    expect(reserve(budget, 0.2, { action: "summarise" })).toMatchObject({ ok: false, onExceed: "refuse" });
    const tagged = reserve(budget, 0.6, { action: "classify", tag: "ci" });
    expect(tagged).toMatchObject({ ok: false, onExceed: "degrade" });
    expect(!tagged.ok && tagged.reason).toMatch(/^tag "ci" day budget of \$0\.50/);
    expect(reserve(budget, 0.6, { action: "classify", tag: "other" }).ok).toBe(true);
  });

  it("spend already in a ledger is counted from the first use (backfilled once, under the write lock); deleted rows stop counting", () => {
    const ledger = new SqliteLedger(":memory:");
    ledger.writeNow([paidRow({ requestId: "old", costUsd: 0.25, at: AT, tag: "ci" }), paidRow({ requestId: "free", costUsd: 0, at: AT })]);
    const budgets = [day(1), day(1, { scope: "tag", key: "ci" })];
    expect(new SqliteBudget({ ledger, budgets, ttlMs: 1 }).status(AT).map((s) => s.spentUsd)).toEqual([0.25, 0.25]);
    // A second guard on the same file (another process) must not add the history again.
    const again = new SqliteBudget({ ledger, budgets, ttlMs: 1 });
    expect(again.status(AT)[0]!.spentUsd).toBe(0.25);
    ledger.db.prepare("DELETE FROM calls WHERE request_id = 'old'").run();
    expect(again.status(AT)[0]!.spentUsd).toBe(0);
  });

  it("spend from yesterday and from last month does not count today", () => {
    const { ledger, budget } = guard([day(1), { scope: "global", period: "month", limit_usd: 3, on_exceed: "refuse" }]);
    ledger.writeNow([paidRow({ requestId: "y", costUsd: 0.9, at: new Date("2026-11-24T23:59:59Z") }), paidRow({ requestId: "o", costUsd: 5, at: new Date("2026-10-31T12:00:00Z") })]);
    expect(budget.status(AT).map((s) => s.spentUsd)).toEqual([0, 0.9]);
    expect(reserve(budget, 1).ok).toBe(true);
  });
});

describe("budgets through the Router", () => {
  function paidConfig(budgets: BudgetConfig[]) {
    return writeTestConfig((d) => {
      d.budgets = budgets;
      (d.actions as Record<string, unknown>).paid = { tier: "API_FALLBACK", escalate: [], checks: [{ id: "non_empty" }] };
    });
  }
  // 60 words out; input ~10 words: actual ≈ $0.00093 per call against a worst case of ≈ $0.0013.
  const LONG = Array.from({ length: 60 }, (_, i) => `w${i}`).join(" ");

  it("100 concurrent requests against a tight budget: committed spend never exceeds the limit", async () => {
    const limit = 0.02;
    const fx = paidConfig([{ scope: "global", period: "day", limit_usd: limit, on_exceed: "refuse" }]);
    const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
    const api = new ScriptedProvider([{ reply: LONG, delayMs: 5 }], { name: "api" });
    const router = new Router({ config: fx.load(), ledger, providers: { providers: { api, api2: api } } });
    const outcomes = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => router.route({ action: "paid", prompt: `request ${i}`, maxTokens: 64 })));
    const refused = outcomes.filter((o) => o.status === "rejected" && o.reason instanceof BudgetExceededError).length;
    const ok = outcomes.filter((o) => o.status === "fulfilled").length;
    expect(ok + refused).toBe(100);
    expect(refused).toBeGreaterThan(50);
    const spent = ledger.spendSince(new Date(0));
    expect(spent).toBeLessThanOrEqual(limit);
    expect(spent).toBeGreaterThan(limit * 0.5);
    process.stdout.write(`[budget] 100 concurrent: ${ok} answered, ${refused} refused, spent $${spent.toFixed(6)} of $${limit}\n`);
    // Everything is handed over to the ledger: nothing is still held.
    expect(new SqliteBudget({ ledger, budgets: fx.load().data.budgets, ttlMs: 1 }).status(new Date())[0]).toMatchObject({ heldUsd: 0 });
    ledger.close();
  });

  it("degrade skips the paid tier with a skipped attempt carrying the budget's reason; refuse exits with code 4", async () => {
    const fx = writeTestConfig((d) => (d.budgets = [{ scope: "global", period: "day", limit_usd: 0.000001, on_exceed: "degrade" }]));
    const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
    const nope = new ScriptedProvider([{ reply: "nope" }]);
    const router = new Router({ config: fx.load(), ledger, providers: { providers: { fast: nope, quality: nope, api: nope, api2: nope } } });
    const r = await router.route({ action: "classify", prompt: "x" });
    expect(r.verdict).toBe("best_effort");
    expect(r.attempts.slice(2).map((a) => [a.verdict, a.error?.class])).toEqual([["skipped", "BudgetExceededError"], ["skipped", "BudgetExceededError"]]);
    expect(r.attempts[2]!.error!.message).toMatch(/^global day budget of \$0\.000001: .* degraded to local tiers$/);
    expect(new BudgetExceededError({ message: "x" }).exitCode).toBe(4);
    ledger.close();
  });
});
