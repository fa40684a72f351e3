/**
 * A canary API key goes through every path that could print or store it: servers that echo it in
 * 401 bodies, route errors (message, fix, cause chain, JSON), the ledger file, usage exports,
 * bench results, the calibration file, doctor output and the CLI's stdout/stderr. It must appear
 * nowhere. Also: prompts and answers reach the ledger only when store_prompts is on.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicError, startFakeAnthropic, type FakeAnthropic } from "../../test-support/fake-anthropic.js";
import { startFakeOpenAI, type FakeOpenAI } from "../../test-support/fake-openai.js";
import type { WireBody } from "../../test-support/fake-script.js";
import { REPO_ROOT } from "../../test-support/models.js";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { AllTiersFailedError } from "../all-tiers-failed.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { Router } from "../router.js";
import type { BatchCase, BatchResult } from "../../test-support/cli-batch.js";

const CANARY = "sk-canary-9f8e7d6c5b4a3210-DO-NOT-LEAK";
const ENV = { OPENAI_API_KEY: CANARY, ANTHROPIC_API_KEY: CANARY };
let openai: FakeOpenAI;
let anthropic: FakeAnthropic;

const lastUser = (body: WireBody) => JSON.stringify(body.messages ?? "");
/** Denies prompts containing "deny", echoing back the credential it received, as some servers do. */
beforeAll(async () => {
  openai = await startFakeOpenAI({
    respond: (body) => {
      const sent = String(openai.requests.at(-1)?.headers.authorization ?? "");
      return lastUser(body).includes("deny")
        ? { status: 401, type: "invalid_request_error", code: "invalid_api_key", message: `Incorrect API key provided: ${sent}` }
        : { chunks: ["docs"] };
    },
  });
  anthropic = await startFakeAnthropic({
    respond: (body) => {
      const h = anthropic.requests.at(-1)?.headers;
      return lastUser(body).includes("deny")
        ? anthropicError(401, `invalid credentials: ${String(h?.["x-api-key"] ?? h?.authorization ?? "")}`)
        : { chunks: ["docs"] };
    },
  });
});
afterAll(async () => void (await Promise.all([openai.close(), anthropic.close()])));

function secretsConfig(storePrompts: boolean) {
  return writeTestConfig((d) => {
    d.providers = {
      fast: { kind: "scripted", script: [{ match: "README", reply: "docs" }, { match: "typo", reply: "auth" }, { reply: "not sure" }] },
      quality: { kind: "scripted", script: [{ reply: "maybe" }] },
      api: { kind: "openai", base_url: openai.baseURL, api_key_env: "OPENAI_API_KEY" },
      api2: { kind: "anthropic", base_url: anthropic.url, api_key_env: "ANTHROPIC_API_KEY" },
    };
    d.ledger = { path: "ledger.sqlite", store_prompts: storePrompts };
    // Only the paid tier: a denied key leaves no local answer to fall back on.
    (d.actions as Record<string, unknown>).paid = { tier: "API_FALLBACK", escalate: [], checks: [{ id: "label_set", labels: ["docs", "auth"] }] };
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

function runBatch(cases: BatchCase[], dir: string): Promise<BatchResult[]> {
  writeFileSync(join(dir, "cases.json"), JSON.stringify(cases));
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "test-support/cli-batch.ts"), join(dir, "cases.json"), join(dir, "results.json")], {
      cwd: REPO_ROOT,
      stdio: "ignore",
    });
    p.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as BatchResult[]) : reject(new Error(`cli-batch exited ${code}`)),
    );
  });
}

