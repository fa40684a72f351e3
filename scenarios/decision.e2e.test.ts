/**
 * The live path end to end on the real embedded models: `npx tsx scenarios/decision.ts --config
 * config/router.embedded.yaml` benches the tiny GGUF models, calibrates, simulates and writes the report
 * in under a minute. (The default, on replayed answers, is covered by decision.replay.e2e.test.ts.)
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modelsPresent, REPO_ROOT } from "../test-support/models.js";
import { tempDir } from "../test-support/scenario-fixtures.js";

describe("decision on the embedded engine", () => {
  it("runs bench → calibrate → simulate → report on the real tiny models in under 60 s", (ctx) => {
    if (!modelsPresent) {
      console.warn("[skip] decision e2e: ../shared/models is absent (needs stories260K.gguf and llama-2-tiny-random.gguf)");
      ctx.skip();
    }
    const dir = tempDir("tierlab-decision-e2e-");
    const out = join(dir, "out");
    const results = join(dir, "results");
    const t0 = performance.now();
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "scenarios/decision.ts"), "--config", "config/router.embedded.yaml", "--out-dir", out, "--results-dir", results],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
        timeout: 110_000,
        env: { ...process.env, ANTHROPIC_API_KEY: "" },
      },
    );
    const seconds = (performance.now() - t0) / 1000;
    console.log(`decision on embedded defaults: ${seconds.toFixed(1)} s\n${r.stdout}`);
    expect(r.status, r.stderr).toBe(0);
    // How long it takes is a perf goal (`npm run perf -- replay` times the demo), not an assertion here.
    expect(existsSync(join(out, "decision.html"))).toBe(true);
    expect(existsSync(join(out, "decision.md"))).toBe(true);
    const [run] = readdirSync(results);
    expect(run).toMatch(/^demo-/);
    expect(existsSync(join(results, run!, "simulation.json"))).toBe(true);
    expect(r.stdout).toMatch(/Monthly cost, hybrid \(P50 \/ P95\)\s+\$[\d.,]+ \/ \$[\d.,]+/);
    expect(r.stdout).toMatch(/Monthly cost, pure API \(P50 \/ P95\)/);
    expect(r.stdout).toMatch(/Savings vs pure API \(P50\)\s+[\d.]+ %/);
    expect(r.stdout).toContain(`HTML report:     ${join(out, "decision.html")}`);
  }, 120_000);
});
