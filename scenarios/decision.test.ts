import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readSimulationResults, type SimulationResults } from "../simulator/results.js";
import { makeRecords, tempDir, writeRunFolder, writeSimulation } from "./lib/fixtures.js";
import { build, headlineOf } from "./lib/test-helpers.js";
import { usd } from "./lib/text.js";

let dir: string;
let run: string;
let simFile: string;
let sim: SimulationResults;

beforeAll(async () => {
  dir = tempDir();
  run = writeRunFolder(dir, { runId: "good-run" });
  ({ file: simFile, results: sim } = await writeSimulation(dir, "medium", { fromBench: run }));
}, 120_000);

describe("decision report from given inputs", () => {
  it("shows monthly cost P50/P95 and savings from the simulation file, and follows an edit of it", async () => {
    const a = await build("decision", ["--run", run, "--simulation", simFile], join(dir, "a"));
    const m = sim.month!;
    expect(headlineOf(a.notebook, "Monthly cost, hybrid").value).toBe(`${usd(m.hybrid_cost_usd.p50)} / ${usd(m.hybrid_cost_usd.p95)}`);
    expect(headlineOf(a.notebook, "Monthly cost, pure API").value).toBe(`${usd(m.api_cost_usd.p50)} / ${usd(m.api_cost_usd.p95)}`);
    expect(headlineOf(a.notebook, "Savings vs pure API").value).toBeCloseTo(m.savings.p50 * 100, 10);
    const edited = JSON.parse(readFileSync(simFile, "utf8")) as SimulationResults;
    edited.month!.hybrid_cost_usd.p50 = 123.45;
    const file2 = join(dir, "edited.json");
    writeFileSync(file2, JSON.stringify(edited));
    const b = await build("decision", ["--run", run, "--simulation", file2], join(dir, "b"));
    expect(headlineOf(b.notebook, "Monthly cost, hybrid").value).toBe(`$123.45 / ${usd(m.hybrid_cost_usd.p95)}`);
    const again = await build("decision", ["--run", run, "--simulation", simFile], join(dir, "a"));
    expect(again.markdown).toBe(a.markdown);
    expect(a.notebook.generatedAt).toBe("2026-01-01T10:00:00.000Z");
    expect(a.notebook.inputs.find((i) => i.name === "bench run")!.gitCommit).toBe("abcdef1");
  });

  it("measures the local answers the check kept, and says 'not yet' when they are wrong", async () => {
    const records = makeRecords({ runId: "good-run" });
    const kept = records.filter((r) => r.quality_pass === true);
    const right = kept.filter((r) => r.grade!.pass).length;
    const good = await build("decision", ["--run", run, "--simulation", simFile], join(dir, "good"));
    expect(headlineOf(good.notebook, "Local answers kept that are right").value).toBeCloseTo((right / kept.length) * 100, 10);
    expect(headlineOf(good.notebook, "Recommendation").status).not.toBe("fails");
    // The check keeps everything, the grader finds most of it wrong: the tiny models' situation.
    const bad = makeRecords({ runId: "bad-run", accuracy: 0.2 }).map((r) => ({ ...r, confidence: 1, quality_pass: true }));
    const badRun = writeRunFolder(join(dir, "bad"), { runId: "bad-run" }, bad);
    const r = await build("decision", ["--run", badRun, "--simulation", simFile], join(dir, "bad-out"));
    const rec = headlineOf(r.notebook, "Recommendation");
    expect(rec.status).toBe("fails");
    expect(rec.value).toMatch(/^Not yet/);
    expect(r.markdown).toContain("The local models are stand-ins");
    expect(r.markdown).toContain("API\\_FALLBACK pass rates are priors, not measurements");
  });

  it("with only --run, calibrates and simulates from it and keeps both files next to the report", async () => {
    const out = join(dir, "pipeline");
    // The fixture run holds the seed's actions, so it is simulated on the embedded config's medium profile.
    const r = await build("decision", ["--run", run, "--config", "config/router.embedded.yaml", "--trials", "200", "--sensitivity-trials", "40"], out);
    const calFile = join(out, "decision-inputs", "calibration.json");
    const simOut = join(out, "decision-inputs", "medium.simulation.json");
    expect(existsSync(calFile)).toBe(true);
    const written = readSimulationResults(simOut);
    expect(written.files.bench).not.toBeNull();
    expect(written.files.calibration).not.toBeNull();
    expect(written.trials).toBe(200);
    expect(r.notebook.inputs.map((i) => i.name)).toEqual(expect.arrayContaining(["bench run", "calibration (computed here)", "simulation (medium)"]));
    expect(r.printed).toContain("Monthly cost, hybrid (P50 / P95)");
    expect(r.printed).toMatch(/P\(month: savings vs pure API > 75 %\) = /);
  }, 60_000);
});
