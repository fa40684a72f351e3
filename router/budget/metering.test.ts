/**
 * What paid attempts cost on the books, through the Router and the real SDK providers against the
 * protocol fakes: usage a provider inflates beyond the request's worst case is clamped (and flagged
 * by doctor), and an attempt that fails after streaming is billed for what streamed, not $0.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeAnthropic, type FakeAnthropic } from "../../test-support/fake-anthropic.js";
import { startFakeOpenAI, type FakeOpenAI } from "../../test-support/fake-openai.js";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { tokenCostUsd } from "../config/prices.js";
import { checkUsageAudit } from "../doctor/usage-audit-check.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { loadTokenizer } from "../providers/replay-tokenizers.js";
import { Router } from "../router.js";
import { clampUsage } from "./metering.js";
import { inputTokenUpperBound, worstCaseUsd } from "./worst-case.js";

const PRICE = { input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5 };
const fakes: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

/** One paid action on one API model behind `kind`, with a day budget of `limit`. */
async function paidRouter(kind: "openai" | "anthropic", fake: FakeOpenAI | FakeAnthropic, limit = 1) {
  const fx = writeTestConfig((d) => {
    d.providers = {
      api: kind === "openai" ? { kind, base_url: (fake as FakeOpenAI).baseURL } : { kind, base_url: fake.url },
      fast: { kind: "scripted" },
      quality: { kind: "scripted" },
      api2: { kind: "scripted" },
    };
    (d.actions as Record<string, unknown>).paid = { tier: "API_FALLBACK", escalate: [], checks: [{ id: "non_empty" }], max_tokens: 64 };
    d.retry = { max_retries: 0, base_delay_ms: 1, max_delay_ms: 1 };
    d.budgets = [{ period: "day", limit_usd: limit, on_exceed: "refuse" }];
    const tiers = d.tiers as Record<string, { models: unknown[] }>;
    tiers.API_FALLBACK!.models = tiers.API_FALLBACK!.models.slice(0, 1);
  });
  const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
  const router = new Router({ config: fx.load(), ledger });
  return { router, ledger, close: async () => (await router.close(), ledger.close()) };
}

describe("clampUsage", () => {
  it("keeps usage within the bound as it is, and clamps every field above it, cache counts within input", () => {
    const bound = { inputTokens: 100, outputTokens: 64 };
    expect(clampUsage({ inputTokens: 90, outputTokens: 64, cacheReadTokens: 50 }, bound)).toEqual({
      usage: { inputTokens: 90, outputTokens: 64, cacheReadTokens: 50 },
    });
    const over = { inputTokens: 5000, outputTokens: 9000, cacheReadTokens: 80, cacheWriteTokens: 80 };
    expect(clampUsage(over, bound)).toEqual({ usage: { inputTokens: 100, outputTokens: 64, cacheReadTokens: 80, cacheWriteTokens: 20 }, reported: over });
    expect(clampUsage({ outputTokens: 65 }, bound)).toEqual({ usage: { outputTokens: 64 }, reported: { outputTokens: 65 } });
  });
});

describe("untrusted usage: a provider reporting far more than max_tokens", () => {
  it("is recorded at the reserved worst case, the budget keeps its headroom, and the discrepancy is kept and flagged", async () => {
    const fake = await startFakeOpenAI({ respond: () => ({ chunks: ["ok"], inputTokens: 5_000_000, outputTokens: 1_000_000 }) });
    fakes.push(fake);
    const { router, ledger, close } = await paidRouter("openai", fake);
    const r = await router.route({ action: "paid", prompt: "Fixed auth bug" });
    const a = r.attempts[0]!;
    const messages = router.plan("paid").messages("Fixed auth bug");
    const bound = inputTokenUpperBound(messages);
    expect(a.usage).toEqual({ inputTokens: bound, outputTokens: 64, cacheReadTokens: 0 });
    expect(a.costUsd).toBeCloseTo(worstCaseUsd({ pricing: PRICE, inputTokens: bound, maxOutputTokens: 64 }), 12);
    // Believed, the report would have cost $30 and wiped the $1 budget.
    expect(tokenCostUsd(PRICE, { inputTokens: 5_000_000, outputTokens: 1_000_000 })).toBeCloseTo(30, 6);
    const status = await router.budget!.status(new Date());
    expect(status[0]!.spentUsd + status[0]!.heldUsd).toBeLessThan(0.01);
    const [row] = ledger.query();
    expect(JSON.parse(row!.usage_audit!)).toEqual({ reported: { input_tokens: 5_000_000, output_tokens: 1_000_000, cache_read_tokens: 0 } });
    expect(row!.output_tokens).toBe(64);
    const finding = checkUsageAudit(ledger.query());
    expect(finding).toMatchObject({ id: "ledger.usage_reported", status: "warn" });
    expect(finding.message).toContain("api-model 1×");
    expect(finding.message).toContain(`${r.requestId} attempt 1: reported 5000000 in / 1000000 out, recorded ${bound} / 64`);
    await close();
  });

  it("honest usage is recorded as reported, with no audit and no doctor warning", async () => {
    const fake = await startFakeOpenAI({ respond: () => ({ chunks: ["ok"], inputTokens: 12, outputTokens: 1 }) });
    fakes.push(fake);
    const { router, ledger, close } = await paidRouter("openai", fake);
    const r = await router.route({ action: "paid", prompt: "Fixed auth bug" });
    expect(r.attempts[0]!.usage).toMatchObject({ inputTokens: 12, outputTokens: 1 });
    expect(r.attempts[0]!.usageAudit).toBeUndefined();
    expect(ledger.query()[0]!.usage_audit).toBeNull();
    expect(checkUsageAudit(ledger.query()).status).toBe("ok");
    await close();
  });
});

