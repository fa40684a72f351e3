/**
 * Every reader of the ledger on both backends, one table of cases: the rows themselves, `tierlab
 * usage` (the seed's `topic=llm_cost recent=24h`) with its JSONL and CSV exports, `doctor`,
 * swarm-daemon --status, the gateway's /metrics and the cache's ledger rows. SQLite runs on a file,
 * PostgreSQL on a throwaway server; each case checks against the rows it wrote, so both backends
 * must give the same answers.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatStatus, daemonStatus } from "../../examples/swarm-daemon/status.js";
import { createGateway } from "../../gateway/server.js";
import { ledgerBackends } from "../../test-support/ledger-backends.js";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { runCli } from "../../test-support/run-cli.js";
import { paidRow } from "../../test-support/ledger-rows.js";
import { ResponseCache } from "../cache/response-cache.js";
import { LEDGER_VERSION, LedgerRecordSchema, type LedgerRecord } from "../contracts/ledger-record.js";
import { DEFAULT_THRESHOLDS } from "../doctor/contract.js";
import { runDoctor } from "../doctor/doctor.js";
import { ScriptedProvider } from "../providers/scripted.js";
import { Router } from "../router.js";
import { recordsToCsv, recordsToJsonl } from "./export.js";
import { ledgerTarget } from "./open-ledger.js";
import { summariseUsage } from "./usage.js";

/** Rows that exercise every column type: nulls, floats that do not round-trip through decimals, quotes and newlines. */
function sampleRows(now: Date): LedgerRecord[] {
  const ago = (min: number) => new Date(now.getTime() - min * 60_000).toISOString();
  const base = {
    version: LEDGER_VERSION,
    action: "classify",
    provider: "fast",
    model: "fast-a",
    input_tokens: 12,
    output_tokens: 3,
    ttft_ms: 4.25,
    escalated_from: null,
    error_class: null,
    tag: null,
    cache_hit: false,
    prompt: null,
    answer: null,
    p_correct: null,
  } as const;
  return [
    {
      ...base,
      ts: ago(90),
      request_id: "r1",
      tier: "LOCAL_FAST",
      attempt: 1,
      cost_usd: 0,
      latency_ms: 12.5,
      confidence: 0.3,
      p_correct: 0.42,
      checks: JSON.stringify([{ id: "label_set", score: 0, pass: false, reason: "not a label" }]),
      verdict: "rejected",
    },
    {
      ...base,
      ts: ago(89),
      request_id: "r1",
      tier: "API_FALLBACK",
      provider: "api",
      model: "api-model",
      attempt: 2,
      cost_usd: 0.1 + 0.2,
      latency_ms: 800.125,
      confidence: 1,
      checks: null,
      verdict: "accepted",
      escalated_from: "LOCAL_FAST",
      tag: "ci",
      answer: 'say "hi",\nthen go',
    },
    {
      ...base,
      ts: ago(30),
      request_id: "r2",
      tier: "LOCAL_FAST",
      attempt: 1,
      cost_usd: 0,
      latency_ms: 9,
      input_tokens: null,
      output_tokens: null,
      ttft_ms: null,
      confidence: null,
      checks: null,
      verdict: "error",
      error_class: "TimeoutError",
    },
    {
      ...base,
      ts: ago(29),
      request_id: "r2",
      tier: "LOCAL_QUALITY",
      provider: "quality",
      model: "quality-a",
      attempt: 2,
      cost_usd: 0,
      latency_ms: 40,
      confidence: 0.9,
      checks: null,
      verdict: "accepted",
      escalated_from: "LOCAL_FAST",
      prompt: "Fixed auth bug — ünïcode ✓",
    },
    {
      ...base,
      ts: ago(5),
      request_id: "r3",
      tier: "API_FALLBACK",
      provider: "api",
      model: "api-model",
      attempt: 1,
      cost_usd: 0,
      latency_ms: 0,
      input_tokens: 0,
      output_tokens: 0,
      ttft_ms: null,
      confidence: 1,
      checks: null,
      verdict: "accepted",
      cache_hit: true,
    },
    // Outside the 24 h window: every reader must leave it out.
    {
      ...base,
      ts: ago(60 * 30),
      request_id: "old",
      tier: "API_FALLBACK",
      provider: "api",
      model: "api-model",
      attempt: 1,
      cost_usd: 5,
      latency_ms: 700,
      confidence: 1,
      checks: null,
      verdict: "accepted",
    },
  ].map((r) => LedgerRecordSchema.parse(r)); // schema order, as the ledger returns them
}

