import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeOllama, type FakeOllama } from "../../test-support/fake-ollama.js";
import { startFakeServer } from "../../test-support/fake-http.js";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { paidRow } from "../../test-support/ledger-rows.js";
import type { LedgerRecord } from "../contracts/ledger-record.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { DEFAULT_THRESHOLDS, type DoctorFinding } from "./contract.js";
import { formatReport, runDoctor } from "./doctor.js";

const CANARY = "sk-canary-doctor-5e1f0a9c7b3d";
const NOW = new Date("2026-11-25T12:00:00Z");
let fake: FakeOllama | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function doctor(opts: { host: string; env?: NodeJS.ProcessEnv; which?: string; ledgerPath?: string; rows?: LedgerRecord[]; paidAction?: boolean }) {
  const fx = writeTestConfig((d) => {
    d.providers = {
      fast: { kind: "ollama", host: opts.host },
      quality: { kind: "ollama", host: opts.host },
      api: { kind: "anthropic" },
      api2: { kind: "openai" },
    };
    const tiers = d.tiers as Record<string, Record<string, unknown>>;
    tiers.LOCAL_FAST!.latency_ms = [50, 200];
    tiers.API_FALLBACK!.latency_ms = [1000, 5000];
    if (opts.paidAction) (d.actions as Record<string, unknown>).paid = { tier: "API_FALLBACK", checks: [{ id: "non_empty" }] };
  });
  const ledgerPath = opts.ledgerPath ?? join(fx.dir, "ledger.sqlite");
  if (opts.rows) {
    const l = new SqliteLedger(ledgerPath);
    l.writeNow(opts.rows);
    l.close();
  }
  const report = await runDoctor({
    config: fx.load(),
    env: opts.env ?? { ANTHROPIC_API_KEY: CANARY, OPENAI_API_KEY: CANARY },
    fetch: globalThis.fetch,
    now: () => NOW,
    which: () => opts.which,
    ledger: { backend: "sqlite", path: ledgerPath },
    thresholds: DEFAULT_THRESHOLDS,
  });
  const find = (id: string) => report.findings.find((f) => f.id === id) as DoctorFinding;
  return { report, find, text: formatReport(report), fx };
}

