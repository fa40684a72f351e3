/**
 * The PostgreSQL ledger while its server is away, in one process: `when_down: fail` refuses at once
 * with LedgerUnavailableError, `degrade` answers from the local tiers; either way no paid call is
 * made, rows already owed are kept and committed when the server is back, and a newer schema is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresSkipReason, startPostgresCluster, type PostgresCluster } from "../../../test-support/postgres-cluster.js";
import { writeTestConfig } from "../../../test-support/router-fixture.js";
import { ConfigError, LedgerUnavailableError } from "../../../core/errors.js";
import { ScriptedProvider } from "../../providers/scripted.js";
import { Router } from "../../router.js";
import { openLedgerStore } from "../open-ledger.js";
import { SCHEMA_VERSION } from "./migrate.js";
import { PostgresLedger } from "./postgres-ledger.js";

const skip = postgresSkipReason("PostgreSQL ledger outage");
let pg: PostgresCluster;
beforeAll(async () => void (skip || (pg = await startPostgresCluster({ settings: { fsync: "off" } }))), 60_000);
afterAll(() => pg?.destroy());

/** The client reconnects on its own within its 0.5 s backoff of the server's return. */
async function flushWhenBack(ledger: PostgresLedger): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await ledger.flush();
    } catch (err) {
      if (!(err instanceof LedgerUnavailableError) || i >= 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function setup(whenDown: "fail" | "degrade") {
  const fx = writeTestConfig((d) => {
    d.ledger = { path: "unused.sqlite", when_down: whenDown };
    d.budgets = [{ scope: "global", period: "day", limit_usd: 10, on_exceed: "refuse" }];
  });
  const config = fx.load();
  const ledger = await openLedgerStore(config, { override: await pg.createDatabase(), env: {} });
  const nope = new ScriptedProvider([{ reply: "nope" }]);
  const api = new ScriptedProvider([{ reply: "auth" }], { name: "api" });
  const router = new Router({ config, ledger, providers: { providers: { fast: nope, quality: nope, api, api2: api } }, sleep: async () => {} });
  return { router, ledger: ledger as PostgresLedger, api };
}

describe.skipIf(!!skip)("PostgreSQL ledger with its server away", () => {
  it("fail: paid calls are refused fast with LedgerUnavailableError; owed rows are written on return", async () => {
    const { router, ledger, api } = await setup("fail");
    await router.route({ action: "classify", prompt: "first" }); // escalates to the paid tier: reservation + rows
    expect(api.calls).toBe(1);
    await pg.stop();
    try {
      const t = performance.now();
      const err = await router.route({ action: "classify", prompt: "second" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LedgerUnavailableError);
      expect((err as LedgerUnavailableError).describe()).toMatch(
        /the ledger database postgres:\/\/tierlab@127\.0\.0\.1:\d+\/\S+ is unreachable .*\n {2}fix: check that PostgreSQL is running/,
      );
      expect(performance.now() - t).toBeLessThan(2000);
      expect(api.calls).toBe(1);
      // The local attempts of that request are owed to the ledger: kept until the server returns.
      expect(ledger.unwritten).toBe(2);
    } finally {
      await pg.start();
    }
    await flushWhenBack(ledger);
    const rows = await ledger.query();
    expect(rows.map((r) => r.verdict)).toEqual(["rejected", "rejected", "accepted", "rejected", "rejected"]);
    expect((await router.route({ action: "classify", prompt: "third" })).tier).toBe("API_FALLBACK");
    await router.close();
    await ledger.close();
  });

  it("degrade: local tiers answer, paid tiers are skipped with the reason, rows are committed when it is back", async () => {
    const { router, ledger, api } = await setup("degrade");
    await pg.stop();
    let r;
    try {
      r = await router.route({ action: "classify", prompt: "while down" });
    } finally {
      await pg.start();
    }
    expect(r.verdict).toBe("best_effort");
    expect(api.calls).toBe(0);
    expect(r.attempts.filter((a) => a.verdict === "skipped").map((a) => a.error?.message)).toEqual([
      expect.stringMatching(/is unreachable, so no paid call can reserve its cost \(ledger\.when_down: degrade\): degraded to local tiers$/),
      expect.stringMatching(/degraded to local tiers$/),
    ]);
    await flushWhenBack(ledger);
    expect(await ledger.query()).toHaveLength(r.attempts.length);
    await router.close();
    await ledger.close();
  });

  it("a database at a newer schema version is refused with what to do", async () => {
    const url = await pg.createDatabase();
    const first = await PostgresLedger.open({ url });
    await first.sql`INSERT INTO tierlab_schema (version, name) VALUES (${SCHEMA_VERSION + 1}, 'from_the_future')`;
    await first.close();
    for (const readonly of [false, true]) {
      const err = await PostgresLedger.open({ url, readonly }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).describe()).toMatch(
        new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this tierlab knows \\(up to ${SCHEMA_VERSION}\\)\\n  fix: run the same tierlab version`),
      );
    }
  });

  it("instances starting together migrate once; a second start changes nothing", async () => {
    const url = await pg.createDatabase();
    const ledgers = await Promise.all([0, 1, 2].map(() => PostgresLedger.open({ url })));
    const [v] = await ledgers[0]!.sql<{ n: number; max: number }[]>`SELECT COUNT(*)::int AS n, MAX(version) AS max FROM tierlab_schema`;
    expect(v).toEqual({ n: SCHEMA_VERSION, max: SCHEMA_VERSION });
    for (const l of ledgers) await l.close();
  });
});
