/**
 * Many instances, one truth: three real `tierlab serve` processes on one PostgreSQL ledger, paid
 * calls going to a protocol-level fake of the OpenAI API.
 * - 600 concurrent paid requests against a budget that admits ~200: settled spend never exceeds the
 *   limit and ends within one worst-case call of it; one ledger row per attempt of every answer.
 * - kill -9 of one instance mid-load: every answer it gave is in the ledger, its open reservations
 *   expire, the other two keep serving.
 * - PostgreSQL stopped for 5 s mid-load: requests fail fast with 503 `ledger_unavailable`, no paid
 *   call starts while the database is away, and service resumes on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../../test-support/fake-openai.js";
import { postgresSkipReason, startPostgresCluster, type PostgresCluster } from "../../test-support/postgres-cluster.js";
import { writeTestConfig, TEST_PRICES } from "../../test-support/router-fixture.js";
import { planAction } from "../action-plan.js";
import { reservationTtlMs } from "../budget/accounting.js";
import { PostgresBudget } from "../budget/postgres-budget.js";
import { inputTokenUpperBound, worstCaseUsd } from "../budget/worst-case.js";
import type { BudgetConfig } from "../config/schema.js";
import { PostgresLedger } from "../ledger/postgres/postgres-ledger.js";
import { ask, startInstances, stopInstances, type Answer, type ServeInstance } from "../../test-support/serve-instances.js";

const skip = postgresSkipReason("3 serve instances on one PostgreSQL");
const INPUT_TOKENS = 20;
const OUTPUT_TOKENS = 64;
const PRICE = TEST_PRICES.models["api-model"];
const ACTUAL_USD = INPUT_TOKENS * PRICE.input_cost_per_token + OUTPUT_TOKENS * PRICE.output_cost_per_token;

let pg: PostgresCluster;
let fake: FakeOpenAI;
/** Upstream latency; the kill test raises it so that calls are in flight when the instance dies. */
let upstreamMs = 30;
/** When each upstream call arrived (ms since the scenario's t0) and for which prompt. */
let arrivals: Array<{ atMs: number; prompt: string }> = [];
let t0 = 0;

beforeAll(async () => {
  if (skip) return;
  pg = await startPostgresCluster();
  fake = await startFakeOpenAI({
    respond: (body) => {
      const messages = body.messages as Array<{ content: string }>;
      arrivals.push({ atMs: performance.now() - t0, prompt: messages[messages.length - 1]!.content });
      return { chunks: Array.from({ length: OUTPUT_TOKENS }, (_, i) => `w${i} `), inputTokens: INPUT_TOKENS, outputTokens: OUTPUT_TOKENS, ttftMs: upstreamMs };
    },
    models: ["api-model"],
  });
}, 60_000);

afterAll(async () => {
  await fake?.close();
  pg?.destroy();
});

function instanceConfig(budgets: BudgetConfig[], ledger: Record<string, unknown> = {}) {
  return writeTestConfig((d) => {
    d.providers = {
      fast: { kind: "scripted" },
      quality: { kind: "scripted" },
      api: { kind: "openai", base_url: fake.baseURL, api_key_env: "OPENAI_API_KEY" },
      api2: { kind: "scripted" },
    };
    (d.tiers as Record<string, unknown>).API_FALLBACK = { local: false, models: [{ id: "api-model", provider: "api", model: "api-model" }] };
    (d.actions as Record<string, unknown>).paid = { tier: "API_FALLBACK", escalate: [], checks: [{ id: "non_empty" }] };
    d.retry = { max_retries: 0, base_delay_ms: 10, max_delay_ms: 100 };
    // Generous: 600 requests in flight on a shared 2-core machine; these tests are about money, not latency.
    d.defaults = { threshold: 0.7, timeout_ms: 30_000, deadline_ms: 60_000, max_tokens: OUTPUT_TOKENS };
    d.ledger = { path: "unused.sqlite", store_prompts: true, ...ledger };
    d.budgets = budgets;
  });
}

async function rowsOf(url: string) {
  const ledger = await PostgresLedger.open({ url, readonly: true });
  try {
    return await ledger.query();
  } finally {
    await ledger.close();
  }
}