describe("tierlab doctor", () => {
  it("a healthy setup: Ollama answers, models pulled, keys set (never printed), ledger writable", async () => {
    fake = await startFakeOllama({ models: ["fast-a", "quality-a:latest"], version: "0.9.0" });
    const { report, find, text } = await doctor({ host: fake.url, which: "/usr/local/bin/ollama" });
    expect(report.ok).toBe(true);
    expect(find("ollama.reachable.fast")).toMatchObject({ status: "ok", message: `Ollama 0.9.0 answers at ${fake.url}` });
    expect(find("ollama.models.quality")!.status).toBe("ok");
    expect(find("keys.api")).toMatchObject({ status: "ok", message: "ANTHROPIC_API_KEY is set" });
    expect(find("ledger.writable")!.status).toBe("ok");
    expect(JSON.stringify(report) + text).not.toContain(CANARY);
  });

  it("configured models missing from /api/tags fail with the `ollama pull` fix", async () => {
    fake = await startFakeOllama({ models: ["fast-a"] });
    const { report, find, text } = await doctor({ host: fake.url });
    expect(report.ok).toBe(false);
    expect(find("ollama.models.quality")).toMatchObject({ status: "fail", fix: "ollama pull quality-a" });
    expect(find("ollama.models.quality")!.message).toContain("not pulled");
    expect(text).toMatch(/\[FAIL\] ollama\.models\.quality: .*\n\s+fix: ollama pull quality-a/);
  });

  it("Ollama not reachable: install it when it is not on PATH, start it when it is", async () => {
    const closed = await startFakeServer(() => undefined);
    await closed.close();
    const absent = await doctor({ host: closed.url });
    expect(absent.find("ollama.reachable.fast")).toMatchObject({ status: "fail", message: expect.stringContaining("not installed") });
    expect(absent.find("ollama.reachable.fast")!.fix).toMatch(/ollama\.com\/install\.sh/);
    expect(absent.find("ollama.models.fast")).toBeUndefined();
    const stopped = await doctor({ host: closed.url, which: "/usr/bin/ollama" });
    expect(stopped.find("ollama.reachable.fast")).toMatchObject({
      status: "fail",
      message: expect.stringContaining("installed (/usr/bin/ollama) but does not answer"),
    });
    expect(stopped.find("ollama.reachable.fast")!.fix).toMatch(/ollama serve/);
  });

  it("missing keys warn, and fail when an action starts on a tier left without a usable model; keys are never printed", async () => {
    fake = await startFakeOllama({ models: ["fast-a", "quality-a"] });
    const both = await doctor({ host: fake.url, env: {} });
    expect(both.find("keys.api")).toMatchObject({
      status: "warn",
      message: expect.stringMatching(/^ANTHROPIC_API_KEY is missing: .*escalations to API_FALLBACK will fail/),
    });
    const paidFirst = await doctor({ host: fake.url, env: {}, paidAction: true });
    expect(paidFirst.find("keys.api")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/tier API_FALLBACK has no usable model and is the first tier of paid$/),
    });
    expect(paidFirst.report.ok).toBe(false);
    const one = await doctor({ host: fake.url, env: { OPENAI_API_KEY: CANARY } });
    expect(one.find("keys.api")!.status).toBe("warn");
    expect(one.find("keys.api2")).toMatchObject({ status: "ok", message: "OPENAI_API_KEY is set" });
    expect(one.text).not.toContain(CANARY);
  });

  it("an unwritable ledger path fails", async () => {
    fake = await startFakeOllama({ models: ["fast-a", "quality-a"] });
    const { fx } = await doctor({ host: fake.url });
    const file = join(fx.dir, "a-file");
    writeFileSync(file, "x");
    const { find } = await doctor({ host: fake.url, ledgerPath: join(file, "ledger.sqlite") });
    expect(find("ledger.writable")).toMatchObject({ status: "fail", message: expect.stringContaining("is a file, not a folder") });
  });

  it("a high fallback rate, slow p95 and failing quality checks over the last 24 h are warnings with fixes; older rows are ignored", async () => {
    fake = await startFakeOllama({ models: ["fast-a", "quality-a"] });
    const at = new Date(NOW.getTime() - 3_600_000);
    const rows: LedgerRecord[] = [];
    for (let i = 0; i < 30; i++) {
      const checks = JSON.stringify([{ id: "label_set", score: 0, pass: false, reason: "not a label" }]);
      const first = {
        ...paidRow({ requestId: `r${i}`, costUsd: 0, at }),
        tier: "LOCAL_FAST",
        model: "fast-a",
        latency_ms: 900,
        verdict: i < 20 ? ("rejected" as const) : ("accepted" as const),
        checks,
      };
      rows.push(first);
      if (i < 20) rows.push({ ...paidRow({ requestId: `r${i}`, attempt: 2, costUsd: 0.001, at }), escalated_from: "LOCAL_FAST", latency_ms: 1500 });
    }
    rows.push(
      ...Array.from({ length: 50 }, (_, i) => ({
        ...paidRow({ requestId: `old${i}`, costUsd: 0, at: new Date(NOW.getTime() - 30 * 3_600_000) }),
        tier: "LOCAL_FAST",
        latency_ms: 10,
      })),
    );
    const { report, find } = await doctor({ host: fake.url, rows });
    expect(report.ok).toBe(true); // warnings do not fail the doctor
    expect(find("ledger.fallback_rate")).toMatchObject({
      status: "warn",
      message: expect.stringMatching(/^fallback rate 66\.7 % over 30 requests .* highest for action "classify"/),
    });
    expect(find("ledger.fallback_rate")!.fix).toMatch(/bench calibrate/);
    expect(find("ledger.latency.LOCAL_FAST")).toMatchObject({ status: "warn", message: expect.stringContaining("p95 latency 900 ms") });
    expect(find("ledger.latency.LOCAL_FAST")!.fix).toMatch(/quantised|GPU/);
    expect(find("ledger.latency.API_FALLBACK")!.status).toBe("ok");
    expect(find("ledger.quality.fast-a")).toMatchObject({
      status: "warn",
      message: expect.stringContaining("20 of 30 answers (67 %) failed their quality checks in the last 24 h; most often label_set"),
    });
  });

  it("replay recordings: a file that loads is ok and says latencies are modelled; a broken one fails at its line", async () => {
    const fx = writeTestConfig((d) => {
      const latency = { prefill_tokens_per_s: 1000, decode_tokens_per_s: 50, round_trip_ms: { median: 10, log_sd: 0 } };
      d.providers = {
        replay: {
          kind: "replay",
          models: {
            good: { recordings: ["good.jsonl"], tokenizer: "o200k_base", latency },
            bad: { recordings: ["bad.jsonl"], tokenizer: "o200k_base", latency },
          },
        },
      };
      d.tiers = {
        LOCAL_FAST: {
          local: true,
          models: [
            { id: "g", provider: "replay", model: "good" },
            { id: "b", provider: "replay", model: "bad" },
          ],
        },
      };
      (d.actions as Record<string, { escalate: string[] }>).classify!.escalate = [];
    });
    const head = JSON.stringify({ format: "tierlab-replay", version: 1, model: "m", source: "test", license: "CC0-1.0", attribution: "" });
    writeFileSync(join(fx.dir, "good.jsonl"), `${head}\n{"id":"a","output":"x"}\n`);
    writeFileSync(join(fx.dir, "bad.jsonl"), `${head}\n{"id":"a"}\n`);
    const report = await runDoctor({
      config: fx.load(),
      env: {},
      fetch: globalThis.fetch,
      now: () => NOW,
      which: () => undefined,
      ledger: { backend: "sqlite", path: join(fx.dir, "l.sqlite") },
      thresholds: DEFAULT_THRESHOLDS,
    });
    const find = (id: string) => report.findings.find((f) => f.id === id);
    expect(find("replay.g")).toMatchObject({ status: "ok", message: expect.stringContaining("modelled, not measured") });
    expect(find("replay.b")).toMatchObject({ status: "fail", message: expect.stringContaining(`${join(fx.dir, "bad.jsonl")}:2: output:`) });
    expect(report.ok).toBe(false);
  });
});
