/**
 * The streaming rule (cascade.ts): live text only where no other model can replace the answer (the
 * last reachable tier, or a tier with threshold 0); a checked answer on an earlier tier is released
 * only after its check. GatedProvider holds every piece after the first until released, so "live"
 * means: the caller saw the first piece while the model was still writing.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GatedProvider } from "../test-support/gated-provider.js";
import { writeTestConfig } from "../test-support/router-fixture.js";
import type { Provider } from "./contracts/provider.js";
import { AllTiersFailedError } from "./all-tiers-failed.js";
import { SqliteLedger } from "./ledger/sqlite-ledger.js";
import { ScriptedProvider } from "./providers/scripted.js";
import { Router, type RouteEvent } from "./router.js";

function setup(providers: Partial<Record<"fast" | "quality" | "api" | "api2", Provider>>, mutate?: (d: Record<string, unknown>) => void) {
  const fx = writeTestConfig(mutate);
  const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
  const all = {
    fast: providers.fast ?? new ScriptedProvider([{ reply: "nope" }], { name: "fast" }),
    quality: providers.quality ?? new ScriptedProvider([{ reply: "nope" }], { name: "quality" }),
    api: providers.api ?? new ScriptedProvider([{ reply: "auth" }], { name: "api" }),
    api2: providers.api2 ?? new ScriptedProvider([{ reply: "auth" }], { name: "api2" }),
  };
  return { router: new Router({ config: fx.load(), ledger, providers: { providers: all }, sleep: async () => {} }), ledger };
}

/** Whether a pending promise settles within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms = 50): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const got = await Promise.race([p.then(() => true), late]);
  clearTimeout(timer);
  return got;
}

async function drain(it: AsyncIterator<RouteEvent>): Promise<RouteEvent[]> {
  const out: RouteEvent[] = [];
  for (let r = await it.next(); !r.done; r = await it.next()) out.push(r.value);
  return out;
}

describe("routeStream: which answers stream live", () => {
  it("streams the last tier's answer while the model is still writing", async () => {
    const api = new GatedProvider(["au", "th"], { name: "api" });
    const { router } = setup({ api });
    const it = router.routeStream({ action: "classify", prompt: "Fixed login" })[Symbol.asyncIterator]();
    expect(await it.next()).toMatchObject({ value: { type: "answer", live: true, tier: "API_FALLBACK", modelId: "api-model" } });
    // The second piece is still held by the model: the first reached us live.
    expect(await it.next()).toMatchObject({ value: { type: "text", text: "au" } });
    api.release();
    const rest = await drain(it);
    expect(rest[0]).toEqual({ type: "text", text: "th" });
    const result = rest.find((e) => e.type === "result")!;
    expect(result.type === "result" && result.result).toMatchObject({ verdict: "accepted", text: "auth", tier: "API_FALLBACK", answerAttempt: 3 });
  });

  it("buffers a checked answer on an earlier tier until its check passes, then releases it whole", async () => {
    const fast = new GatedProvider(["au", "th"], { name: "fast" });
    const { router } = setup({ fast });
    const it = router.routeStream({ action: "classify", prompt: "Fixed login" })[Symbol.asyncIterator]();
    const first = it.next();
    expect(await settlesWithin(first)).toBe(false);
    fast.release();
    const events = [(await first).value as RouteEvent, ...(await drain(it))];
    expect(events[0]).toMatchObject({ type: "answer", live: false, tier: "LOCAL_FAST" });
    expect(events[1]).toEqual({ type: "text", text: "auth" });
    expect(events.filter((e) => e.type === "text")).toHaveLength(1);
  });

  it("never shows a rejected earlier answer: the stream carries the next tier's text only", async () => {
    const fast = new GatedProvider(["I think ", "it is about logins"], { name: "fast" });
    const { router } = setup({ fast, quality: new ScriptedProvider([{ reply: "ui" }], { name: "quality" }) });
    fast.release();
    const events = await drain(router.routeStream({ action: "classify", prompt: "x" })[Symbol.asyncIterator]());
    expect(events.filter((e) => e.type === "text").map((e) => e.type === "text" && e.text)).toEqual(["ui"]);
  });

  it("streams live on a tier whose threshold is 0, even when it is not the last", async () => {
    const fast = new GatedProvider(["do", "cs"], { name: "fast" });
    const { router } = setup({ fast }, (d) => {
      (d.actions as Record<string, Record<string, unknown>>).classify!.threshold = 0;
    });
    const it = router.routeStream({ action: "classify", prompt: "x" })[Symbol.asyncIterator]();
    expect(await it.next()).toMatchObject({ value: { type: "answer", live: true, tier: "LOCAL_FAST" } });
    expect(await it.next()).toMatchObject({ value: { type: "text", text: "do" } });
    fast.release();
    await drain(it);
  });

  it("keeps a live answer that scores below threshold, even when an earlier rejected one scored higher", async () => {
    // fast: a label outside the set (gate fails, confidence 0); api: not a label either but live.
    const api = new GatedProvider(["no label ", "here at all"], { name: "api" });
    api.release();
    const { router } = setup({ api, fast: new ScriptedProvider([{ reply: "bogus" }], { name: "fast" }) });
    const events = await drain(router.routeStream({ action: "classify", prompt: "x" })[Symbol.asyncIterator]());
    const result = events.find((e) => e.type === "result");
    expect(result?.type === "result" && result.result).toMatchObject({ verdict: "best_effort", text: "no label here at all", tier: "API_FALLBACK" });
  });

  it("ends the route when a live answer breaks off after its first text: no retry, no other model", async () => {
    const api = new GatedProvider(["au", "th"], { name: "api", failAfter: 1 });
    const api2 = new ScriptedProvider([{ reply: "auth" }], { name: "api2" });
    const { router, ledger } = setup({ api, api2 });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const ev of router.routeStream({ action: "classify", prompt: "x" })) if (ev.type === "text") seen.push(ev.text);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(AllTiersFailedError);
    expect(err.message).toMatch(/broke off/);
    expect(seen).toEqual(["au"]);
    expect(api.calls).toBe(1);
    expect(api2.calls).toBe(0);
    expect(ledger.query().map((r) => r.verdict)).toEqual(["rejected", "rejected", "error"]);
  });

  it("falls over to the next model of the last tier when the first fails before any text", async () => {
    const api = new GatedProvider(["au"], { name: "api", failAfter: 0 });
    const { router } = setup({ api }, (d) => {
      (d.retry as Record<string, number>).max_retries = 0;
    });
    const events = await drain(router.routeStream({ action: "classify", prompt: "x" })[Symbol.asyncIterator]());
    expect(events[0]).toMatchObject({ type: "answer", live: true, modelId: "api-model-2" });
  });

  it("aborts the route when the consumer stops reading", async () => {
    const api = new GatedProvider(["au", "th"], { name: "api" });
    const { router, ledger } = setup({ api });
    for await (const ev of router.routeStream({ action: "classify", prompt: "x" })) if (ev.type === "text") break;
    await new Promise((r) => setTimeout(r, 20));
    expect(ledger.query().at(-1)).toMatchObject({ verdict: "error", error_class: "AbortedError" });
  });
});
