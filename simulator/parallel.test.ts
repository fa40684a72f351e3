import { describe, expect, it } from "vitest";
import { serializeResults, SimulationResultsSchema } from "./results.js";
import { runSimulation, type SimulateOptions } from "./run.js";
import { calibrationV2, FIXTURE_CONFIG, profilesYaml, tempDir, writeTemp } from "../test-support/simulator-fixtures.js";

const profiles = writeTemp(
  tempDir(),
  "profiles.yaml",
  profilesYaml({ iterations: 20, calls: 5, mix: { classify_memory: 0.5, code: 0.3, summarize: 0.15, orchestration: 0.05 } }),
);
const base: SimulateOptions = { usage: "test", days: 14, trials: 240, seed: 42, mode: "aggregated", config: FIXTURE_CONFIG, profiles, sensitivityTrials: 40 };

describe("determinism", () => {
  it("the same seed gives byte-identical results for 1, 2 and 3 threads (aggregated, with sensitivity)", async () => {
    const outs = [];
    for (const threads of [1, 2, 3, 2]) outs.push(serializeResults(await runSimulation({ ...base, threads })));
    expect(outs[1]).toBe(outs[0]);
    expect(outs[2]).toBe(outs[0]);
    expect(outs[3]).toBe(outs[0]);
    const parsed = SimulationResultsSchema.parse(JSON.parse(outs[0]!));
    expect(parsed.sensitivity?.tornado.length).toBeGreaterThan(5);
    expect(outs[0]).not.toMatch(/"(created_at|elapsed|threads|workers)"/);
  });

  it("exact mode is byte-identical across thread counts too", async () => {
    const opts = { ...base, mode: "exact" as const, trials: 60, sensitivity: false };
    const one = serializeResults(await runSimulation({ ...opts, threads: 1 }));
    const two = serializeResults(await runSimulation({ ...opts, threads: 2 }));
    expect(two).toBe(one);
  });

  it("with a calibrated consensus policy and correctness, both modes are byte-identical across thread counts", async () => {
    const calibration = writeTemp(
      tempDir(),
      "calibration.json",
      calibrationV2([
        {
          action: "code",
          kind: "consensus",
          cells: [
            { cell: "consensus", tier: "LOCAL_QUALITY", calls: 2, threshold: 0.6, accept: [30, 100], right: [28, 30] },
            { tier: "API_FALLBACK", threshold: null, accept: [70, 70], right: [63, 70] },
          ],
        },
      ]),
    );
    for (const mode of ["exact", "aggregated"] as const) {
      const opts = { ...base, mode, calibration, trials: 80, sensitivity: false };
      const one = serializeResults(await runSimulation({ ...opts, threads: 1 }));
      expect(serializeResults(await runSimulation({ ...opts, threads: 2 }))).toBe(one);
      expect(JSON.parse(one).inputs.actions.find((a: { name: string }) => a.name === "code").chain[0].calls).toBe(2);
    }
  });

  it("a different seed gives different numbers", async () => {
    const a = await runSimulation({ ...base, sensitivity: false, threads: 1 });
    const b = await runSimulation({ ...base, sensitivity: false, threads: 1, seed: 43 });
    expect(b.horizon.hybrid_cost_usd.p50).not.toBe(a.horizon.hybrid_cost_usd.p50);
  });
});
