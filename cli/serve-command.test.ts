import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../test-support/models.js";
import { writeTestConfig } from "../test-support/router-fixture.js";
import { SqliteLedger } from "../router/ledger/sqlite-ledger.js";

// The command module run the way cli/main.ts will run it, in a child process, so signals are real.
const ENTRY = `
import { runCli } from "./cli/program.ts";
import { serveCommand } from "./cli/serve-command.ts";
await runCli(process.argv.slice(1), [serveCommand]);
`;

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
});

function serve(args: string[], env: Record<string, string> = {}) {
  const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", ENTRY, "serve", ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = p;
  let stderr = "";
  p.stderr!.on("data", (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => p.on("exit", (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    p.stderr!.on("data", () => {
      const m = /tierlab gateway on (http:\/\/\S+)\/v1/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  listening.catch(() => {}); // a test that expects an early exit never awaits it

  return { p, listening, exited, stderr: () => stderr };
}

function scriptedConfig() {
  return writeTestConfig((d) => {
    const providers = d.providers as Record<string, { kind: string; script?: unknown }>;
    for (const name of Object.keys(providers)) providers[name]!.script = [{ reply: "auth" }];
  });
}

describe("tierlab serve", () => {
  it("serves the openai client, requires the token from --token-env, and shuts down cleanly on SIGTERM", async () => {
    const fx = scriptedConfig();
    const ledgerPath = join(fx.dir, "served.sqlite");
    const s = serve(["--config", fx.file, "--ledger", ledgerPath, "--port", "0", "--cache-ttl", "60"], { TIERLAB_TOKEN: "" });
    const url = await s.listening;
    const client = new OpenAI({ apiKey: "x", baseURL: `${url}/v1`, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: "tierlab/classify", messages: [{ role: "user", content: "Fixed login" }] });
    expect(r.choices[0]!.message.content).toBe("auth");
    await client.chat.completions.create({ model: "tierlab/classify", messages: [{ role: "user", content: "Fixed login" }] });
    s.p.kill("SIGTERM");
    expect(await s.exited).toBe(0);
    expect(s.stderr()).toContain("shutting down");
    const ledger = new SqliteLedger(ledgerPath, { readonly: true });
    try {
      expect(ledger.query().map((row) => row.cache_hit)).toEqual([false, true]);
    } finally {
      ledger.close();
    }
  }, 60_000);

  it("with --token-env set, rejects calls without the token", async () => {
    const fx = scriptedConfig();
    const s = serve(["--config", fx.file, "--ledger", join(fx.dir, "l.sqlite"), "--port", "0", "--token-env", "TIERLAB_TEST_TOKEN"], {
      TIERLAB_TEST_TOKEN: "tok-123",
    });
    const url = await s.listening;
    await expect(new OpenAI({ apiKey: "wrong", baseURL: `${url}/v1`, maxRetries: 0 }).models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const ok = await new OpenAI({ apiKey: "tok-123", baseURL: `${url}/v1`, maxRetries: 0 }).models.list();
    expect(ok.data.map((m) => m.id)).toEqual(["tierlab/classify"]);
    s.p.kill("SIGINT");
    expect(await s.exited).toBe(130);
  }, 60_000);

  it("refuses --host 0.0.0.0 without a token, with exit code 2 and a fix", async () => {
    const fx = scriptedConfig();
    const s = serve(["--config", fx.file, "--ledger", join(fx.dir, "l.sqlite"), "--host", "0.0.0.0", "--port", "0"], { TIERLAB_TOKEN: "" });
    expect(await s.exited).toBe(2);
    expect(s.stderr()).toMatch(/refusing to listen on 0\.0\.0\.0 without a token/);
    expect(s.stderr()).toContain("--token-env");
  }, 60_000);
});
