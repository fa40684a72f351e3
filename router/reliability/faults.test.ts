/**
 * Fault injection through the Router with real providers against fake servers that speak each
 * wire format. For every fault: retried only when retryable, within max attempts, with the
 * server's wait or jittered backoff; the next tier answers; every attempt is a ledger row; and the
 * caller sees the text of exactly one model.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeServer } from "../../test-support/fake-http.js";
import { CircuitBreaker } from "../circuit/breaker.js";
import { AllTiersFailedError } from "../all-tiers-failed.js";
import { ScriptedProvider } from "../providers/scripted.js";
import { FAULT_KEY, faultRouter, KINDS, startFakes, type FaultScript, type Fakes, type Kind } from "../../test-support/fault-harness.js";

let fakes: Fakes;
let refusedUrl: string;
beforeAll(async () => {
  fakes = await startFakes();
  const gone = await startFakeServer(() => undefined);
  await gone.close();
  refusedUrl = gone.url;
});
afterAll(() => fakes.close());
beforeEach(() => {
  fakes.queue = [];
  fakes.fallback = { reply: ["au", "th"] };
  fakes.ollama.setModels(["fast-a"]);
});

interface FaultCase {
  name: string;
  script: (kind: Kind) => FaultScript;
  errorClass: string;
  retryable: boolean;
  /** Checks the recorded waits between the three attempts of a retryable fault. */
  delays?: (sleeps: number[]) => void;
  only?: Kind[];
  refused?: boolean;
  /** The fake Ollama lists no pulled model. */
  unpulled?: boolean;
  /** The fault is a silence: a short per-attempt timeout keeps the case fast. */
  silent?: boolean;
  /** Checks on the error message shown to a person. */
  message?: RegExp;
}

const http = (status: number, message: string, extra: Omit<Extract<FaultScript, { http: number }>, "http" | "message"> = {}): FaultScript => ({
  http: status,
  message,
  ...extra,
});
const jittered = (sleeps: number[]) => {
  expect(sleeps[0]).toBeGreaterThanOrEqual(75);
  expect(sleeps[0]).toBeLessThanOrEqual(100);
  expect(sleeps[1]).toBeGreaterThanOrEqual(150);
  expect(sleeps[1]).toBeLessThanOrEqual(200);
};
const contextMessage: Record<Kind, string> = {
  ollama: "the input length exceeds the context length",
  openai: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9100 tokens.",
  anthropic: "prompt is too long: 210000 tokens > 200000 maximum",
};

