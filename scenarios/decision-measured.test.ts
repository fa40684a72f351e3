import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { quantile } from "../bench/stats/quantile.js";
import type { SimulationResults } from "../simulator/results.js";
import { calibrateRecords } from "../bench/calibrate/calibrate.js";
import { gatherEvidence, mixCap, whatToChange } from "./lib/decision-advice.js";
import { makeRecords, tempDir, writeRunFolder, writeSimulation } from "../test-support/scenario-fixtures.js";
import { createContext } from "./lib/context.js";
import { loadRun } from "./lib/inputs.js";
import { build, headlineOf, tableWith } from "../test-support/scenario-helpers.js";

let dir: string;
let run: string;
let simFile: string;
let sim: SimulationResults;

beforeAll(async () => {
  dir = tempDir();
  run = writeRunFolder(dir, { runId: "measured-run" });
  ({ file: simFile, results: sim } = await writeSimulation(dir, "medium", { fromBench: run }));
}, 120_000);

describe("decision report: how much of this is measured", () => {
  it("lists every input cell, local priors included, and never calls a prior measured", async () => {
    const r = await build("decision", ["--run", run, "--simulation", simFile], join(dir, "m"));
    const cells = tableWith(r.notebook, "Where each simulation input came from");
    const all = sim.inputs.actions.flatMap((a) => a.chain.map((c) => ({ id: `${a.name} @ ${c.tier}`, c })));
    expect(cells.rows.map((row) => row[0])).toEqual(all.map((x) => x.id));
    for (const { id, c } of all) {
      const row = cells.rows.find((x) => x[0] === id)!;
      expect(String(row[1]).startsWith(c.pass_source === "bench" ? "measured" : "prior")).toBe(true);
    }
    // The fixture benched classify_memory and yes_no on the local tiers only: code, reasoning, ... on
    // LOCAL_QUALITY are priors, and the report says so of local cells too.
    expect(all.some(({ c }) => c.pass_source !== "bench" && c.tier === "LOCAL_QUALITY")).toBe(true);
    expect(r.markdown).toContain("Local pass rates that are priors too");
    // Token counts from the embedded engine are the stand-in model's tokenizer's.
    const tokens = tableWith(r.notebook, "Token sizes per call");
    expect(String(tokens.rows.find((x) => x[0] === "classify_memory")![1])).toMatch(/^measured: .*\(stand-in tokenizer\)$/);
    // The method table no longer says "measured pass rates, tokens and latencies" when most were priors.
    expect(r.markdown).not.toContain("measured pass rates, tokens and latencies from the bench run");
    expect(r.markdown).toMatch(/pass rates measured in \d+ of \d+ cells \(priors in \d+\)/);
    // The paid tier was not benched: how often its answers are right is the profiles file's prior, and says so.
    const api = cells.rows.filter((x) => String(x[0]).endsWith("@ API_FALLBACK"));
    expect(api.length).toBeGreaterThan(0);
    for (const row of api) expect(String(row[3])).toMatch(/prior: Beta mean/);
  });

  it("states the cap the assumed mix puts on savings, and the mix in the sensitivity", async () => {
    const cap = mixCap(sim)!;
    // Orchestration (4 % of the medium mix) starts on the paid tier; the bench's token sizes move the rest a little.
    expect(cap.paidFirst.map((p) => p.action)).toEqual(["orchestration"]);
    expect(cap.cap).toBeLessThan(0.8);
    const shown = (x: number) => `${(x * 100).toFixed(1)} %`;
    const r = await build("decision", ["--run", run, "--simulation", simFile], join(dir, "c"));
    expect(headlineOf(r.notebook, "Savings vs pure API").explanation).toContain(`the medium mix caps savings at ${shown(cap.cap)}`);
    expect(r.markdown).toContain(`as assumed ${shown(cap.cap)}, with 1.5× ${shown(mixCap(sim, 1.5)!.cap)}`);
  });

  it("uses the type-7 p95 for measured latencies, and asks for the items risk control needs (45 at 0.05 / 0.1)", async () => {
    const records = makeRecords({ runId: "small", items: 20 });
    const small = writeRunFolder(join(dir, "small"), { runId: "small", items: 20 }, records);
    const loaded = loadRun(createContext({ args: { "out-dir": dir }, cwd: dir, gitCommit: null }), small);
    const { report } = calibrateRecords(loaded.records, { sourceRun: "small" });
    expect(report.written).toBe(0);
    expect(report.items_needed).toBe(45);
    const inputs = {
      run: loaded,
      calibration: { report, calibration: undefined, file: undefined, computed: true },
      calibrated: undefined,
      frontier: { status: "unavailable" as const, reason: "not evaluated in this test" },
      sim,
      steps: [],
      madeAt: undefined,
    };
    const ev = gatherEvidence(inputs);
    const fast = records.filter((x) => x.tier === "LOCAL_FAST").map((x) => x.e2e_ms);
    expect(ev.e2eP95.find((t) => t.tier === "LOCAL_FAST")!.ms).toBe(quantile(fast, 0.95));
    const text = whatToChange(inputs, ev).find((c) => c.area === "Thresholds")!.text;
    expect(text).toContain("Bench at least 45 labelled items per action");
    expect(text).toContain("alpha 0.05, δ 0.1");
  });
});
