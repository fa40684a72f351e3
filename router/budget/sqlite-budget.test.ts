/** What only the SQLite book does: backfilling spend_by_day for a ledger written before budgets existed. */
import { describe, expect, it } from "vitest";
import type { BudgetConfig } from "../config/schema.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { SqliteBudget } from "./sqlite-budget.js";
import { paidRow } from "../../test-support/ledger-rows.js";

const AT = new Date("2026-11-25T12:00:00Z");
const day = (limit: number, extra: Partial<BudgetConfig> = {}): BudgetConfig => ({
  scope: "global",
  period: "day",
  limit_usd: limit,
  on_exceed: "refuse",
  ...extra,
});

describe("SqliteBudget", () => {
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
});
