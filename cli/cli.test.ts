import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../test-support/router-fixture.js";
import { runCli } from "../test-support/run-cli.js";

const scripted = () =>
  writeTestConfig((d) => {
    d.providers = {
      fast: { kind: "scripted", script: [{ match: "auth", reply: "auth" }, { reply: "not sure" }] },
      quality: { kind: "scripted", script: [{ reply: "ui" }] },
      api: { kind: "scripted", script: [{ reply: "docs" }] },
      api2: { kind: "scripted", script: [{ reply: "docs" }] },
    };
  });

describe("tierlab CLI", () => {
  it("route --json prints a RouteResult and records the attempts; usage summarises them", () => {
    const fx = scripted();
    const a = runCli(["route", "--config", fx.file, "--prompt", "Fixed auth bug", "--action", "classify", "--json"]);
    expect(a.status).toBe(0);
    const r = JSON.parse(a.stdout);
    expect(r).toMatchObject({ version: 1, verdict: "accepted", tier: "LOCAL_FAST", text: "auth" });
    const b = runCli(["route", "--config", fx.file, "--prompt", "Button misaligned", "--action", "classify", "--quality-check"]);
    expect(b.status).toBe(0);
    expect(b.stdout).toMatch(/tier: LOCAL_QUALITY/);
    expect(b.stdout).toMatch(/#1 LOCAL_FAST fast-a: rejected/);
    expect(b.stdout).toMatch(/check label_set: 1\.00 pass/);
    const u = runCli(["usage", "--config", fx.file, "--topic", "llm_cost", "--recent", "24h", "--json", "--export", join(fx.dir, "llm_usage.jsonl")]);
    expect(u.status).toBe(0);
    const s = JSON.parse(u.stdout);
    expect(s).toMatchObject({ requests: 2, attempts: 3, callsPerTier: { LOCAL_FAST: 2, LOCAL_QUALITY: 1 }, localShare: 1, fallbackRate: 0.5, passRate: 1 });
    const lines = readFileSync(join(fx.dir, "llm_usage.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toMatchObject({ version: 1, action: "classify", tier: "LOCAL_FAST" });
    const csv = runCli(["usage", "--config", fx.file, "--export", join(fx.dir, "u.csv")]);
    expect(csv.status).toBe(0);
    expect(readFileSync(join(fx.dir, "u.csv"), "utf8").split("\n")[0]).toMatch(/^version,ts,request_id,action,tier/);
  }, 120_000);

  it("route --stream prints only the accepted answer", () => {
    const fx = scripted();
    const r = runCli(["route", "--config", fx.file, "--prompt", "something", "--action", "classify", "--stream"]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("ui");
    expect(r.stdout).not.toContain("not sure\n");
  });

  // One CLI start per test: each is a whole tsx start-up, several seconds on a loaded 2-core machine.
  it("exits 2 naming the known actions for an unknown one", () => {
    const unknown = runCli(["route", "--config", scripted().file, "--prompt", "x", "--action", "nope"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown action "nope"/);
    expect(unknown.stderr).toMatch(/use one of: classify/);
  });

  it("exits 2 on a missing required flag", () => {
    const flag = runCli(["route", "--config", scripted().file, "--action", "classify"]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/give the input with exactly one of --prompt TEXT or --prompt-file FILE/);
  });

  it("exits 2 on a time window it cannot read", () => {
    const window = runCli(["usage", "--config", scripted().file, "--recent", "yesterday"]);
    expect(window.status).toBe(2);
    expect(window.stderr).toMatch(/--recent: "yesterday" is not a time window/);
  });

  it("exits 3 when no tier answers, naming the missing keys", () => {
    const down = writeTestConfig((d) => {
      d.providers = {
        fast: { kind: "ollama", host: "http://127.0.0.1:9" },
        quality: { kind: "ollama", host: "http://127.0.0.1:9" },
        api: { kind: "anthropic" },
        api2: { kind: "openai" },
      };
      d.retry = { max_retries: 0 };
    });
    const failed = runCli(["route", "--config", down.file, "--prompt", "x", "--action", "classify"], { env: { ANTHROPIC_API_KEY: "", OPENAI_API_KEY: "" } });
    expect(failed.status).toBe(3);
    expect(failed.stderr).toMatch(/no tier answered/);
    expect(failed.stdout).toMatch(/ANTHROPIC_API_KEY|OPENAI_API_KEY/);
    // One fix per distinct cause, not only the last error's: start Ollama, and set each key.
    expect(failed.stderr).toMatch(
      /fix: install Ollama and run `ollama serve`, or set OLLAMA_HOST; and export ANTHROPIC_API_KEY=\.\.\. or remove the tier; and export OPENAI_API_KEY=/,
    );
  });

  it("--help lists the commands and the exit codes", () => {
    const h = runCli(["--help"]);
    expect(h.status).toBe(0);
    for (const c of ["route", "usage", "bench"]) expect(h.stdout).toContain(c);
    expect(h.stdout).toMatch(/Exit codes: 0 ok/);
  });
});