describe.skipIf(!!skip)("3 serve instances, one PostgreSQL ledger", () => {
  let instances: ServeInstance[] = [];
  afterAll(() => stopInstances(instances));

  it("600 concurrent paid requests, a budget for ~200: never over, within one worst case of the limit, one row per attempt", async () => {
    const limit = Number((200 * ACTUAL_USD).toFixed(6));
    const fx = instanceConfig([{ scope: "global", period: "day", limit_usd: limit, on_exceed: "refuse" }]);
    const url = await pg.createDatabase();
    instances = await startInstances(3, { config: fx.file, databaseUrl: url, env: { OPENAI_API_KEY: "sk-test" } });
    arrivals = [];
    t0 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 600 }, (_, i) => ask({ instances, instance: i % 3, action: "paid", prompt: `budget request ${i}`, t0 })),
    );
    await stopInstances(instances);

    const ok = answers.filter((a) => a.status === 200);
    const statuses = new Map<string, number>();
    for (const a of answers) statuses.set(`${a.status} ${a.code ?? ""}`, (statuses.get(`${a.status} ${a.code ?? ""}`) ?? 0) + 1);
    process.stdout.write(`[pg 3×serve] statuses ${[...statuses].map(([k, v]) => `${k}: ${v}`).join(", ")}\n`);
    const refused = answers.filter((a) => a.status === 429 && a.code === "insufficient_quota");
    const rows = await rowsOf(url);
    const errors = new Map<string, number>();
    for (const r of rows) if (r.error_class) errors.set(r.error_class, (errors.get(r.error_class) ?? 0) + 1);
    if (errors.size)
      process.stdout.write(
        `[pg 3×serve] attempt errors ${[...errors].map(([k, v]) => `${k}: ${v}`).join(", ")}; first: ${rows.find((r) => r.error_class)?.answer ?? ""}\n`,
      );
    expect(ok.length + refused.length).toBe(600);
    const spent = rows.reduce((s, r) => s + r.cost_usd, 0);
    const worst = Math.max(
      ...answers.map((a) =>
        worstCaseUsd({ pricing: PRICE, inputTokens: inputTokenUpperBound(planAction(fx.load(), "paid").messages(a.prompt)), maxOutputTokens: OUTPUT_TOKENS }),
      ),
    );
    process.stdout.write(
      `[pg 3×serve] 600 concurrent: ${ok.length} answered, ${refused.length} refused; settled $${spent.toFixed(6)} of $${limit} (${(limit - spent).toFixed(6)} left, one worst case = $${worst.toFixed(6)}, one actual = $${ACTUAL_USD.toFixed(6)})\n`,
    );
    expect(spent).toBeLessThanOrEqual(limit + 1e-12);
    expect(limit - spent).toBeLessThan(worst);
    // One row per attempt: each answered request id has attempts 1..n exactly once; no other rows exist.
    const byRequest = new Map<string, number[]>();
    for (const r of rows) byRequest.set(r.request_id, [...(byRequest.get(r.request_id) ?? []), r.attempt]);
    for (const a of ok) expect(byRequest.get(a.requestId!)?.sort()).toEqual([1]);
    expect(rows.filter((r) => r.verdict !== "skipped")).toHaveLength(ok.length);
    // Each refusal is on the books too: one skipped row at $0 naming the budget.
    expect(rows.filter((r) => r.verdict === "skipped").map((r) => [r.error_class, r.cost_usd])).toEqual(refused.map(() => ["BudgetExceededError", 0]));
    // Every paid call that reached the API is in the ledger, and none was made for a refused request.
    expect(arrivals.map((a) => a.prompt).sort()).toEqual(ok.map((a) => a.prompt).sort());
  }, 180_000);

  it("kill -9 of one instance mid-load: its answers are in the ledger, its reservations expire, the others keep serving", async () => {
    upstreamMs = 150;
    const fx = instanceConfig([{ scope: "global", period: "day", limit_usd: 100, on_exceed: "refuse" }]);
    const url = await pg.createDatabase();
    instances = await startInstances(3, { config: fx.file, databaseUrl: url, env: { OPENAI_API_KEY: "sk-test" } });
    const victim = instances[0]!;
    const answers: Answer[] = [];
    let n = 0;
    let killedAtMs = Infinity;
    let stop = false;
    t0 = performance.now();
    const worker = async (instance: number) => {
      while (!stop) {
        if (instance === 0 && killedAtMs < Infinity) return;
        answers.push(await ask({ instances, instance, action: "paid", prompt: `kill request ${n++}`, t0 }));
      }
    };
    const load = Promise.all(Array.from({ length: 24 }, (_, w) => worker(w % 3)));
    while (answers.filter((a) => a.instance === 0 && a.status === 200).length < 40) await new Promise((r) => setTimeout(r, 20));
    victim.proc.kill("SIGKILL");
    killedAtMs = performance.now() - t0;
    expect((await victim.exited).signal).toBe("SIGKILL");
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await load;
    await stopInstances(instances);

    const rows = await rowsOf(url);
    const ids = new Set(rows.map((r) => r.request_id));
    const victimAnswers = answers.filter((a) => a.instance === 0 && a.status === 200);
    expect(victimAnswers.filter((a) => !ids.has(a.requestId!))).toEqual([]);
    const afterKill = answers.filter((a) => a.instance !== 0 && a.startedMs > killedAtMs);
    expect(afterKill.length).toBeGreaterThan(0);
    expect(afterKill.every((a) => a.status === 200)).toBe(true);

    // The dead instance's open reservations (calls it had in flight) count now, and stop counting after their TTL.
    const ledger = await PostgresLedger.open({ url });
    const budget = new PostgresBudget({ ledger, budgets: fx.load().data.budgets, ttlMs: reservationTtlMs(fx.load().data.defaults) });
    try {
      const [open] = await ledger.sql<{ n: number; usd: number }[]>`
        SELECT COUNT(*)::int AS n, COALESCE(SUM(reserved_usd), 0)::float8 AS usd FROM reservations r
        WHERE owner LIKE ${`%:${victim.proc.pid}`} AND settled_usd IS NULL
          AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.request_id = r.request_id AND c.attempt = r.attempt)`;
      const [settled] = await ledger.sql<{ usd: number }[]>`
        SELECT COALESCE(SUM(settled_usd), 0)::float8 AS usd FROM reservations r
        WHERE settled_usd IS NOT NULL AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.request_id = r.request_id AND c.attempt = r.attempt)`;
      const now = (await budget.status(new Date()))[0]!;
      const later = (await budget.status(new Date(Date.now() + reservationTtlMs(fx.load().data.defaults) + 1000)))[0]!;
      process.stdout.write(
        `[pg 3×serve] kill -9 after ${victimAnswers.length} answers from the victim: ${open!.n} open reservations ($${open!.usd.toFixed(6)}) left behind; held now $${now.heldUsd.toFixed(6)}, after the TTL $${later.heldUsd.toFixed(6)}; ${afterKill.length} answers from the others after the kill\n`,
      );
      expect(open!.n).toBeGreaterThan(0);
      expect(now.heldUsd).toBeGreaterThanOrEqual(open!.usd - 1e-12);
      expect(later.heldUsd).toBeCloseTo(settled!.usd, 12);
    } finally {
      await budget.close();
      await ledger.close();
      upstreamMs = 30;
    }
  }, 180_000);

  it("PostgreSQL stopped for 5 s mid-load: fast 503s, no paid call without a reservation, service resumes on its own", async () => {
    const fx = instanceConfig([{ scope: "global", period: "day", limit_usd: 100, on_exceed: "refuse" }]);
    const url = await pg.createDatabase();
    instances = await startInstances(3, { config: fx.file, databaseUrl: url, env: { OPENAI_API_KEY: "sk-test" } });
    const answers: Answer[] = [];
    let n = 0;
    let stop = false;
    arrivals = [];
    t0 = performance.now();
    const worker = async (instance: number) => {
      while (!stop) {
        const a = await ask({ instances, instance, action: "paid", prompt: `outage request ${n++}`, t0 });
        answers.push(a);
        if (a.status !== 200) await new Promise((r) => setTimeout(r, 20)); // a client backing off a little
      }
    };
    const load = Promise.all(Array.from({ length: 12 }, (_, w) => worker(w % 3)));
    await new Promise((r) => setTimeout(r, 1500));
    const downAtMs = performance.now() - t0;
    await pg.stop();
    const stoppedAtMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 5000));
    await pg.start();
    const upAtMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 4000));
    stop = true;
    await load;
    await stopInstances(instances);

    const during = answers.filter((a) => a.startedMs > stoppedAtMs && a.endedMs < upAtMs);
    const failFast = during.filter((a) => a.status === 503 && a.code === "ledger_unavailable");
    const slowest = Math.max(...during.map((a) => a.endedMs - a.startedMs));
    const resumed = answers.filter((a) => a.startedMs > upAtMs && a.status === 200);
    const firstOk = Math.min(...resumed.map((a) => a.endedMs));
    process.stdout.write(
      `[pg 3×serve] outage ${((upAtMs - downAtMs) / 1000).toFixed(1)} s: ${during.length} requests during it, all 503 ledger_unavailable: ${failFast.length === during.length}, slowest ${slowest.toFixed(0)} ms; first answer ${(firstOk - upAtMs).toFixed(0)} ms after restart, ${resumed.length} answered after\n`,
    );
    expect(during.length).toBeGreaterThan(50);
    expect(failFast).toHaveLength(during.length);
    expect(slowest).toBeLessThan(1000);
    expect(resumed.length).toBeGreaterThan(20);
    // No call reached the paid API while the database was down (a reservation taken just before the
    // stop may still reach it within moments: allow 1 s).
    expect(arrivals.filter((a) => a.atMs > stoppedAtMs + 1000 && a.atMs < upAtMs)).toEqual([]);
    // Every paid call that was made is in the ledger once the database is back, each once.
    const rows = await rowsOf(url);
    const prompts = rows.filter((r) => r.tier === "API_FALLBACK" && r.verdict !== "skipped").map((r) => r.prompt);
    expect(prompts.sort()).toEqual(arrivals.map((a) => a.prompt).sort());
  }, 180_000);
});
