/**
 * Two router processes share one SQLite ledger and one tight budget, each routing 50 paid requests
 * with 10 workers each: the settled spend in the ledger never exceeds the limit.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { spawnChild } from "../../test-support/spawn-child.js";

const LIMIT = 0.02;
const PER_PROCESS = 50;

describe("budget shared by two processes", () => {
  it(`2 processes × ${PER_PROCESS} paid requests against a $${LIMIT} day budget: settled spend ≤ limit`, async () => {
    const reply = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
    const fx = writeTestConfig((d) => {
      d.providers = {
        fast: { kind: "scripted" },
        quality: { kind: "scripted" },
        api: { kind: "scripted", script: [{ reply, delay_ms: 20 }] },
        api2: { kind: "scripted", script: [{ reply, delay_ms: 20 }] },
      };
      (d.actions as Record<string, unknown>).paid = { tier: "API_FALLBACK", escalate: [], checks: [{ id: "non_empty" }] };
      d.budgets = [{ scope: "global", period: "day", limit_usd: LIMIT, on_exceed: "refuse" }];
    });
    const ledgerPath = join(fx.dir, "ledger.sqlite");
    // Created up front so both children open an existing WAL database.
    new SqliteLedger(ledgerPath).close();
    const children = [0, 1].map(() => spawnChild("budget", { config: fx.file, ledger: ledgerPath, action: "paid", requests: PER_PROCESS }));
    await Promise.all(children.map((c) => c.waitFor((l) => l === "ready", 40_000)));
    for (const c of children) c.proc.stdin!.write("go\n");
    await Promise.all(children.map((c) => c.waitFor((l) => l.startsWith("{"), 40_000)));
    await Promise.all(children.map((c) => c.exited));
    const results = children.map((c) => JSON.parse(c.lines.find((l) => l.startsWith("{"))!) as { answered: number; refused: number; other: string[] });

    const ledger = new SqliteLedger(ledgerPath, { readonly: true });
    try {
      const spent = ledger.spendSince(new Date(0));
      const perPid = ledger.db.prepare("SELECT COUNT(DISTINCT request_id) AS n FROM calls WHERE verdict = 'accepted'").get() as { n: number };
      process.stdout.write(
        `[budget-2p] answered ${results.map((r) => r.answered).join(" + ")}, refused ${results.map((r) => r.refused).join(" + ")}; settled spend $${spent.toFixed(6)} of $${LIMIT}\n`,
      );
      for (const r of results) {
        expect(r.other).toEqual([]);
        expect(r.answered + r.refused).toBe(PER_PROCESS);
      }
      // Either process alone could spend 50 × ~$0.0009 ≈ 2.3 × the limit: the cap holds only because they share it.
      expect(perPid.n).toBe(results[0]!.answered + results[1]!.answered);
      expect(spent).toBeLessThanOrEqual(LIMIT);
      expect(spent).toBeGreaterThan(LIMIT / 2);
      expect(ledger.integrityCheck()).toBe("ok");
    } finally {
      ledger.close();
    }
  }, 60_000);
});
