/**
 * The front door with its defaults: `npx tsx scenarios/decision.ts` (what `npm run demo` runs) benches every
 * model of config/router.replay.yaml on replayed GSM8K answers, calibrates, simulates the gsm8k-like profile
 * and writes the report. A smaller sample and fewer trials than the defaults keep the test quick; the
 * defaults' wall time is measured by hand (README) rather than asserted here.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RunFolder } from "../bench/run/run-folder.js";
import { REPO_ROOT } from "../test-support/models.js";
import { tempDir } from "../test-support/scenario-fixtures.js";

describe("decision on the replay defaults", () => {
  it("benches every replayed model, labels latencies modelled, and writes the report", () => {
    const dir = tempDir("tierlab-decision-replay-");
    const out = join(dir, "out");
    const results = join(dir, "results");
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(REPO_ROOT, "scenarios/decision.ts"),
        "--out-dir",
        out,
        "--results-dir",
        results,
        "--limit",
        "40",
        "--trials",
        "300",
        "--sensitivity-trials",
        "40",
      ],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
        timeout: 170_000,
        env: { ...process.env, ANTHROPIC_API_KEY: "", OPENAI_API_KEY: "" },
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/bench: every replayed model on datasets\/gsm8k-replay\.jsonl, 40 items/);
    expect(r.stdout).toMatch(/Hybrid routing: should we adopt it\? \(gsm8k-like profile\)/);
    expect(r.stdout).toMatch(/Monthly cost, pure API \(P50 \/ P95\)\s+\$[\d.,]+ \/ \$[\d.,]+/);
    // The frontier headline is printed; until `bench evaluate` is wired in, it says it is not available.
    expect(r.stdout).toMatch(/Cost–quality frontier\s+(Routing gsm8k-like traffic|Send gsm8k-like traffic|not available)/);
    expect(r.stdout).toMatch(/Answers right, simulated \(P50\)\s+(\d+\.\d %|not computed)/);
    const [run] = readdirSync(results);
    const records = new RunFolder(join(results, run!)).records().filter((x) => !x.warmup);
    expect(new Set(records.map((x) => x.model_id))).toEqual(new Set(["phi3", "llama3-8b", "mixtral-8x7b", "claude-sonnet", "gpt-4o"]));
    expect(records.every((x) => x.latency_source === "modelled" && x.error === null && x.grade !== null)).toBe(true);
    const md = readFileSync(join(out, "decision.md"), "utf8");
    expect(md).toContain("Replayed answers, modelled latencies.");
    expect(md).toMatch(/modelled from the replay config's hardware profile, not measured/);
    expect(md).not.toMatch(/measured locally/);
    expect(existsSync(join(out, "decision.html"))).toBe(true);
  }, 180_000);
});
