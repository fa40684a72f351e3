/**
 * Router overhead per request with an instant in-process provider, quality checks and the SQLite
 * ledger on: what tierlab adds on top of the model call. Measured serially (latency: each request
 * waits for its own durable commit) and with 64 requests in flight (throughput: requests finishing
 * in the same event-loop turn share one group commit). Same process, one core. The PostgreSQL
 * ledger's rows follow (postgres-perf.ts), judged against the SQLite durable figure of this run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTestConfig } from "../test-support/router-fixture.js";
import { SqliteLedger } from "../router/ledger/sqlite-ledger.js";
import { ScriptedProvider } from "../router/providers/scripted.js";
import { Router } from "../router/router.js";
import { runPostgresPerf } from "./postgres-perf.js";
import { quantile, type PerfRow } from "./types.js";

function makeRouter(withLedger: boolean, mode: "durable" | "batched" = "durable") {
  const fx = writeTestConfig();
  const dir = mkdtempSync(join(tmpdir(), "tierlab-perf-"));
  const ledger = withLedger ? new SqliteLedger(join(dir, "ledger.sqlite"), { mode }) : undefined;
  const instant = new ScriptedProvider([{ reply: "auth" }]);
  const router = new Router({ config: fx.load(), ledger, providers: { providers: { fast: instant, quality: instant, api: instant, api2: instant } } });
  return {
    router,
    ledger,
    cleanup: () => {
      ledger?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const REQ = { action: "classify", prompt: "Fixed auth bug in login flow" };

async function serial(withLedger: boolean, n: number, mode: "durable" | "batched" = "durable"): Promise<number[]> {
  const { router, cleanup } = makeRouter(withLedger, mode);
  for (let i = 0; i < 3000; i++) await router.route(REQ);
  const lat = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await router.route(REQ);
    lat[i] = (performance.now() - s) * 1000;
  }
  cleanup();
  return lat.sort((a, b) => a - b);
}

async function concurrent(n: number, inFlight: number, mode: "durable" | "batched"): Promise<{ rps: number; rows: number }> {
  const { router, ledger, cleanup } = makeRouter(true, mode);
  for (let i = 0; i < 3000; i++) await router.route(REQ);
  ledger!.flushNow();
  const before = ledger!.query().length;
  let left = n;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left-- > 0) await router.route(REQ);
    }),
  );
  const wall = performance.now() - t0;
  ledger!.flushNow();
  const rows = ledger!.query().length - before;
  cleanup();
  return { rps: n / (wall / 1000), rows };
}

export async function runRouterPerf(opts: { requests?: number } = {}): Promise<PerfRow[]> {
  const n = opts.requests ?? 30_000;
  const bare = await serial(false, n);
  const durable = await serial(true, n);
  const batched = await serial(true, n, "batched");
  const conc = await concurrent(n * 2, 64, "durable");
  const concBatched = await concurrent(n * 2, 64, "batched");
  const p50 = quantile(durable, 0.5);
  const p99 = quantile(durable, 0.99);
  return [
    { name: "overhead p50, serial, no ledger (quality check on)", value: quantile(bare, 0.5), unit: "µs" },
    { name: "overhead p99, serial, no ledger", value: quantile(bare, 0.99), unit: "µs" },
    { name: "overhead p50, serial, ledger on (durable commit per request)", value: p50, unit: "µs", target: "≤ 20", ok: p50 <= 20 },
    { name: "overhead p99, serial, ledger on", value: p99, unit: "µs", target: "≤ 200", ok: p99 <= 200 },
    {
      name: "overhead p50, serial, ledger batched (20 ms write-behind)",
      value: quantile(batched, 0.5),
      unit: "µs",
      target: "≤ 20",
      ok: quantile(batched, 0.5) <= 20,
    },
    { name: "overhead p99, serial, ledger batched", value: quantile(batched, 0.99), unit: "µs", target: "≤ 200", ok: quantile(batched, 0.99) <= 200 },
    { name: "routed requests/s, one core, 64 in flight, durable ledger", value: conc.rps, unit: "req/s", target: "≥ 50,000", ok: conc.rps >= 50_000 },
    {
      name: "routed requests/s, one core, 64 in flight, batched ledger",
      value: concBatched.rps,
      unit: "req/s",
      target: "≥ 50,000",
      ok: concBatched.rps >= 50_000,
    },
    { name: "ledger rows committed, durable run (must equal requests)", value: conc.rows, unit: "rows", target: `= ${n * 2}`, ok: conc.rows === n * 2 },
    {
      name: "ledger rows committed, batched run (must equal requests)",
      value: concBatched.rows,
      unit: "rows",
      target: `= ${n * 2}`,
      ok: concBatched.rows === n * 2,
    },
    ...(await runPostgresPerf({ requests: Math.round(n / 3), sqliteDurableP50: p50 })),
  ];
}
