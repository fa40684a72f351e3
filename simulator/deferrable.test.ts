/**
 * The batch tier in the simulator: deferred calls end on a `~batch` twin of the first API tier at
 * the batch price, never on a later live tier; a profile whose calls all wait pays half for the same
 * API work; the results file and the decision page carry the saving.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { batchSavingCell } from "../scenarios/lib/batch-cell.js";
import { deferralPlan, withDeferral } from "./deferrable.js";
import { prepareSimulation, runSimulation } from "./run.js";
import { SimulationResultsSchema } from "./results.js";
import { FIXTURE_CONFIG, profilesYaml, tempDir, writeTemp } from "../test-support/simulator-fixtures.js";

function files(deferrable: Record<string, number>, mix: Record<string, number>) {
  const dir = tempDir();
  const config = readFileSync(FIXTURE_CONFIG, "utf8")
    .replace("prices: prices.json", `prices: ${resolve("simulator/testdata/prices.json")}`)
    .replace("calibration: calibration.json", "calibration: none.json")
    .replace("summarize: { tier: LOCAL_QUALITY,", "summarize: { deferrable: true, tier: LOCAL_QUALITY,")
    .replace("orchestration: { tier: API_FALLBACK,", "orchestration: { deferrable: true, tier: API_FALLBACK,");
  const profiles = profilesYaml({ iterations: 100, calls: 8, mix }).replace(
    /( {4}action_mix: .*\n)/,
    `$1    deferrable: { ${Object.entries(deferrable)
      .map(([a, s]) => `${a}: ${s}`)
      .join(", ")} }\n`,
  );
  return { config: writeTemp(dir, "router.yaml", config), profiles: writeTemp(dir, "profiles.yaml", profiles), dir };
}

describe("the deferrable share in the simulator", () => {
  it("splits a deferrable action into live calls and a twin that ends on the batch tier at half price", () => {
    const f = files({ summarize: 0.4, code: 0.5 }, { summarize: 0.5, code: 0.5 });
    const prepared = prepareSimulation({ usage: "test", days: 7, config: f.config, profiles: f.profiles });
    const plan = deferralPlan(prepared.config, prepared.inputs.profile, { lo: 1, hi: 24 });
    expect(plan.shares).toEqual({ summarize: 0.4 });
    expect(plan.notes).toEqual([expect.stringContaining("code: 50 % of its calls could wait, but the router config does not mark it deferrable")]);
    const d = withDeferral(prepared, plan);
    const twin = d.inputs.actions.find((a) => a.name === "summarize~batch")!;
    expect(twin.share).toBeCloseTo(0.2, 12);
    expect(d.inputs.actions.find((a) => a.name === "summarize")!.share).toBeCloseTo(0.3, 12);
    expect(twin.cells.map((c) => c.tier)).toEqual(["LOCAL_QUALITY", "API_FALLBACK~batch"]);
    const live = d.inputs.tiers.find((t) => t.name === "API_FALLBACK")!.price!;
    const batch = d.inputs.tiers.find((t) => t.name === "API_FALLBACK~batch")!.price!;
    expect([batch.input_cost_per_token, batch.output_cost_per_token]).toEqual([live.input_cost_per_token / 2, live.output_cost_per_token / 2]);
    expect(twin.cells[1]!.latency).toMatchObject({ kind: "uniform", lo: 3_600_000, hi: 86_400_000 });
  });

  it("all calls of an API-first action waiting: the same work at half the cost; the saving reaches the results and the decision page", async () => {
    const f = files({ orchestration: 1 }, { orchestration: 1 });
    const r = await runSimulation({
      usage: "test",
      days: 30,
      trials: 1000,
      seed: 7,
      mode: "aggregated",
      threads: 1,
      config: f.config,
      profiles: f.profiles,
      sensitivity: false,
    });
    const b = r.batch!;
    expect(SimulationResultsSchema.parse(JSON.parse(JSON.stringify(r))).batch).toEqual(b);
    expect(b.hybrid_cost_usd_mean.with_batch / b.hybrid_cost_usd_mean.live).toBeCloseTo(0.5, 1);
    expect(b.saving_usd_p50).toBeCloseTo(b.hybrid_cost_usd_p50.live - b.hybrid_cost_usd_p50.with_batch, 12);
    expect(b.deferrable_share_of_calls).toBe(1);
    const [cell] = batchSavingCell(r);
    expect(cell).toMatchObject({ kind: "headline", label: "Batch tier saving, 30 days (P50, modelled)" });
    // No deferrable share: no batch run and no cell.
    const none = files({}, { orchestration: 1 });
    const plain = await runSimulation({
      usage: "test",
      days: 7,
      trials: 200,
      seed: 7,
      mode: "aggregated",
      threads: 1,
      config: none.config,
      profiles: none.profiles,
      sensitivity: false,
    });
    expect(plain.batch).toBeNull();
    expect(batchSavingCell(plain)).toEqual([]);
  }, 60_000);
});
