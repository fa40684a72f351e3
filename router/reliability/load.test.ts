/**
 * Load: 1,000 concurrent routed requests against a fake Ollama that fails some of them (503 with
 * retry-after-ms, connections reset mid-answer). Every request resolves, every attempt is a ledger
 * row, no promise rejection goes unhandled, and the heap after GC stays flat across rounds.
 */
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOllama, type FakeOllama, type FakeOllamaScript } from "../../test-support/fake-ollama.js";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { ScriptedProvider } from "../providers/scripted.js";
import { Router } from "../router.js";

const N = 1000;
const ROUNDS = 3;
/** Heap growth allowed from the end of the first (warm-up) round to the end of the last, after GC. */
const HEAP_BOUND_MB = 8;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let fake: FakeOllama;
let calls = 0;
beforeAll(async () => {
  fake = await startFakeOllama({
    models: ["fast-a"],
    respond: (): FakeOllamaScript => {
      calls++;
      if (calls % 20 === 0) return { status: 503, error: "server busy", headers: { "retry-after-ms": "1" } };
      if (calls % 33 === 0) return "reset_mid_stream";
      return { chunks: ["au", "th"] };
    },
  });
});
afterAll(() => fake.close());

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

describe("load", () => {
  it(`${N} concurrent routes × ${ROUNDS} rounds: all resolve, ledger rows == attempts, heap flat, nothing unhandled`, async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const fx = writeTestConfig((d) => {
      d.providers = { fast: { kind: "ollama", host: fake.url }, quality: { kind: "scripted" }, api: { kind: "scripted" }, api2: { kind: "scripted" } };
      d.retry = { max_retries: 2, base_delay_ms: 5, max_delay_ms: 20 };
      // All N start at once on 2 shared cores: per-attempt timeouts would measure the test machine, not the router.
      d.defaults = { threshold: 0.7, timeout_ms: 30_000, deadline_ms: 60_000, max_tokens: 64 };
      // Fast-failing 503s return before the slower answers and so arrive in runs: with the default
      // threshold (5 in a row) the breaker trips at this 8 % error rate and the later rounds would
      // never reach the server. The breaker still tracks every call.
      d.circuit = { failure_threshold: 1000 };
    });
    const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
    const router = new Router({
      config: fx.load(),
      ledger,
      providers: { providers: { quality: new ScriptedProvider([{ reply: "ui" }], { name: "quality" }) } },
    });
    let attempts = 0;
    let httpAttempts = 0;
    let served = 0;
    let answered = 0;
    const kinds: Record<string, number> = {};
    const heap: number[] = [];
    const times: number[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const t0 = performance.now();
        const settled = await Promise.allSettled(
          Array.from({ length: N }, (_, i) => router.route({ action: "classify", prompt: `Fixed auth bug #${round}-${i}` })),
        );
        times.push(performance.now() - t0);
        for (const s of settled) {
          expect(s.status).toBe("fulfilled");
          if (s.status === "fulfilled") {
            attempts += s.value.attempts.length;
            for (const a of s.value.attempts) {
              const k = `${a.modelId}:${a.verdict}${a.error ? `:${a.error.class}` : ""}`;
              kinds[k] = (kinds[k] ?? 0) + 1;
              if (a.modelId === "fast-a" && a.verdict !== "skipped") httpAttempts++;
            }
            if (s.value.verdict === "accepted") answered++;
          }
        }
        // The fake records every request; counted and dropped so only the router's memory is measured.
        served += fake.chatBodies().length;
        fake.requests.length = 0;
        fake.timelines().length = 0;
        heap.push(await heapAfterGc());
      }
      const requests = ledger.db.prepare("SELECT COUNT(*) AS rows, COUNT(DISTINCT request_id) AS requests FROM calls").get() as {
        rows: number;
        requests: number;
      };
      expect(requests).toEqual({ rows: attempts, requests: N * ROUNDS });
      expect(answered).toBe(N * ROUNDS);
      expect(attempts).toBeGreaterThan(N * ROUNDS); // the faults made retries
      // The load went through HTTP: every attempt reached the server, except connections the
      // server's keep-alive timer closed just as the client reused them (ECONNRESET before the request).
      const connectionErrors = kinds["fast-a:error:ConnectionError"] ?? 0;
      expect(served).toBeLessThanOrEqual(httpAttempts);
      expect(served).toBeGreaterThanOrEqual(httpAttempts - connectionErrors);
      const growthMb = (heap.at(-1)! - heap[0]!) / 2 ** 20;
      process.stdout.write(
        `[load] ${N}×${ROUNDS} routes: ${attempts} attempts, round times ${times.map((t) => `${Math.round(t)} ms`).join(" / ")}, ${JSON.stringify(kinds)}, heap after GC ${heap.map((h) => (h / 2 ** 20).toFixed(1)).join(" → ")} MiB (Δ ${growthMb.toFixed(2)} MiB)\n`,
      );
      expect(growthMb).toBeLessThan(HEAP_BOUND_MB);
      expect(ledger.integrityCheck()).toBe("ok");
    } finally {
      process.off("unhandledRejection", onUnhandled);
      ledger.close();
      await router.close();
    }
    expect(unhandled).toEqual([]);
    // ~5 s on an idle 2-core machine; generous for CI neighbours competing for the same cores.
  }, 90_000);
});