const CASES: FaultCase[] = [
  {
    name: "429 with retry-after-ms",
    script: () => http(429, "slow down", { type: "rate_limit_error", headers: { "retry-after-ms": "1500" } }),
    errorClass: "RateLimitError",
    retryable: true,
    delays: (s) => expect(s).toEqual([1500, 1500]),
  },
  {
    name: "429 with Retry-After in seconds",
    script: () => http(429, "slow down", { type: "rate_limit_error", headers: { "retry-after": "2" } }),
    errorClass: "RateLimitError",
    retryable: true,
    delays: (s) => expect(s).toEqual([2000, 2000]),
  },
  {
    name: "429 with Retry-After as an HTTP date",
    script: () => http(429, "slow down", { type: "rate_limit_error", headers: { "retry-after": new Date(Date.now() + 3000).toUTCString() } }),
    errorClass: "RateLimitError",
    retryable: true,
    // Second resolution: "3 s from now" rounds down to between 2 and 3 s.
    delays: (s) => {
      for (const d of s) {
        expect(d).toBeGreaterThan(1500);
        expect(d).toBeLessThanOrEqual(3000);
      }
    },
  },
  { name: "500", script: () => http(500, "internal error"), errorClass: "ServerError", retryable: true, delays: jittered },
  { name: "502", script: () => http(502, "bad gateway"), errorClass: "ServerError", retryable: true, delays: jittered },
  { name: "503", script: () => http(503, "unavailable", { type: "overloaded_error" }), errorClass: "ServerError", retryable: true, delays: jittered },
  { name: "connection refused", script: () => ({ reply: ["never"] }), refused: true, errorClass: "ConnectionError", retryable: true, delays: jittered },
  { name: "reset before headers", script: () => ({ fault: "reset_before_headers" }), errorClass: "ConnectionError", retryable: true },
  {
    name: "timeout before headers",
    script: () => ({ fault: "hang_before_headers" }),
    silent: true,
    errorClass: "TimeoutError",
    retryable: true,
    message: /did not finish within 200 ms/,
  },
  { name: "a stream that stalls", script: () => ({ fault: "stall_mid_stream" }), silent: true, errorClass: "TimeoutError", retryable: true },
  { name: "a stream reset mid-answer", script: () => ({ fault: "reset_mid_stream" }), errorClass: "ConnectionError", retryable: true },
  { name: "malformed JSON in the stream", script: () => ({ fault: "malformed_json" }), errorClass: "MalformedResponseError", retryable: true },
  { name: "truncated NDJSON / SSE", script: () => ({ fault: "truncated" }), errorClass: "MalformedResponseError", retryable: true },
  { name: "an error event mid-stream", script: () => ({ fault: "error_mid_stream" }), errorClass: "ServerError", retryable: true },
  {
    name: "Ollama model not pulled (404)",
    only: ["ollama"],
    unpulled: true,
    script: () => ({ reply: ["never"] }),
    errorClass: "ModelNotFoundError",
    retryable: false,
    message: /model "fast-a" not found/,
  },
  {
    name: "model not found (404)",
    only: ["openai", "anthropic"],
    script: () => http(404, "The model `fast-a` does not exist", { type: "not_found_error", code: "model_not_found" }),
    errorClass: "ModelNotFoundError",
    retryable: false,
  },
  {
    name: "context length (400)",
    script: (k) => http(400, contextMessage[k], { type: "invalid_request_error", code: "context_length_exceeded" }),
    errorClass: "ContextLengthError",
    retryable: false,
    message: /prompt exceeds the model's context/,
  },
  {
    name: "auth 401",
    script: () => http(401, "invalid x-api-key", { type: "authentication_error" }),
    errorClass: "AuthenticationError",
    retryable: false,
    message: /authentication failed \(HTTP 401\)/,
  },
  {
    name: "permission 403",
    script: () => http(403, "your key cannot use this model", { type: "permission_error" }),
    errorClass: "PermissionDeniedError",
    retryable: false,
    message: /permission denied \(HTTP 403\)/,
  },
];

const rows = CASES.flatMap((c) => KINDS.filter((k) => !c.only || c.only.includes(k)).map((kind) => ({ ...c, kind })));

