/**
 * Shadow checks are off the accepted request's path: the same serial requests (instant local
 * provider, checks on, durable SQLite ledger) with no shadowing, with the default 2 % and with
 * every accepted answer shadowed, in interleaved blocks of one run. The reference API answers after
 * 20 ms, so a shadow call on the path would show as 20 ms; the "started before the route returned"
 * row counts shadow calls that began while their own request was still open (must be 0).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTestConfig } from "../test-support/router-fixture.js";
import type { ChatRequest } from "../router/contracts/provider.js";
import { SqliteLedger } from "../router/ledger/sqlite-ledger.js";
import { Production } from "../router/production/production.js";
import { ScriptedProvider } from "../router/providers/scripted.js";
import { Router } from "../router/router.js";
import { quantile, type PerfRow } from "./types.js";

async function setup(rate: number | undefined) {
  const fx = writeTestConfig((d) => {
    d.actions = {
      sum: { tier: "LOCAL_FAST", escalate: ["API_FALLBACK"], answer: "number", threshold: 0.5, checks: [{ id: "non_empty" }, { id: "finish_reason" }] },
    };
    d.shadow = { rate: rate ?? 0, seed: 1, budget: { period: "day", limit_usd: 1e9 } };
  });
  const dir = mkdtempSync(join(tmpdir(), "tierlab-perf-shadow-"));
  const ledger = new SqliteLedger(join(dir, "ledger.sqlite"));
  const config = fx.load();
  const production = rate === undefined ? undefined : await Production.open({ config, ledger });
  /** Requests still open, by the number in their prompt: a shadow call finds its own request here only if it started too early. */
  const open = new Set<number>();
  let n = 0;
  let early = 0;
  const api = new ScriptedProvider([{ reply: "Answer: 4", delayMs: 20 }], { name: "api" });
  const watched = Object.assign(Object.create(api) as ScriptedProvider, {
    chat: (r: ChatRequest) => {
      if (open.has(Number(/#(\d+)/.exec(r.messages.at(-1)?.content ?? "")?.[1]))) early++;
      return api.chat(r);
    },
  });
  const router = new Router({ config, ledger, production, providers: { providers: { fast: new ScriptedProvider([{ reply: "Answer: 4" }]), api: watched } } });
  return {
    async time(): Promise<number> {
      const id = ++n;
      open.add(id);
      const s = performance.now();
      await router.route({ action: "sum", prompt: `Request #${id}: what is 2 + 2?` });
      const us = (performance.now() - s) * 1000;
      open.delete(id);
      return us;
    },
    early: () => early,
    stats: () => production?.shadow?.stats,
    async close() {
      await router.close();
      ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function runShadowPerf(opts: { requests?: number } = {}): Promise<PerfRow[]> {
  const n = opts.requests ?? 12_000;
  // `again` is a second router without shadowing: |none − again| is this run's noise floor.
  const variants = { none: await setup(undefined), again: await setup(undefined), two: await setup(0.02), all: await setup(1) };
  const lat: Record<keyof typeof variants, number[]> = { none: [], again: [], two: [], all: [] };
  for (const v of Object.values(variants)) for (let i = 0; i < 1000; i++) await v.time();
  const block = 500;
  for (let done = 0; done < n; done += block) {
    for (const [name, v] of Object.entries(variants) as [keyof typeof variants, Awaited<ReturnType<typeof setup>>][]) {
      for (let i = 0; i < block; i++) lat[name].push(await v.time());
    }
  }
  for (const l of Object.values(lat)) l.sort((a, b) => a - b);
  const p50 = (k: keyof typeof variants) => quantile(lat[k], 0.5);
  const early = variants.two.early() + variants.all.early();
  const all = variants.all.stats()!;
  for (const v of Object.values(variants)) await v.close();
  return [
    { name: "accepted request p50, serial, ledger on, no shadowing", value: p50("none"), unit: "µs" },
    { name: "… shadow rate 2 % (default)", value: p50("two"), unit: "µs" },
    { name: "… shadow rate 100 % (reference API answers after 20 ms)", value: p50("all"), unit: "µs" },
    {
      name: "added p50 by shadowing every answer (100 % − none)",
      value: p50("all") - p50("none"),
      unit: "µs",
      target: "≤ 20 (no 20 ms call)",
      ok: p50("all") - p50("none") <= 20,
    },
    { name: "noise floor: |p50 none − p50 of a second unshadowed router|", value: Math.abs(p50("none") - p50("again")), unit: "µs" },
    { name: "p99, no shadowing", value: quantile(lat.none, 0.99), unit: "µs" },
    { name: "p99, shadow rate 100 %", value: quantile(lat.all, 0.99), unit: "µs" },
    { name: "shadow calls started before their request returned", value: early, unit: "calls", target: "= 0", ok: early === 0 },
    { name: "shadow checks done at 100 % (the rest skipped: 4 in flight at most)", value: all.checked, unit: "checks" },
  ];
}
