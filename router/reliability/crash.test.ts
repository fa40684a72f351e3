/**
 * Crash safety: a router process under load is killed with SIGKILL. Every request it reported
 * complete must be in the ledger with all its attempts, SQLite's integrity check must pass, and a
 * new process must route on the same ledger and budget straight away.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { SqliteBudget } from "../budget/sqlite-budget.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { Router } from "../router.js";
import { spawnChild } from "../../test-support/spawn-child.js";

describe("kill -9 under load", () => {
  it("every request reported complete is in the ledger, integrity ok, and a restart routes at once", async () => {
    const fx = writeTestConfig((d) => {
      d.providers = {
        fast: {
          kind: "scripted",
          script: [
            { match: "auth", reply: "auth", delay_ms: 1 },
            { reply: "not sure", delay_ms: 1 },
          ],
        },
        quality: { kind: "scripted", script: [{ reply: "maybe", delay_ms: 2 }] },
        api: { kind: "scripted", script: [{ reply: "docs", delay_ms: 3 }] },
        api2: { kind: "scripted", script: [{ reply: "docs" }] },
      };
      d.budgets = [{ scope: "global", period: "day", limit_usd: 100, on_exceed: "refuse" }];
    });
    const ledgerPath = join(fx.dir, "ledger.sqlite");
    const child = spawnChild("loop", { config: fx.file, ledger: ledgerPath, concurrency: 16 });
    // Kill once the child is well into its stride, in the middle of whatever it is writing.
    await child.waitFor((_l, all) => all.length >= 400, 40_000);
    child.proc.kill("SIGKILL");
    const exit = await child.exited;
    expect(exit.signal).toBe("SIGKILL");
    const reported = [...child.lines];

    const ledger = new SqliteLedger(ledgerPath);
    try {
      expect(ledger.integrityCheck()).toBe("ok");
      const rows = ledger.db.prepare("SELECT request_id, COUNT(*) AS n, MAX(attempt) AS last FROM calls GROUP BY request_id").all() as {
        request_id: string;
        n: number;
        last: number;
      }[];
      const byId = new Map(rows.map((r) => [r.request_id, r]));
      const missing = reported.filter((id) => !byId.has(id));
      expect(missing).toEqual([]);
      // Whole requests, not parts: attempts 1..n all present for every reported request.
      for (const id of reported) expect(byId.get(id)!.n).toBe(byId.get(id)!.last);
      const paid = ledger.db.prepare("SELECT COUNT(*) AS n FROM calls WHERE tier = 'API_FALLBACK'").get() as { n: number };
      expect(paid.n).toBeGreaterThan(0);
      process.stdout.write(
        `[crash] killed after ${reported.length} reported requests; ledger holds ${rows.length} requests, ${paid.n} paid attempts; integrity ok\n`,
      );

      // Restart: the same ledger and budget work at once; reservations the dead process left open expire.
      const config = fx.load();
      const router = new Router({ config, ledger });
      const r = await router.route({ action: "classify", prompt: "Fixed auth bug" });
      expect(r.verdict).toBe("accepted");
      const later = new Date(Date.now() + config.data.defaults.deadline_ms + 120_000);
      const status = new SqliteBudget({
        ledger,
        budgets: config.data.budgets,
        ttlMs: Math.max(config.data.defaults.timeout_ms, config.data.defaults.deadline_ms) + 60_000,
      }).status(later);
      const settledLeft = ledger.db
        .prepare(
          "SELECT COALESCE(SUM(settled_usd), 0) AS s FROM reservations r WHERE settled_usd IS NOT NULL AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.request_id = r.request_id AND c.attempt = r.attempt)",
        )
        .get() as { s: number };
      // Only settled-but-unrecorded spend (the dead process's last instants) is still held.
      expect(status[0]!.heldUsd).toBeCloseTo(settledLeft.s, 12);
      await router.close();
    } finally {
      ledger.close();
    }
  }, 60_000);
});
