import { join } from "node:path";
import { usd } from "../../core/format.js";
import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { ProviderUnavailableError } from "../../core/errors.js";
import { SqliteLedger } from "../../router/ledger/sqlite-ledger.js";
import { ScriptedProvider, type ScriptLine } from "../../router/providers/scripted.js";
import { Router } from "../../router/router.js";
import { runAgentLoop } from "./agent-loop.js";
import { daemonStatus, formatStatus } from "./status.js";

/** The daemon's four actions on scripted providers, in the shared test config's three tiers. */
function setup(scripts: { fast?: ScriptLine[]; api?: ScriptLine[] } = {}) {
  const fx = writeTestConfig((d) => {
    const label = (labels: string[]) => [{ id: "label_set", labels }, { id: "finish_reason" }];
    d.actions = {
      orchestration: { tier: "API_FALLBACK", checks: [{ id: "non_empty" }] },
      classify_memory: {
        tier: "LOCAL_FAST",
        escalate: ["LOCAL_QUALITY", "API_FALLBACK"],
        template: "Topic of: {input}",
        checks: label(["auth", "ui", "docs"]),
      },
      tag: { tier: "LOCAL_FAST", escalate: ["LOCAL_QUALITY"], template: "Kind of: {input}", checks: label(["bug", "todo"]) },
      yes_no: { tier: "LOCAL_FAST", escalate: ["LOCAL_QUALITY"], checks: label(["yes", "no"]) },
    };
    d.budgets = [
      { scope: "global", period: "day", limit_usd: 1 },
      { scope: "tag", key: "daemon-test", period: "month", limit_usd: 2 },
    ];
  });
  const config = fx.load();
  const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
  const fast = new ScriptedProvider(
    scripts.fast ?? [
      { match: "Topic of: Fixed", reply: "auth" },
      { match: "Topic of: Button", reply: "nope" },
      { match: "Kind of", reply: "bug" },
      { match: "follow-up", reply: "no" },
    ],
    { name: "fast" },
  );
  const quality = new ScriptedProvider([{ reply: "ui" }], { name: "quality" });
  const api = new ScriptedProvider(scripts.api ?? [{ reply: "Plan: file the entry." }], { name: "api" });
  const router = new Router({ config, ledger, providers: { providers: { fast, quality, api, api2: api } }, sleep: async () => {} });
  const lines: string[] = [];
  return { router, ledger, config, fast, api, lines, log: (l: string) => lines.push(l) };
}