describe("the API key never leaks", () => {
  it("route errors: message, fix, cause chain, attached result and ledger rows carry no key, though the servers echoed it", async () => {
    const fx = secretsConfig(true);
    const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
    const router = new Router({ config: fx.load(), ledger, providers: { env: ENV } });
    const err = await router.route({ action: "paid", prompt: "please deny this" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AllTiersFailedError);
    const e = err as AllTiersFailedError & { result: unknown };
    expect(e.result).toMatchObject({ attempts: [{ error: { class: "AuthenticationError" } }, { error: { class: "AuthenticationError" } }] });
    expect(openai.requests.at(-1)!.headers.authorization).toBe(`Bearer ${CANARY}`); // the key was really sent
    const surfaces = [e.message, e.describe(), e.stack, JSON.stringify(e.result), inspect(e, { depth: 20 }), JSON.stringify(ledger.query())];
    for (const s of surfaces) expect(s).not.toContain(CANARY);
    expect(e.describe()).toMatch(/authentication failed \(HTTP 401\): .*\[redacted\]/);
    ledger.close();
    await router.close();
  });

  it("CLI stdout/stderr, the ledger file, usage exports, bench results, calibration and doctor output", async () => {
    const fx = secretsConfig(false);
    const data = join(fx.dir, "items.jsonl");
    const header = { format: "tierlab-dataset", version: 1, name: "secrets", description: "", source: "hand-written", license: "CC0-1.0", attribution: "" };
    const items = ["Update README", "please deny", "Fix typo in docs"].map((input, i) => ({
      id: `i${i}`,
      action: "classify",
      input,
      expected: "docs",
      grader: "exact_label",
    }));
    writeFileSync(data, [header, ...items].map((l) => JSON.stringify(l)).join("\n") + "\n");
    const results = join(fx.dir, "results");
    const route = (prompt: string, more: string[] = []) => ({
      argv: ["route", "--config", fx.file, "--prompt", prompt, "--action", "paid", ...more],
      env: ENV,
    });
    const cases: BatchCase[] = [
      route("Update README"),
      route("Update README", ["--json"]),
      route("please deny"),
      route("please deny", ["--json", "--quality-check"]),
      { argv: ["usage", "--config", fx.file, "--json", "--export", join(fx.dir, "usage.jsonl")], env: ENV },
      { argv: ["usage", "--config", fx.file, "--export", join(fx.dir, "usage.csv")], env: ENV },
      {
        argv: [
          "bench",
          "run",
          "--config",
          fx.file,
          "--dataset",
          data,
          "--cascade",
          "--warmup",
          "0",
          "--results-dir",
          results,
          "--run-id",
          "r1",
          "--store-answers",
        ],
        env: ENV,
      },
      {
        argv: ["bench", "run", "--config", fx.file, "--dataset", data, "--tier", "LOCAL_FAST", "--warmup", "0", "--results-dir", results, "--run-id", "r2"],
        env: ENV,
      },
      {
        argv: [
          "bench",
          "calibrate",
          join(results, "r2"),
          "--config",
          fx.file,
          "--out",
          join(fx.dir, "calibration.json"),
          "--min-items",
          "1",
          "--method",
          "escalation_share",
          "--json",
        ],
        env: ENV,
      },
      { argv: ["doctor", "--config", fx.file], env: ENV },
      { argv: ["doctor", "--config", fx.file, "--json"], env: ENV },
    ];
    const out = await runBatch(cases, mkdtempSync(join(tmpdir(), "tierlab-secrets-")));
    // The paths really ran: an answer, a 401, an export, a bench run, a calibration, a doctor report.
    expect(out.map((r) => r.code)).toEqual([0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0]);
    expect(out[2]!.stderr).toMatch(/AuthenticationError: anthropic: authentication failed \(HTTP 401\): .*\[redacted\]/);
    expect(out[9]!.stdout).toMatch(/OPENAI_API_KEY is set/);
    for (const [i, r] of out.entries()) {
      expect(r.stdout, `case ${i} stdout`).not.toContain(CANARY);
      expect(r.stderr, `case ${i} stderr`).not.toContain(CANARY);
    }
    const written = filesUnder(fx.dir);
    for (const must of ["ledger.sqlite", "usage.jsonl", "usage.csv", join("r1", "records.jsonl"), join("r1", "summary.json"), "calibration.json"])
      expect(written.some((f) => f.endsWith(must))).toBe(true);
    for (const f of written) expect(readFileSync(f).includes(CANARY), f).toBe(false);
    process.stdout.write(`[secrets] ${out.length} CLI runs and ${written.length} written files scanned\n`);
  }, 60_000);

  it("prompts and answers are stored only when store_prompts is on", async () => {
    for (const store of [false, true]) {
      const fx = secretsConfig(store);
      const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
      const router = new Router({ config: fx.load(), ledger, providers: { env: ENV } });
      await router.route({ action: "classify", prompt: "Update README" });
      const rows = ledger.query();
      expect(rows.map((r) => r.prompt !== null)).toEqual(rows.map(() => store));
      expect(rows.at(-1)!.answer).toBe(store ? "docs" : null);
      ledger.close();
      await router.close();
    }
  });
});
