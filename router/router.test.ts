import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../test-support/router-fixture.js";
import type { BudgetGuard } from "./budget/contract.js";
import { AllTiersFailedError } from "./all-tiers-failed.js";
import { AbortedError, AuthenticationError, RateLimitError, ServerError } from "../core/errors.js";
import { SqliteLedger } from "./ledger/sqlite-ledger.js";
import { ScriptedProvider, type ScriptLine } from "./providers/scripted.js";
import { Router } from "./router.js";
import { createRng } from "../core/rng.js";

function setup(
  scripts: { fast?: ScriptLine[]; quality?: ScriptLine[]; api?: ScriptLine[]; api2?: ScriptLine[] },
  extra: { budget?: BudgetGuard; mutate?: (d: Record<string, unknown>) => void } = {},
) {
  const fx = writeTestConfig(extra.mutate);
  const config = fx.load();
  const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
  const providers = {
    fast: new ScriptedProvider(scripts.fast ?? [{ reply: "auth" }], { name: "fast" }),
    quality: new ScriptedProvider(scripts.quality ?? [{ reply: "auth" }], { name: "quality" }),
    api: new ScriptedProvider(scripts.api ?? [{ reply: "auth" }], { name: "api" }),
    api2: new ScriptedProvider(scripts.api2 ?? [{ reply: "auth" }], { name: "api2" }),
  };
  const sleeps: number[] = [];
  const router = new Router({
    config,
    ledger,
    providers: { providers },
    budget: extra.budget,
    rng: createRng(1),
    newId: () => "req-1",
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { router, ledger, providers, sleeps, config };
}

describe("Router cascade", () => {
  it("answers from the first tier when its answer passes, and records one ledger row", async () => {
    const { router, ledger, providers } = setup({ fast: [{ reply: "auth" }] });
    const r = await router.route({ action: "classify", prompt: "Fixed auth bug" });
    expect(r.verdict).toBe("accepted");
    expect(r.tier).toBe("LOCAL_FAST");
    expect(r.text).toBe("auth");
    expect(r.confidence).toBe(1);
    expect(providers.quality.calls).toBe(0);
    const rows = ledger.query();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      request_id: "req-1",
      tier: "LOCAL_FAST",
      model: "fast-a",
      verdict: "accepted",
      cost_usd: 0,
      escalated_from: null,
      prompt: null,
      answer: null,
    });
    expect(rows[0]!.input_tokens).toBeGreaterThan(0);
    expect(JSON.parse(rows[0]!.checks!)).toHaveLength(2);
  });

  it("escalates below threshold and never calls the API when the middle tier passes", async () => {
    const { router, ledger, providers } = setup({ fast: [{ reply: "I think it is about something" }], quality: [{ reply: "ui" }] });
    const r = await router.route({ action: "classify", prompt: "Button misaligned" });
    expect(r.tier).toBe("LOCAL_QUALITY");
    expect(r.attempts.map((a) => a.verdict)).toEqual(["rejected", "accepted"]);
    expect(providers.api.calls).toBe(0);
    expect(ledger.query()[1]!.escalated_from).toBe("LOCAL_FAST");
  });

  it("prices the API attempt from the price table", async () => {
    const { router } = setup({ fast: [{ reply: "nope" }], quality: [{ reply: "nope" }], api: [{ reply: "docs" }] });
    const r = await router.route({ action: "classify", prompt: "Update README" });
    const api = r.attempts[2]!;
    expect(api.tier).toBe("API_FALLBACK");
    expect(api.costUsd).toBeCloseTo(api.usage.inputTokens! * 3e-6 + api.usage.outputTokens! * 1.5e-5, 12);
    expect(r.costUsd).toBeCloseTo(api.costUsd, 12);
  });

  it("retries a retryable error with the server's Retry-After, then succeeds on the same model", async () => {
    const { router, sleeps } = setup({
      fast: [{ reply: "", times: 1, error: () => new RateLimitError({ message: "slow down", retryAfterMs: 1234 }) }, { reply: "auth" }],
    });
    const r = await router.route({ action: "classify", prompt: "x" });
    expect(r.attempts.map((a) => a.verdict)).toEqual(["error", "accepted"]);
    expect(r.attempts[0]!.error).toMatchObject({ class: "RateLimitError", retryable: true });
    expect(sleeps).toEqual([1234]);
  });

  it("uses jittered exponential backoff without Retry-After, and stops after max_retries", async () => {
    const { router, sleeps } = setup({ fast: [{ reply: "", error: () => new ServerError({ message: "boom", status: 500 }) }], quality: [{ reply: "auth" }] });
    const r = await router.route({ action: "classify", prompt: "x" });
    expect(r.attempts.map((a) => `${a.tier}:${a.verdict}`)).toEqual(["LOCAL_FAST:error", "LOCAL_FAST:error", "LOCAL_FAST:error", "LOCAL_QUALITY:accepted"]);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(7.5);
    expect(sleeps[0]).toBeLessThanOrEqual(10);
    expect(sleeps[1]).toBeGreaterThanOrEqual(15);
    expect(sleeps[1]).toBeLessThanOrEqual(20);
  });

  it("does not retry an auth error; moves to the tier's next model", async () => {
    const { router, sleeps } = setup({
      fast: [{ reply: "nope" }],
      quality: [{ reply: "nope" }],
      api: [{ reply: "", error: () => new AuthenticationError({ message: "bad key", status: 401 }) }],
      api2: [{ reply: "ui" }],
    });
    const r = await router.route({ action: "classify", prompt: "x" });
    expect(r.modelId).toBe("api-model-2");
    expect(r.attempts.map((a) => a.verdict)).toEqual(["rejected", "rejected", "error", "accepted"]);
    expect(sleeps).toEqual([]);
  });

  it("returns the best below-threshold answer flagged best_effort", async () => {
    const { router } = setup(
      { fast: [{ reply: "zzz" }], quality: [{ reply: "auth but also ui", delayMs: 0 }], api: [{ reply: "?" }], api2: [{ reply: "?" }] },
      {
        mutate: (d) => {
          (d.actions as Record<string, { checks: unknown[] }>).classify!.checks = [{ id: "label_set", labels: ["auth"], gate: false }, { id: "non_empty" }];
        },
      },
    );
    const r = await router.route({ action: "classify", prompt: "x" });
    expect(r.verdict).toBe("best_effort");
    expect(r.confidence).toBe(0.5);
  });

  it("throws AllTiersFailedError with the result attached and every attempt in the ledger", async () => {
    const boom = () => new AuthenticationError({ message: "no", status: 401 });
    const { router, ledger } = setup({
      fast: [{ reply: "", error: boom }],
      quality: [{ reply: "", error: boom }],
      api: [{ reply: "", error: boom }],
      api2: [{ reply: "", error: boom }],
    });
    const err = await router.route({ action: "classify", prompt: "x" }).catch((e) => e);
    expect(err).toBeInstanceOf(AllTiersFailedError);
    expect(err.result.attempts).toHaveLength(4);
    expect(ledger.query().map((r) => r.error_class)).toEqual(Array(4).fill("AuthenticationError"));
  });

  it("times out a slow attempt per attempt and falls through", async () => {
    const { router } = setup(
      { fast: [{ reply: "auth", delayMs: 5000 }], quality: [{ reply: "ui" }] },
      {
        mutate: (d) => {
          (d.defaults as Record<string, number>).timeout_ms = 50;
          (d.retry as Record<string, number>).max_retries = 0;
        },
      },
    );
    const t = performance.now();
    const r = await router.route({ action: "classify", prompt: "x" });
    expect(performance.now() - t).toBeLessThan(2000);
    expect(r.attempts[0]!.error?.class).toBe("TimeoutError");
    expect(r.tier).toBe("LOCAL_QUALITY");
  });

  it("stops on a caller abort and still records the attempt", async () => {
    const { router, ledger } = setup({ fast: [{ reply: "auth", delayMs: 5000 }] });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    await expect(router.route({ action: "classify", prompt: "x", signal: ac.signal })).rejects.toBeInstanceOf(AbortedError);
    expect(ledger.query()).toHaveLength(1);
  });

  it("degrades to local tiers when the budget refuses a paid call", async () => {
    const budget: BudgetGuard = { reserve: () => ({ ok: false, reason: "day limit $5 reached", onExceed: "degrade" }) };
    const { router, providers } = setup({ fast: [{ reply: "nope" }], quality: [{ reply: "nope" }] }, { budget });
    const r = await router.route({ action: "classify", prompt: "x" });
    expect(providers.api.calls).toBe(0);
    expect(r.verdict).toBe("best_effort");
    expect(r.attempts.filter((a) => a.verdict === "skipped")).toHaveLength(2);
  });

  it("streams only the accepted model's text", async () => {
    const { router } = setup({ fast: [{ reply: "REJECTED-TEXT" }], quality: [{ reply: "ui" }] });
    const texts: string[] = [];
    for await (const ev of router.routeStream({ action: "classify", prompt: "x" })) if (ev.type === "text") texts.push(ev.text);
    expect(texts.join("")).toBe("ui");
  });
});

describe("Router: a caller's response format", () => {
  const schema = { type: "object", properties: { label: { type: "string" } }, required: ["label"] };

  it("adds a json_schema gate: an answer that is not JSON escalates even when its label is right", async () => {
    const { router } = setup({ fast: [{ reply: "auth" }], quality: [{ reply: '{"label": "auth"}' }] });
    const r = await router.route({ action: "classify", prompt: "x", responseFormat: { type: "json", schema } });
    expect(r.tier).toBe("LOCAL_QUALITY");
    expect(r.text).toBe('{"label": "auth"}');
    expect(r.checks.map((c) => c.id)).toContain("json_schema");
  });

  it("leaves a request without a format to the action's own checks", async () => {
    const { router } = setup({ fast: [{ reply: "auth" }] });
    expect((await router.route({ action: "classify", prompt: "x" })).tier).toBe("LOCAL_FAST");
  });
});