describe("fault injection: the router retries what is retryable, then the next tier answers", () => {
  it.each(rows)("$kind: $name", async (c) => {
    fakes.fallback = c.script(c.kind);
    if (c.unpulled) fakes.ollama.setModels([]);
    const h = faultRouter({
      kind: c.kind,
      fakes,
      hostOverride: c.refused ? refusedUrl : undefined,
      defaults: { timeout_ms: c.silent ? 200 : 10_000, deadline_ms: 30_000 },
    });
    const before = fakes.chatCount(c.kind);
    const { result, seen } = await h.route();
    const tries = c.retryable ? 3 : 1;
    const faulty = result.attempts.slice(0, tries);
    expect(result.attempts.map((a) => a.modelId)).toEqual([...Array(tries).fill("fast-a"), "quality-a"]);
    for (const a of faulty) expect(a.error).toMatchObject({ class: c.errorClass, retryable: c.retryable });
    if (c.message) expect(faulty[0]!.error!.message).toMatch(c.message);
    if (!c.refused) expect(fakes.chatCount(c.kind) - before).toBe(tries);
    expect(h.sleeps).toHaveLength(tries - 1);
    c.delays?.(h.sleeps);
    // One model's text, and only the accepted one: no "partial answer" from the failed stream.
    expect(result).toMatchObject({ verdict: "accepted", modelId: "quality-a", text: "ui" });
    expect(seen).toBe("ui");
    const ledger = h.ledger.query();
    expect(ledger.map((r) => [r.model, r.verdict, r.error_class])).toEqual([
      ...faulty.map(() => ["fast-a", "error", c.errorClass]),
      ["quality-a", "accepted", null],
    ]);
    h.ledger.close();
  });

  it.each(KINDS)("%s: a 429 then an answer stays on the same model", async (kind) => {
    fakes.queue = [http(429, "slow down", { type: "rate_limit_error", headers: { "retry-after-ms": "25" } })];
    const h = faultRouter({ kind, fakes });
    const { result, seen } = await h.route();
    expect(result.attempts.map((a) => `${a.modelId}:${a.verdict}`)).toEqual(["fast-a:error", "fast-a:accepted"]);
    expect([h.sleeps, seen, h.ledger.query().length]).toEqual([[25], "auth", 2]);
  });

  it.each(KINDS)("%s: Ollama's not-pulled 404 names the `ollama pull` fix; auth errors name the key variable, not the key", async (kind) => {
    fakes.fallback = kind === "ollama" ? { reply: ["x"] } : http(401, `Incorrect API key provided: ${FAULT_KEY}`, { type: "authentication_error" });
    if (kind === "ollama") fakes.ollama.setModels([]);
    const h = faultRouter({ kind, fakes });
    const err = await h.router.route({ action: "classify", prompt: "x", onlyTiers: ["LOCAL_FAST"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AllTiersFailedError);
    const text = (err as AllTiersFailedError).describe();
    expect(text).toMatch(
      kind === "ollama" ? /fix: run `ollama pull fast-a` on the Ollama host/ : /fix: check the API key variable named in config\/router\.yaml/,
    );
    expect(text).not.toContain(FAULT_KEY);
  });
});

describe("deadlines", () => {
  it("a hung backend and a hung next tier: the route ends at its total deadline with every attempt recorded", async () => {
    fakes.fallback = { fault: "hang_before_headers" };
    const slow = new ScriptedProvider([{ reply: "ui", delayMs: 10_000 }], { name: "quality" });
    const h = faultRouter({ kind: "ollama", fakes, defaults: { timeout_ms: 300, deadline_ms: 500 }, quality: slow });
    const t0 = performance.now();
    const err = await h.route().catch((e: unknown) => e);
    const elapsed = performance.now() - t0;
    expect(err).toBeInstanceOf(AllTiersFailedError);
    // Ends near its 500 ms deadline, not after the 10 s reply or the hung next tier; the slack is for a loaded CI machine.
    expect(elapsed).toBeLessThan(3000);
    const classes = h.ledger.query().map((r) => r.error_class);
    expect(classes[0]).toBe("TimeoutError");
    expect(classes).toContain("DeadlineExceededError");
    expect(classes.length).toBe((err as AllTiersFailedError & { result: { attempts: unknown[] } }).result.attempts.length);
  });

  it("a Retry-After longer than the remaining deadline is not waited for: the next tier answers at once", async () => {
    fakes.fallback = http(429, "slow down", { type: "rate_limit_error", headers: { "retry-after": "30" } });
    const h = faultRouter({ kind: "openai", fakes, defaults: { deadline_ms: 5000 } });
    const { result } = await h.route();
    expect(h.sleeps).toEqual([]);
    expect(result.attempts.map((a) => `${a.modelId}:${a.verdict}`)).toEqual(["fast-a:error", "quality-a:accepted"]);
  });
});

describe("circuit breaker against a failing server", () => {
  it.each(KINDS)("%s: opens after repeated 503s, skips the model without calling it, half-opens after the cool-down", async (kind) => {
    let t = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000, now: () => t });
    fakes.fallback = http(503, "unavailable", { type: "overloaded_error" });
    const h = faultRouter({ kind, fakes, circuit: breaker });
    const before = fakes.chatCount(kind);
    await h.route();
    expect(fakes.chatCount(kind) - before).toBe(3);
    const { result } = await h.route();
    expect(result.attempts[0]).toMatchObject({ modelId: "fast-a", verdict: "skipped", error: { class: "CircuitOpenError" } });
    expect(result.text).toBe("ui");
    expect(fakes.chatCount(kind) - before).toBe(3);
    expect(
      h.ledger
        .query()
        .filter((r) => r.verdict === "skipped")
        .map((r) => r.error_class),
    ).toEqual(["CircuitOpenError"]);
    fakes.fallback = { reply: ["au", "th"] };
    t += 10_000;
    const probe = await h.route();
    expect(probe.result).toMatchObject({ modelId: "fast-a", text: "auth" });
    expect(breaker.state("fast-a")).toBe("closed");
  });
});
