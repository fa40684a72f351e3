/**
 * The shared test table for ledger and budget readers: the same cases run on SQLite and on a real
 * PostgreSQL (a throwaway cluster per test file, a fresh database per case).
 *
 *   describe.each(ledgerBackends())("$name ledger", (backend) => {
 *     backend.hooks();                                  // starts / stops the cluster for this file
 *     it("...", async () => {
 *       const where = await backend.fresh(dir);         // a file path or a postgres:// URL
 *       const ledger = await backend.open(config, where);
 *     });
 *   });
 *
 * Where no PostgreSQL binaries exist the PostgreSQL rows skip with a printed reason, unless
 * TIERLAB_REQUIRE_POSTGRES=1 (CI), where they fail.
 */
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { RouterConfig } from "../router/config/load.js";
import type { LedgerStore } from "../router/ledger/contract.js";
import { openLedgerStore } from "../router/ledger/open-ledger.js";
import { postgresSkipReason, startPostgresCluster, type PostgresCluster } from "./postgres-cluster.js";

export interface LedgerBackendFixture {
  name: "sqlite" | "postgres";
  /** Set when this backend cannot run here; use with `describe.skipIf`. */
  skip: string | undefined;
  /** Registers beforeAll/afterAll for the server, if any. */
  hooks(): void;
  /** A new, empty ledger: a file in `dir` or a new database. */
  fresh(dir: string): Promise<string>;
  /** The ledger at `where`, opened the way the CLI opens it (migrations run for PostgreSQL). */
  open(config: RouterConfig, where: string, opts?: { readonly?: boolean }): Promise<LedgerStore>;
  /** The running cluster (PostgreSQL only), for outage tests. */
  cluster(): PostgresCluster;
}

let files = 0;

export function ledgerBackends(what = "ledger backend tests"): LedgerBackendFixture[] {
  const open = async (config: RouterConfig, where: string, opts: { readonly?: boolean } = {}) => {
    const store = await openLedgerStore(config, { override: where, readonly: opts.readonly, env: {} });
    if (!store) throw new Error(`no ledger at ${where}`);
    return store;
  };
  const sqlite: LedgerBackendFixture = {
    name: "sqlite",
    skip: undefined,
    hooks: () => undefined,
    fresh: async (dir) => join(dir, `ledger-${files++}.sqlite`),
    open,
    cluster: () => {
      throw new Error("no cluster behind the SQLite backend");
    },
  };
  let pg: PostgresCluster | undefined;
  const skip = postgresSkipReason(what);
  const postgres: LedgerBackendFixture = {
    name: "postgres",
    skip,
    hooks() {
      if (skip) return;
      // fsync off: CREATE DATABASE per case checkpoints, which costs ~0.3 s with it on. Commit
      // semantics are unchanged; only an OS crash could lose data, and this cluster is thrown away.
      beforeAll(async () => void (pg = await startPostgresCluster({ settings: { fsync: "off" } })), 60_000);
      afterAll(() => pg?.destroy());
    },
    fresh: () => pg!.createDatabase(),
    open,
    cluster: () => pg!,
  };
  return [sqlite, postgres];
}
