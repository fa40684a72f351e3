import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { AuthenticationError, CircuitOpenError, ServerError } from "../../core/errors.js";
import { ScriptedProvider } from "../providers/scripted.js";
import { Router } from "../router.js";
import { createRng } from "../../core/rng.js";
import { CircuitBreaker, circuitOutcome, type CircuitTicket } from "./breaker.js";

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const admitOk = (b: CircuitBreaker, id = "m") => {
  const t = b.admit(id);
  expect(t.ok).toBe(true);
  return t as CircuitTicket;
};

describe("CircuitBreaker", () => {
  it("opens after N consecutive failures, refuses during the cool-down, then lets one probe through", () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, now: c.now });
    for (let i = 0; i < 3; i++) admitOk(b).report("failure");
    expect(b.state("m")).toBe("open");
    expect(b.admit("m")).toMatchObject({ ok: false, failures: 3, retryInMs: 1000 });
    c.advance(999);
    expect(b.admit("m").ok).toBe(false);
    c.advance(1);
    expect(b.state("m")).toBe("half_open");
    const probe = admitOk(b);
    expect(probe.probe).toBe(true);
    expect(b.admit("m")).toMatchObject({ ok: false }); // one probe at a time
    probe.report("success");
    expect(b.state("m")).toBe("closed");
    expect(admitOk(b).probe).toBe(false);
  });

  it("a failed probe re-opens for a fresh cool-down; a neutral one frees the probe slot", () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100, now: c.now });
    admitOk(b).report("failure");
    c.advance(100);
    admitOk(b).report("neutral");
    expect(b.state("m")).toBe("half_open");
    admitOk(b).report("failure");
    expect(b.state("m")).toBe("open");
    c.advance(50);
    expect(b.admit("m").ok).toBe(false);
  });

  it("a success resets the count; models are independent; late results from before a change are ignored", () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 100, now: c.now });
    admitOk(b).report("failure");
    admitOk(b).report("success");
    admitOk(b).report("failure");
    expect(b.state("m")).toBe("closed");
    const slow = admitOk(b);
    admitOk(b).report("failure");
    expect(b.state("m")).toBe("open");
    expect(b.state("other")).toBe("closed");
    slow.report("success"); // started before the circuit opened: says nothing about now
    expect(b.state("m")).toBe("open");
  });

  it("counts only transient failures", () => {
    expect(circuitOutcome(new ServerError({ message: "x", status: 503 }))).toBe("failure");
    expect(circuitOutcome(new AuthenticationError({ message: "x", status: 401 }))).toBe("neutral");
    expect(circuitOutcome(undefined)).toBe("success");
  });
});

describe("circuit breaker in the cascade", () => {
  it("skips an open model with a skipped CircuitOpenError attempt and half-opens after the cool-down", async () => {
    const fx = writeTestConfig((d) => {
      d.circuit = { failure_threshold: 3, cooldown_ms: 5000 };
    });
    const c = clock();
    const fast = new ScriptedProvider([{ reply: "", error: () => new ServerError({ message: "down", status: 503 }), times: 3 }, { reply: "auth" }], {
      name: "fast",
    });
    const quality = new ScriptedProvider([{ reply: "ui" }], { name: "quality" });
    const config = fx.load();
    const router = new Router({
      config,
      providers: { providers: { fast, quality } },
      circuit: new CircuitBreaker({ failureThreshold: config.data.circuit.failure_threshold, cooldownMs: config.data.circuit.cooldown_ms, now: c.now }),
      rng: createRng(1),
      sleep: async () => undefined,
    });
    const first = await router.route({ action: "classify", prompt: "x" });
    // Three failures (1 + 2 retries) open the circuit; the answer comes from the next tier.
    expect(first.attempts.map((a) => `${a.modelId}:${a.verdict}`)).toEqual(["fast-a:error", "fast-a:error", "fast-a:error", "quality-a:accepted"]);
    const second = await router.route({ action: "classify", prompt: "x" });
    expect(second.attempts[0]).toMatchObject({
      modelId: "fast-a",
      verdict: "skipped",
      latencyMs: 0,
      error: { class: CircuitOpenError.name, retryable: false },
    });
    expect(second.attempts[0]!.error!.message).toMatch(/circuit open for fast-a after 3 consecutive failures; next probe in 5 s/);
    expect(second.attempts[1]).toMatchObject({ modelId: "quality-a", escalatedFrom: "LOCAL_FAST" });
    expect(fast.calls).toBe(3);
    c.advance(5000);
    const third = await router.route({ action: "classify", prompt: "x" });
    expect(third.attempts.map((a) => `${a.modelId}:${a.verdict}`)).toEqual(["fast-a:accepted"]);
    expect(fast.calls).toBe(4);
  });
});
