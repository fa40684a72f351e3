/**
 * The daemon as a user runs it: a child process on config/router.embedded.yaml with the real tiny
 * GGUF models, no Ollama and no API key. Skipped (with the reason printed by test-support/models.ts)
 * when ../shared/models is absent.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SqliteLedger } from "../../router/ledger/sqlite-ledger.js";
import { modelsPresent, REPO_ROOT } from "../../test-support/models.js";

const DAEMON = join(REPO_ROOT, "examples/swarm-daemon/daemon.ts");

function run(args: string[], opts: { onStdout?: (all: string, kill: (sig: NodeJS.Signals) => void) => void } = {}) {
  const env = { ...process.env };
  delete env.ANTHROPIC_API_KEY; // the test must not spend money even where a key is set
  delete env.TIERLAB_CONFIG;
  const p = spawn(process.execPath, ["--import", "tsx", DAEMON, ...args], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  p.stdout.on("data", (d) => {
    stdout += String(d);
    opts.onStdout?.(stdout, (sig) => p.kill(sig));
  });
  p.stderr.on("data", (d) => (stderr += String(d)));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => p.on("exit", (code) => resolve({ code, stdout, stderr })));
}

function readLedger(path: string) {
  const ledger = new SqliteLedger(path, { readonly: true });
  try {
    return ledger.query();
  } finally {
    ledger.close();
  }
}

describe.runIf(modelsPresent)("swarm-daemon on the embedded models", () => {
  it("runs 2 iterations on the local tiers with the API tier unavailable, then --status reports them", async () => {
    const ledgerPath = join(mkdtempSync(join(tmpdir(), "swarm-daemon-")), "ledger.sqlite");
    const r = await run(["--objective", "Test classification", "--verbose", "--max-iterations", "2", "--ledger", ledgerPath]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("planner unavailable");
    expect(r.stdout).toContain("ANTHROPIC_API_KEY is not set");
    expect(r.stdout).toContain("reached --max-iterations 2. 2 iterations, 7 routed steps, cost $0.00");
    expect(r.stdout.match(/^\s+\[\d\] (classify_memory|tag|yes_no) /gm)).toHaveLength(6);

    const rows = readLedger(ledgerPath);
    const requests = new Map<string, string>();
    for (const row of rows) requests.set(row.request_id, row.action);
    expect([...requests.values()].sort()).toEqual(["classify_memory", "classify_memory", "orchestration", "tag", "tag", "yes_no", "yes_no"]);
    expect(rows.every((row) => row.cost_usd === 0 && row.tag === "swarm-daemon" && !row.cache_hit)).toBe(true);
    for (const row of rows.filter((x) => x.tier === "API_FALLBACK")) expect(row).toMatchObject({ verdict: "error", error_class: "ProviderUnavailableError" });
    expect(
      rows.filter((x) => x.verdict === "accepted" || x.verdict === "rejected").every((x) => x.tier.startsWith("LOCAL_") && (x.output_tokens ?? 0) > 0),
    ).toBe(true);

    const s = await run(["--status", "--ledger", ledgerPath]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toContain("spend $0.00 over 7 requests");
    const calls = Object.fromEntries([...new Set(rows.map((x) => x.tier))].map((t) => [t, rows.filter((x) => x.tier === t && x.verdict !== "skipped").length]));
    for (const [tier, n] of Object.entries(calls)) expect(s.stdout).toMatch(new RegExp(`calls per tier: .*${tier} ${n}\\b`));
    const escalated = [...requests.keys()].filter((id) => rows.some((x) => x.request_id === id && x.escalated_from !== null)).length;
    expect(s.stdout).toContain(`fallback rate: ${((escalated / 7) * 100).toFixed(1)} %`);
    expect(s.stdout).toContain("budget left: global per week: $5.00 of $5.00 (spent $0.00");
    expect(s.stdout).toContain("budget left: global per month: $20.00 of $20.00 (spent $0.00");
  }, 180_000);

  it("on Ctrl-C finishes the step in flight, keeps every finished step in the ledger, and exits 130", async () => {
    const dir = mkdtempSync(join(tmpdir(), "swarm-daemon-"));
    const inbox = join(dir, "inbox.txt");
    writeFileSync(inbox, Array.from({ length: 200 }, (_, i) => `Fixed bug number ${i} in the login flow`).join("\n"));
    const ledgerPath = join(dir, "ledger.sqlite");
    let sent = false;
    const r = await run(["--verbose", "--max-iterations", "200", "--inbox", inbox, "--ledger", ledgerPath], {
      onStdout: (all, kill) => {
        if (!sent && /\[2\] classify_memory/.test(all)) {
          sent = true;
          kill("SIGINT");
        }
      },
    });
    expect(r.code).toBe(130);
    expect(r.stdout).toContain("interrupted; the ledger holds every finished step");
    expect(r.stderr).toContain("finishing what is in flight");
    const steps = r.stdout.match(/^\s+\[\d+\] \w+ /gm)!.length;
    const rows = readLedger(ledgerPath);
    expect(new Set(rows.map((x) => x.request_id)).size).toBe(steps);
    expect(rows.some((x) => x.error_class === "AbortedError")).toBe(false);
    expect(steps).toBeLessThan(20);
  }, 180_000);
});