describe("a paid attempt that fails after text streamed", () => {
  const CHUNKS = ["The", " answer", " is", " forty", "-two", ", because"];

  it("OpenAI, an error event mid-stream: billed for the prompt and the streamed text, counted by a named tokenizer", async () => {
    const fake = await startFakeOpenAI({ respond: () => ({ chunks: CHUNKS, fault: "error_event_mid_stream" }) });
    fakes.push(fake);
    const { router, ledger, close } = await paidRouter("openai", fake);
    await expect(router.route({ action: "paid", prompt: "Fixed auth bug" })).rejects.toThrow(/no tier answered/);
    const tok = await loadTokenizer("o200k_base");
    const messages = router.plan("paid").messages("Fixed auth bug");
    const usage = { inputTokens: messages.reduce((n, m) => n + tok.count(m.content), 0), outputTokens: tok.count(CHUNKS.join("")) };
    const [row] = ledger.query();
    expect(row).toMatchObject({ verdict: "error", input_tokens: usage.inputTokens, output_tokens: usage.outputTokens });
    expect(row!.cost_usd).toBeCloseTo(tokenCostUsd(PRICE, usage), 15);
    expect(row!.cost_usd).toBeGreaterThan(0);
    expect(JSON.parse(row!.usage_audit!).counted_by).toMatch(/o200k_base/);
    // Settled, not released: the budget counts it.
    expect((await router.budget!.status(new Date()))[0]!.spentUsd).toBeCloseTo(row!.cost_usd, 15);
    await close();
  });

  it("Anthropic, stream cut before message_stop: the input count is the provider's own (from message_start)", async () => {
    const fake = await startFakeAnthropic({ respond: () => ({ chunks: CHUNKS, inputTokens: 9, fault: "truncated_sse" }) });
    fakes.push(fake);
    const { router, ledger, close } = await paidRouter("anthropic", fake);
    process.env.ANTHROPIC_API_KEY ??= "sk-ant-test";
    await expect(router.route({ action: "paid", prompt: "Fixed auth bug" })).rejects.toThrow(/no tier answered/);
    const tok = await loadTokenizer("o200k_base");
    const [row] = ledger.query();
    expect(row).toMatchObject({ verdict: "error", input_tokens: 9, output_tokens: tok.count(CHUNKS.join("")) });
    expect(row!.cost_usd).toBeCloseTo(tokenCostUsd(PRICE, { inputTokens: 9, outputTokens: tok.count(CHUNKS.join("")) }), 15);
    await close();
  });

  it("a caller abort after the first text is billed too; a failure before any text stays $0 and releases the reservation", async () => {
    const fake = await startFakeOpenAI({ respond: () => ({ chunks: CHUNKS, gapMs: [0, 5000] }) });
    fakes.push(fake);
    const { router, ledger, close } = await paidRouter("openai", fake);
    const stop = new AbortController();
    const routed = router.routeStream({ action: "paid", prompt: "Fixed auth bug", signal: stop.signal });
    // The paid tier is the last one: its text streams live, so the first piece is the cue to abort.
    let received = "";
    await expect(
      (async () => {
        for await (const ev of routed) {
          if (ev.type !== "text") continue;
          received += ev.text;
          stop.abort();
        }
      })(),
    ).rejects.toThrow();
    const [aborted] = ledger.query();
    expect(aborted).toMatchObject({ verdict: "error", error_class: "AbortedError" });
    expect(aborted!.output_tokens).toBeGreaterThanOrEqual((await loadTokenizer("o200k_base")).count(received));
    expect(aborted!.output_tokens).toBeGreaterThan(0);
    expect(aborted!.cost_usd).toBeCloseTo(tokenCostUsd(PRICE, { inputTokens: aborted!.input_tokens!, outputTokens: aborted!.output_tokens! }), 15);

    const refused = await startFakeOpenAI({ respond: () => ({ status: 500, type: "server_error", message: "boom" }) });
    fakes.push(refused);
    const second = await paidRouter("openai", refused);
    await expect(second.router.route({ action: "paid", prompt: "x" })).rejects.toThrow(/no tier answered/);
    expect(second.ledger.query().map((r) => [r.verdict, r.cost_usd, r.usage_audit])).toEqual([["error", 0, null]]);
    expect((await second.router.budget!.status(new Date()))[0]).toMatchObject({ spentUsd: 0, heldUsd: 0 });
    await second.close();
    await close();
  });
});
