import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { AllTiersFailedError } from "../all-tiers-failed.js";
import { AuthenticationError } from "../../core/errors.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { ScriptedProvider, type ScriptLine } from "../providers/scripted.js";
import { Router } from "../router.js";
import { canonicalJson } from "./canonical-json.js";
import { ResponseCache } from "./response-cache.js";

function setup(
  scripts: { fast?: ScriptLine[]; quality?: ScriptLine[]; api?: ScriptLine[]; api2?: ScriptLine[] },
  cacheOpts: { ttlMs?: number; maxEntries?: number; maxBytes?: number } = {},
) {
  const fx = writeTestConfig();
  const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
  const clock = { t: 1_000_000 };
  const cache = new ResponseCache({
    ttlMs: cacheOpts.ttlMs ?? 60_000,
    maxEntries: cacheOpts.maxEntries ?? 100,
    maxBytes: cacheOpts.maxBytes,
    now: () => clock.t,
  });
  const providers = {
    fast: new ScriptedProvider(scripts.fast ?? [{ reply: "auth" }], { name: "fast" }),
    quality: new ScriptedProvider(scripts.quality ?? [{ reply: "auth" }], { name: "quality" }),
    api: new ScriptedProvider(scripts.api ?? [{ reply: "auth" }], { name: "api" }),
    api2: new ScriptedProvider(scripts.api2 ?? [{ reply: "auth" }], { name: "api2" }),
  };
  let n = 0;
  const router = new Router({ config: fx.load(), ledger, cache, providers: { providers }, newId: () => `req-${++n}`, sleep: async () => {} });
  const calls = () => providers.fast.calls + providers.quality.calls + providers.api.calls;
  return { router, ledger, cache, clock, providers, calls };
}

