import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../core/exit-codes.js";
import { readSimulationResults, SimulationResultsSchema } from "../simulator/results.js";
import { FIXTURE_CONFIG, profilesYaml, tempDir, writeTemp } from "../test-support/simulator-fixtures.js";

const dir = tempDir();
const profiles = writeTemp(dir, "p.yaml", profilesYaml({ iterations: 10, calls: 5, mix: { classify_memory: 0.6, code: 0.3, orchestration: 0.1 } }));
const common = [
  "--config",
  FIXTURE_CONFIG,
  "--profiles",
  profiles,
  "--usage",
  "test",
  "--days",
  "7",
  "--trials",
  "200",
  "--sensitivity-trials",
  "30",
  "--threads",
  "2",
];

function simulate(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "cli/simulate-main.ts", ...args], { encoding: "utf8", timeout: 60_000 });
}

describe("simulate CLI", () => {
  it("--json prints the results file, --out writes the same bytes, and a rerun is byte-identical", () => {
    const out = join(dir, "sim.json");
    const a = simulate([...common, "--json", "--out", out]);
    expect(a.stderr).toBe("");
    expect(a.status).toBe(EXIT.ok);
    expect(SimulationResultsSchema.parse(JSON.parse(a.stdout)).days).toBe(7);
    expect(readFileSync(out, "utf8")).toBe(a.stdout);
    expect(readSimulationResults(out).trials).toBe(200);
    const b = simulate([...common, "--json", "--threads", "1"]);
    expect(b.stdout).toBe(a.stdout);
  });

  it("prints the human table by default", () => {
    const r = simulate(common);
    expect(r.status).toBe(EXIT.ok);
    for (const s of [
      "hybrid cost",
      "pure API cost",
      "savings",
      "local share",
      "answers right",
      "self-check pass rate",
      "p95 latency",
      "Per week (days 1-7)",
      "P(cost > budget",
      "Seed success metrics",
      "Sensitivity",
      "Break-even",
    ])
      expect(r.stdout).toContain(s);
  });

  it("a bad profiles file exits 2 with file:line: field", () => {
    const bad = writeTemp(dir, "bad.yaml", profilesYaml({ iterations: 10, calls: 5, mix: { classify_memory: 0.5 } }));
    const r = simulate(["--config", FIXTURE_CONFIG, "--profiles", bad, "--usage", "test"]);
    expect(r.status).toBe(EXIT.badInput);
    expect(r.stderr).toMatch(/bad\.yaml:10: profiles\.test\.action_mix: shares must sum to 1/);
    const flags = simulate(["--config", FIXTURE_CONFIG, "--profiles", profiles, "--usage", "test", "--trials", "0"]);
    expect(flags.status).toBe(EXIT.badInput);
    expect(flags.stderr).toContain("--trials must be an integer");
  });

  it("--reproduce-seed marks the seed's claims", () => {
    const r = simulate(["--reproduce-seed", "--config", FIXTURE_CONFIG]);
    expect(r.status).toBe(EXIT.ok);
    expect(r.stdout).toContain("[HOLDS] Hybrid: $1,993");
    expect(r.stdout).toContain("[INCONSISTENT] After 1 week: cost < $5/week");
  });
});
