/**
 * The PostgreSQL ledger next to the SQLite one, in the same `npm run perf` run: routed-request
 * overhead with the ledger on a throwaway local server (group commit on, fsync on), serial and with
 * 64 in flight; and the two ways of making reservations atomic across instances, under contention.
 *
 * Two PostgreSQL durability settings are printed: the server default (synchronous_commit = on: each
 * commit waits for its WAL flush, ~0.1 ms on this disk) and `?synchronous_commit=off` in the URL,
 * which gives the guarantee SQLite's WAL + synchronous=NORMAL gives (a committed row survives the
 * tierlab process dying; an OS or server crash may lose the last fraction of a second).
 */
import { writeTestConfig } from "../test-support/router-fixture.js";
import { findPostgresBin, startPostgresCluster, type PostgresCluster } from "../test-support/postgres-cluster.js";
import { PostgresBudget, type LockStrategy } from "../router/budget/postgres-budget.js";
import type { ReserveDecision } from "../router/budget/contract.js";
import { PostgresLedger } from "../router/ledger/postgres/postgres-ledger.js";
import { ScriptedProvider } from "../router/providers/scripted.js";
import { Router } from "../router/router.js";
import { quantile, type PerfRow } from "./types.js";

const REQ = { action: "classify", prompt: "Fixed auth bug in login flow" };

async function routerOn(url: string) {
  const fx = writeTestConfig();
  const ledger = await PostgresLedger.open({ url, mode: "durable" });
  const instant = new ScriptedProvider([{ reply: "auth" }]);
  const router = new Router({ config: fx.load(), ledger, providers: { providers: { fast: instant, quality: instant, api: instant, api2: instant } } });
  return { router, ledger };
}

async function serial(url: string, n: number): Promise<number[]> {
  const { router, ledger } = await routerOn(url);
  for (let i = 0; i < 2000; i++) await router.route(REQ);
  const lat = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await router.route(REQ);
    lat[i] = (performance.now() - s) * 1000;
  }
  await ledger.close();
  return lat.sort((a, b) => a - b);
}

async function concurrent(url: string, n: number, inFlight: number): Promise<{ rps: number; rows: number }> {
  const { router, ledger } = await routerOn(url);
  for (let i = 0; i < 2000; i++) await router.route(REQ);
  const before = (await ledger.query()).length;
  let left = n;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left-- > 0) await router.route(REQ);
    }),
  );
  const wall = performance.now() - t0;
  const rows = (await ledger.query()).length - before;
  await ledger.close();
  return { rps: n / (wall / 1000), rows };
}

/** 3 books (3 instances' pools) reserving against one global budget, 64 in flight in total. */
async function reservations(url: string, lock: LockStrategy, n: number): Promise<{ rps: number; p99Us: number; retries: number; gaveUp: number }> {
  const ledger = await PostgresLedger.open({ url });
  const budgets = [{ scope: "global" as const, period: "day" as const, limit_usd: 1e9, on_exceed: "refuse" as const }];
  const books = [0, 1, 2].map(() => new PostgresBudget({ ledger, budgets, ttlMs: 60_000, lock }));
  // Reserve, then release as a failed call would: the reservations table holds what is in flight, as in service.
  const one = async (i: number): Promise<ReserveDecision> => {
    const d = await books[i % 3]!.reserve({ action: "classify", tag: undefined, costUsd: 0.001, at: new Date(), requestId: `${lock}-${i}`, attempt: 1 });
    if (d.ok) await d.reservation.release();
    return d;
  };
  for (let i = 0; i < 300; i++) await one(i);
  const lat: number[] = [];
  let next = 0;
  let gaveUp = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        // Under SERIALIZABLE a reservation can lose every retry: counted, as a caller would see it fail.
        const ok = await one(i).then(
          (d) => d.ok,
          () => false,
        );
        if (!ok) gaveUp++;
        lat.push((performance.now() - s) * 1000);
      }
    }),
  );
  const wall = performance.now() - t0;
  const retries = books.reduce((s, b) => s + b.serializationRetries, 0);
  for (const b of books) await b.close();
  await ledger.close();
  return {
    rps: n / (wall / 1000),
    p99Us: quantile(
      lat.sort((a, b) => a - b),
      0.99,
    ),
    retries,
    gaveUp,
  };
}

export async function runPostgresPerf(opts: { requests: number; sqliteDurableP50: number }): Promise<PerfRow[]> {
  if (!findPostgresBin()) return [{ name: "PostgreSQL rows skipped: no initdb/pg_ctl (apt-get install postgresql)", value: 0, unit: "" }];
  let pg: PostgresCluster | undefined;
  try {
    pg = await startPostgresCluster();
    const n = opts.requests;
    const on = await serial(await pg.createDatabase(), n);
    const off = await serial(await pg.createDatabase({ settings: { synchronous_commit: "off" } }), n);
    const conc = await concurrent(await pg.createDatabase(), n * 2, 64);
    const row = await reservations(await pg.createDatabase(), "row", 6000);
    const ser = await reservations(await pg.createDatabase(), "serializable", 6000);
    const limit = 2 * opts.sqliteDurableP50;
    const p50 = (x: number[]) => quantile(x, 0.5);
    return [
      {
        name: "PostgreSQL ledger overhead p50, serial, synchronous_commit=on",
        value: p50(on),
        unit: "µs",
        target: `≤ 2× SQLite durable = ${limit.toFixed(0)}`,
        ok: p50(on) <= limit,
      },
      { name: "PostgreSQL ledger overhead p99, serial, synchronous_commit=on", value: quantile(on, 0.99), unit: "µs" },
      {
        name: "PostgreSQL ledger overhead p50, serial, synchronous_commit=off",
        value: p50(off),
        unit: "µs",
        target: `≤ 2× SQLite durable = ${limit.toFixed(0)}`,
        ok: p50(off) <= limit,
      },
      { name: "PostgreSQL ledger overhead p99, serial, synchronous_commit=off", value: quantile(off, 0.99), unit: "µs" },
      { name: "routed requests/s, 64 in flight, PostgreSQL ledger (group commit)", value: conc.rps, unit: "req/s" },
      { name: "ledger rows committed, PostgreSQL run (must equal requests)", value: conc.rows, unit: "rows", target: `= ${n * 2}`, ok: conc.rows === n * 2 },
      { name: "reserve+release/s, 3 pools × 64 in flight, one budget, row locks", value: row.rps, unit: "res/s" },
      { name: "  … p99 latency, row locks", value: row.p99Us, unit: "µs" },
      { name: "reserve+release/s, same, SERIALIZABLE + retries", value: ser.rps, unit: "res/s" },
      { name: "  … p99 latency, SERIALIZABLE", value: ser.p99Us, unit: "µs" },
      { name: "  … serialization failures retried per reservation", value: ser.retries / 6000, unit: "" },
      { name: "  … reservations failed after 50 retries (row locks: none)", value: ser.gaveUp, unit: "", target: `row locks: ${row.gaveUp}` },
    ];
  } finally {
    pg?.destroy();
  }
}