describe("ResponseCache in the router", () => {
  it("replays an accepted answer at $0 with a new request id and records one cache_hit row", async () => {
    const { router, ledger, providers, calls } = setup({ fast: [{ reply: "nope" }], quality: [{ reply: "nope" }], api: [{ reply: "docs" }] });
    const first = await router.route({ action: "classify", prompt: "Update README" });
    expect(first.tier).toBe("API_FALLBACK");
    expect(first.costUsd).toBeGreaterThan(0);
    const before = calls();
    const second = await router.route({ action: "classify", prompt: "Update README" });
    expect(calls()).toBe(before);
    expect(providers.api.calls).toBe(1);
    expect(second).toMatchObject({ verdict: "accepted", text: "docs", tier: "API_FALLBACK", modelId: "api-model", costUsd: 0, requestId: "req-2" });
    expect(second.attempts).toHaveLength(1);
    const rows = ledger.query().filter((r) => r.request_id === "req-2");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      cache_hit: true,
      cost_usd: 0,
      verdict: "accepted",
      tier: "API_FALLBACK",
      model: "api-model",
      escalated_from: null,
      input_tokens: 0,
      output_tokens: 0,
    });
    expect(
      ledger
        .query()
        .filter((r) => r.request_id === "req-1")
        .every((r) => !r.cache_hit),
    ).toBe(true);
    // Spend counts the original answer once, not the replay.
    expect(ledger.spendSince(new Date(0))).toBeCloseTo(first.costUsd, 12);
  });

  it("never caches an error", async () => {
    const { router, providers } = setup({
      fast: [{ reply: "", error: () => new AuthenticationError({ message: "bad key" }) }],
      quality: [{ reply: "", error: () => new AuthenticationError({ message: "bad key" }) }],
      api: [{ reply: "", error: () => new AuthenticationError({ message: "bad key" }) }],
      api2: [{ reply: "", error: () => new AuthenticationError({ message: "bad key" }) }],
    });
    await expect(router.route({ action: "classify", prompt: "x" })).rejects.toBeInstanceOf(AllTiersFailedError);
    await expect(router.route({ action: "classify", prompt: "x" })).rejects.toBeInstanceOf(AllTiersFailedError);
    expect(providers.fast.calls).toBe(2);
  });

  it("never caches a best-effort (below threshold) answer", async () => {
    const { router, providers, cache } = setup({
      fast: [{ reply: "nope" }],
      quality: [{ reply: "nope" }],
      api: [{ reply: "nope" }],
      api2: [{ reply: "nope" }],
    });
    expect((await router.route({ action: "classify", prompt: "x" })).verdict).toBe("best_effort");
    await router.route({ action: "classify", prompt: "x" });
    expect(providers.fast.calls).toBe(2);
    expect(cache.stats()).toMatchObject({ entries: 0, stores: 0, hits: 0 });
  });

  it("expires entries after the TTL on the injected clock", async () => {
    const { router, providers, clock, cache } = setup({}, { ttlMs: 1000 });
    await router.route({ action: "classify", prompt: "x" });
    clock.t += 999;
    await router.route({ action: "classify", prompt: "x" });
    expect(providers.fast.calls).toBe(1);
    clock.t += 1;
    await router.route({ action: "classify", prompt: "x" });
    expect(providers.fast.calls).toBe(2);
    expect(cache.stats()).toMatchObject({ hits: 1, expirations: 1 });
  });

  it("evicts the least recently used entry beyond maxEntries", async () => {
    const { router, providers, cache } = setup({}, { maxEntries: 2 });
    const ask = (p: string) => router.route({ action: "classify", prompt: p });
    await ask("a");
    await ask("b");
    await ask("a"); // hit: a becomes most recent, so b is the one to go
    await ask("c");
    expect(cache.stats()).toMatchObject({ entries: 2, evictions: 1 });
    const before = providers.fast.calls;
    await ask("a");
    expect(providers.fast.calls).toBe(before);
    await ask("b");
    expect(providers.fast.calls).toBe(before + 1);
  });

  it("keeps the stored bytes under maxBytes", async () => {
    const { router, cache } = setup({}, { maxBytes: 3000 });
    for (const p of ["a", "b", "c", "d"]) await router.route({ action: "classify", prompt: p });
    const s = cache.stats();
    expect(s.bytes).toBeLessThanOrEqual(3000);
    expect(s.entries).toBeGreaterThan(0);
    expect(s.entries).toBeLessThan(4);
  });

  it("keys on prompt, history, max tokens and tier override, not on request id or tag", async () => {
    const { router, providers } = setup({});
    const base = { action: "classify", prompt: "x" };
    await router.route(base);
    await router.route({ ...base, requestId: "other", tag: "caller-2" });
    expect(providers.fast.calls).toBe(1);
    for (const variant of [{ prompt: "y" }, { maxTokens: 7 }, { history: [{ role: "user" as const, content: "earlier" }] }, { onlyTiers: ["LOCAL_FAST"] }]) {
      const before = providers.fast.calls;
      await router.route({ ...base, ...variant });
      expect(providers.fast.calls, JSON.stringify(variant)).toBe(before + 1);
    }
  });

  it("hands out copies: mutating a replay does not change the cache", async () => {
    const { router } = setup({});
    await router.route({ action: "classify", prompt: "x" });
    const hit = await router.route({ action: "classify", prompt: "x" });
    hit.text = "tampered";
    hit.checks.length = 0;
    const again = await router.route({ action: "classify", prompt: "x" });
    expect(again.text).toBe("auth");
    expect(again.checks.length).toBeGreaterThan(0);
  });

  it("marks replays so the gateway can tell hits apart", async () => {
    const { router, cache } = setup({});
    const miss = await router.route({ action: "classify", prompt: "x" });
    const hit = await router.route({ action: "classify", prompt: "x" });
    expect(cache.isReplay(miss)).toBe(false);
    expect(cache.isReplay(hit)).toBe(true);
  });

  it("rejects nonsense options", () => {
    expect(() => new ResponseCache({ ttlMs: 0, maxEntries: 1 })).toThrow(/ttlMs/);
    expect(() => new ResponseCache({ ttlMs: 1, maxEntries: 0 })).toThrow(/maxEntries/);
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every level and drops undefined, keeping array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined } })).toBe('{"a":{"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});