describe("swarm-daemon agent loop", () => {
  it("plans with orchestration, files each entry with the cheap actions, and stops when the inbox is empty", async () => {
    const s = setup();
    const r = await runAgentLoop({
      router: s.router,
      objective: "file the inbox",
      maxIterations: 5,
      inbox: ["Fixed login", "Button off by 2px"],
      verbose: true,
      log: s.log,
      tag: "daemon-test",
    });
    expect(r).toMatchObject({ stoppedBy: "done", iterations: 2 });
    expect(r.steps.map((x) => x.action)).toEqual(["orchestration", "classify_memory", "tag", "yes_no", "orchestration", "classify_memory", "tag", "yes_no"]);
    expect(r.memory).toEqual([
      { entry: "Fixed login", topic: "auth", tags: ["bug"], followUp: false },
      { entry: "Button off by 2px", topic: "ui", tags: ["bug"], followUp: false },
    ]);
    // The second entry escalated on classify_memory: the verbose log says where each step was answered.
    expect(s.lines.filter((l) => l.includes("classify_memory")).map((l) => /(LOCAL_\w+|API_\w+)\//.exec(l)?.[1])).toEqual(["LOCAL_FAST", "LOCAL_QUALITY"]);
    const rows = s.ledger.query();
    expect(new Set(rows.map((x) => x.request_id)).size).toBe(8);
    expect(rows.every((x) => x.tag === "daemon-test")).toBe(true);
  });

  it("stops at --max-iterations", async () => {
    const s = setup();
    const r = await runAgentLoop({ router: s.router, objective: "o", maxIterations: 1, inbox: ["Fixed a", "Fixed b"], log: s.log });
    expect(r).toMatchObject({ stoppedBy: "max-iterations", iterations: 1 });
    expect(r.memory).toHaveLength(1);
  });

  it("without the API tier, says so once and keeps going on the local tiers", async () => {
    const s = setup({ api: [{ reply: "", error: () => new ProviderUnavailableError({ message: "anthropic: ANTHROPIC_API_KEY is not set" }) }] });
    const r = await runAgentLoop({ router: s.router, objective: "o", maxIterations: 3, inbox: ["Fixed a", "Fixed b", "Fixed c"], log: s.log });
    expect(r.stoppedBy).toBe("done");
    expect(r.steps.filter((x) => x.action === "orchestration")).toHaveLength(1);
    expect(s.lines.filter((l) => l.includes("planner unavailable"))).toHaveLength(1);
    expect(s.lines.join("\n")).toContain("ANTHROPIC_API_KEY is not set");
    expect(r.memory.map((m) => m.topic)).toEqual(["auth", "auth", "auth"]);
  });

  it("on Ctrl-C finishes the step in flight, records it, and stops", async () => {
    const stop = new AbortController();
    const s = setup({ fast: [{ match: "Topic of", reply: "auth", delayMs: 100 }, { reply: "bug" }] });
    const run = runAgentLoop({ router: s.router, objective: "o", maxIterations: 5, inbox: ["Fixed a", "Fixed b"], stop: stop.signal, log: s.log });
    while (s.fast.calls === 0) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    const r = await run;
    expect(r.stoppedBy).toBe("interrupted");
    expect(r.steps.map((x) => `${x.action}:${x.verdict}`)).toEqual(["orchestration:accepted", "classify_memory:accepted"]);
    expect(
      s.ledger
        .query()
        .filter((x) => x.action === "classify_memory")
        .map((x) => x.verdict),
    ).toEqual(["accepted"]);
  });
});

describe("swarm-daemon --status", () => {
  it("reports today's spend, calls per tier, fallback rate and budget left from the ledger", async () => {
    const s = setup({ fast: [{ reply: "nope" }] });
    await runAgentLoop({ router: s.router, objective: "o", maxIterations: 1, inbox: ["Fixed a"], log: s.log, tag: "daemon-test" });
    const st = await daemonStatus({ config: s.config, ledger: s.ledger });
    const spent = s.ledger.spendSince(new Date(0));
    expect(spent).toBeGreaterThan(0);
    expect(st.today.costUsd).toBeCloseTo(spent, 12);
    expect(st.today.callsPerTier).toEqual({ API_FALLBACK: 1, LOCAL_FAST: 3, LOCAL_QUALITY: 3 });
    expect(st.today.fallbackRate).toBeCloseTo(3 / 4, 12);
    expect(st.budgets.map((b) => b.leftUsd)).toEqual([1 - spent, 2 - spent]);
    const text = formatStatus(st, "ledger.sqlite");
    expect(text).toContain("calls per tier: API_FALLBACK 1, LOCAL_FAST 3, LOCAL_QUALITY 3");
    expect(text).toContain("fallback rate: 75.0 %");
    expect(text).toContain(`budget left: global per day: ${usd(1 - spent)} of $1.00 (spent ${usd(spent)}`);
    expect(text).toContain("budget left: tag daemon-test per month");
  });

  it("counts only today's rows", async () => {
    const s = setup();
    await runAgentLoop({ router: s.router, objective: "o", maxIterations: 1, inbox: ["Fixed a"], log: s.log });
    const tomorrow = new Date(Date.now() + 86_400_000);
    expect((await daemonStatus({ config: s.config, ledger: s.ledger, now: tomorrow })).today.requests).toBe(0);
  });

  it("reports budget left as the guard enforces it: a refusing budget stops the paid planner", async () => {
    const s = setup();
    const refuse = {
      ...s.config,
      data: { ...s.config.data, budgets: [{ scope: "global" as const, period: "day" as const, limit_usd: 1e-9, on_exceed: "refuse" as const }] },
    };
    const router = new Router({ config: refuse, ledger: s.ledger, providers: { providers: { fast: s.fast, quality: s.fast, api: s.api, api2: s.api } } });
    const r = await runAgentLoop({ router, objective: "o", maxIterations: 1, inbox: ["Fixed a"], log: s.log });
    expect(r.steps[0]).toMatchObject({ action: "orchestration", verdict: "refused" });
    expect(s.api.calls).toBe(0);
    expect(formatStatus(await daemonStatus({ config: refuse, ledger: s.ledger }), "l")).toContain(
      "budget left: global per day: $0.0000000010 of $0.0000000010 (spent $0.00",
    );
  });
});