const LOCAL = new Set(["LOCAL_FAST", "LOCAL_QUALITY"]);

describe.each(ledgerBackends("ledger readers on PostgreSQL"))("ledger readers on $name", (backend) => {
  backend.hooks();

  describe.skipIf(!!backend.skip)("cases", () => {
    it("rows come back exactly as written, in order, with since/until/action filters and spend sums", async () => {
      const fx = writeTestConfig();
      const ledger = await backend.open(fx.load(), await backend.fresh(fx.dir));
      const now = new Date();
      const rows = sampleRows(now);
      await ledger.write(rows);
      expect(await ledger.query()).toEqual(rows);
      const since = new Date(now.getTime() - 3_600_000);
      expect(await ledger.query({ since })).toEqual(rows.slice(2, 5));
      expect(await ledger.query({ since: new Date(0), until: new Date(rows[2]!.ts), action: "classify" })).toEqual([rows[0], rows[1], rows[5]]);
      expect(await ledger.spendSince(new Date(0))).toBeCloseTo(5.3, 12);
      expect(await ledger.spendSince(new Date(now.getTime() - 86_400_000), { tag: "ci" })).toBe(0.1 + 0.2);
      expect(await ledger.spendSince(new Date(0), { action: "other" })).toBe(0);
      await ledger.close();
    });

    it("group commit: 300 concurrent requests' rows are all committed, each once, when their writes resolve", async () => {
      const fx = writeTestConfig();
      const ledger = await backend.open(fx.load(), await backend.fresh(fx.dir));
      const at = new Date();
      await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          ledger.write([paidRow({ requestId: `g${i}`, costUsd: 0.001, at }), paidRow({ requestId: `g${i}`, attempt: 2, costUsd: 0, at })]),
        ),
      );
      const rows = await ledger.query();
      expect(rows).toHaveLength(600);
      expect(new Set(rows.map((r) => `${r.request_id}/${r.attempt}`)).size).toBe(600);
      await ledger.close();
    });

    it("`tierlab usage --topic llm_cost --recent 24h` and its JSONL and CSV exports", async () => {
      const fx = writeTestConfig();
      const where = await backend.fresh(fx.dir);
      const ledger = await backend.open(fx.load(), where);
      const rows = sampleRows(new Date());
      await ledger.write(rows);
      await ledger.close();
      const inWindow = rows.slice(0, 5);
      const jsonl = join(fx.dir, "llm_usage.jsonl");
      const csv = join(fx.dir, "llm_usage.csv");
      const a = runCli(["usage", "--config", fx.file, "--ledger", where, "--topic", "llm_cost", "--recent", "24h", "--json", "--export", jsonl]);
      const b = runCli(["usage", "--config", fx.file, "--ledger", where, "--recent", "24h", "--export", csv]);
      expect([a.status, b.status, a.stderr + b.stderr]).toEqual([0, 0, expect.stringContaining("wrote 5 rows") as unknown as string]);
      const { production, ...summary } = JSON.parse(a.stdout) as ReturnType<typeof summariseUsage> & { production: unknown };
      expect(production).toMatchObject({ shadow: { checks: 0, costUsd: 0 }, batch: { done: 0 } });
      const expected = summariseUsage(inWindow, { since: new Date(summary.since), until: new Date(summary.until) }, LOCAL);
      expect(summary).toEqual(expected);
      expect(summary).toMatchObject({ requests: 3, attempts: 5, fallbackRate: 2 / 3, errorsByClass: { TimeoutError: 1 } });
      expect(readFileSync(jsonl, "utf8")).toBe(recordsToJsonl(inWindow));
      expect(readFileSync(csv, "utf8")).toBe(recordsToCsv(inWindow));
      expect(b.stdout).toContain("requests 3, attempts 5, cost $0.30");
    }, 60_000);

    it("doctor reads the last 24 h from the ledger and finds it usable", async () => {
      const fx = writeTestConfig();
      const where = await backend.fresh(fx.dir);
      const config = fx.load();
      const ledger = await backend.open(config, where);
      const now = new Date();
      // 25 requests, 15 of them escalated: a fallback rate of 60 %, above the 40 % warning line.
      const rows = Array.from({ length: 25 }, (_, i) =>
        sampleRows(now)
          .slice(0, i < 15 ? 2 : 1)
          .map((r) => ({ ...r, request_id: `d${i}` })),
      ).flat();
      await ledger.write(rows);
      await ledger.close();
      const report = await runDoctor({
        config,
        env: {},
        fetch: globalThis.fetch,
        now: () => now,
        which: () => undefined,
        ledger: ledgerTarget(config, where, {}),
        thresholds: DEFAULT_THRESHOLDS,
      });
      const find = (id: string) => report.findings.find((f) => f.id === id);
      expect(find(backend.name === "sqlite" ? "ledger.writable" : "ledger.database")).toMatchObject({ status: "ok" });
      expect(find("ledger.fallback_rate")).toMatchObject({ status: "warn", message: expect.stringContaining("60.0 %") as unknown as string });
    });

    it("swarm-daemon --status: today's spend, calls per tier and budget left, as the guard sees them", async () => {
      const fx = writeTestConfig(
        (d) =>
          (d.budgets = [
            { scope: "global", period: "day", limit_usd: 1 },
            { scope: "tag", key: "ci", period: "month", limit_usd: 2 },
          ]),
      );
      const config = fx.load();
      const ledger = await backend.open(config, await backend.fresh(fx.dir));
      // A fixed "now" at 01:00 UTC today, rows between midnight and then: all of them are today's.
      const midnight = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z").getTime();
      const now = new Date(midnight + 3_600_000);
      const rows = sampleRows(now)
        .slice(0, 5)
        .map((r, i) => ({ ...r, ts: new Date(midnight + i * 60_000).toISOString() }));
      await ledger.write(rows);
      const st = await daemonStatus({ config, ledger, now });
      expect(st.today).toMatchObject({ requests: 3, attempts: 5 });
      expect(st.today.costUsd).toBeCloseTo(0.3, 12);
      expect(st.cacheHits).toBe(1);
      expect(st.budgets[0]!.leftUsd).toBeCloseTo(0.7, 12);
      expect(st.budgets[1]!.leftUsd).toBeCloseTo(1.7, 12);
      expect(formatStatus(st, ledger.location)).toContain("calls per tier: LOCAL_FAST 2 (1 errors), API_FALLBACK 2, LOCAL_QUALITY 1");
      await ledger.close();
    });

    it("the gateway's /metrics reports the budget from the ledger's database, and a cache hit is a $0 row", async () => {
      const fx = writeTestConfig((d) => (d.budgets = [{ scope: "global", period: "day", limit_usd: 1 }]));
      const config = fx.load();
      const ledger = await backend.open(config, await backend.fresh(fx.dir));
      const nope = new ScriptedProvider([{ reply: "nope" }]);
      const api = new ScriptedProvider([{ reply: "docs" }], { name: "api" });
      const router = new Router({
        config,
        ledger,
        cache: new ResponseCache({ ttlMs: 60_000, maxEntries: 10 }),
        providers: { providers: { fast: nope, quality: nope, api, api2: api } },
      });
      const gateway = await createGateway({ router, port: 0, log: () => undefined });
      try {
        const ask = () =>
          fetch(`${gateway.url}/v1/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ model: "tierlab/classify", messages: [{ role: "user", content: "Update README" }] }),
          });
        const first = await ask();
        const second = await ask();
        expect([first.status, second.headers.get("x-tierlab-cache")]).toEqual([200, "hit"]);
        await Promise.all([first.text(), second.text()]);
        const spent = await ledger.spendSince(new Date(0));
        expect(spent).toBeGreaterThan(0);
        const rows = await ledger.query();
        const hit = rows.filter((r) => r.cache_hit);
        expect(hit).toHaveLength(1);
        expect(hit[0]).toMatchObject({ cost_usd: 0, tier: "API_FALLBACK", verdict: "accepted", request_id: second.headers.get("x-request-id") });
        const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
        expect(metrics).toContain("tierlab_ledger_up 1");
        const gauge = (name: string) => Number(new RegExp(`^${name}\\{scope="global",key="",period="day"\\} (\\S+)$`, "m").exec(metrics)?.[1]);
        expect(gauge("tierlab_budget_spent_usd")).toBeCloseTo(spent, 12);
        expect(gauge("tierlab_budget_left_usd")).toBeCloseTo(1 - spent, 12);
        expect(gauge("tierlab_budget_held_usd")).toBe(0);
      } finally {
        await gateway.close({ graceMs: 1000 });
        await router.close();
        await ledger.close();
      }
    });
  });
});
