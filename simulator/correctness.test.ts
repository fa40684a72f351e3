/**
 * The quality metric is the share of answers that are RIGHT, from a version 2 calibration's counts (or
 * graded bench answers, or the stated API prior), on the cells a calibrated policy walks; cases small
 * enough to redo by hand. Large counts make the Betas tight, so the simulated means sit on the arithmetic.
 */
import { describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSimulationResults, serializeResults, type SimulationResults } from "./results.js";
import { runSimulation, type SimulateOptions } from "./run.js";
import { calibrationV2, FIXTURE_CONFIG, profilesYaml, tempDir, writeTemp } from "../test-support/simulator-fixtures.js";

const dir = tempDir();
const profiles = (mix: Record<string, number>, apiAccuracyPrior?: string) =>
  writeTemp(
    dir,
    `p-${Object.keys(mix).join("-")}${apiAccuracyPrior ? "-prior" : ""}.yaml`,
    profilesYaml({ iterations: 100, calls: 10, mix, ...(apiAccuracyPrior ? { apiAccuracyPrior } : {}) }),
  );

let n = 0;
async function simulate(args: {
  mix: Record<string, number>;
  policies?: Parameters<typeof calibrationV2>[0];
  mode?: "exact" | "aggregated";
  apiAccuracyPrior?: string;
}): Promise<SimulationResults> {
  const calibration = args.policies ? writeTemp(dir, `cal-${n++}.json`, calibrationV2(args.policies)) : undefined;
  const opts: SimulateOptions = {
    usage: "test",
    days: 30,
    trials: 400,
    seed: 9,
    mode: args.mode ?? "aggregated",
    config: FIXTURE_CONFIG,
    profiles: profiles(args.mix, args.apiAccuracyPrior),
    sensitivity: false,
    threads: 1,
    ...(calibration ? { calibration } : {}),
  };
  return runSimulation(opts);
}

/** LOCAL_FAST keeps 90 % (P(correct) ≥ 0.8), 90 % of those right; the rest goes to the API, right 95 % of the time. */
const cascade = (rightKept: number): Parameters<typeof calibrationV2>[0] => [
  {
    action: "classify_memory",
    kind: "cascade",
    cells: [
      { tier: "LOCAL_FAST", threshold: 0.8, accept: [9000, 10000], right: [rightKept, 9000] },
      { tier: "API_FALLBACK", threshold: null, accept: [1000, 1000], right: [950, 1000] },
    ],
  },
];
const betaMean = (k: number, n: number) => (k + 1) / (n + 2);
const metric = (r: SimulationResults, id: string) => [...r.success_metrics.week!.metrics, ...r.success_metrics.month!.metrics].find((m) => m.id === id)!;

describe("answers right (quality) from a calibrated policy", () => {
  for (const mode of ["exact", "aggregated"] as const) {
    it(`is P(kept)·P(right | kept) + P(escalated)·P(API right): 0.9·0.9 + 0.1·0.95 ≈ 0.905 (${mode})`, async () => {
      const r = await simulate({ mix: { classify_memory: 1 }, policies: cascade(8100), mode });
      const keep = betaMean(9000, 10000),
        right = betaMean(8100, 9000),
        api = betaMean(950, 1000);
      expect(r.horizon.accuracy!.mean).toBeCloseTo(keep * right + (1 - keep) * api, 2);
      expect(r.horizon.local_share.mean).toBeCloseTo(keep, 2);
      // The last cell keeps every answer, so the router's own check "passes" everything: it is not the quality figure.
      expect(r.horizon.self_check_pass_rate.mean).toBe(1);
      // Only the scored cell (LOCAL_FAST) counts towards the scorer's P(correct).
      expect(r.horizon.mean_p_correct!.mean).toBeCloseTo(right, 2);
      expect(r.horizon.scored_share.mean).toBeCloseTo(keep, 2);
      const chain = r.inputs.actions[0]!.chain;
      expect(chain.map((c) => [c.cell, c.basis, c.threshold, c.pass_source])).toEqual([
        ["LOCAL_FAST", "p_correct", 0.8, "calibration"],
        ["API_FALLBACK", "final", null, "last_cell"],
      ]);
      expect(chain[0]!.correct_if_kept).toMatchObject({ source: "calibration", evidence: "replayed", k: 8100, n: 9000 });
      expect(r.inputs.actions[0]!.policy).toEqual({ kind: "cascade", evidence: "replayed" });
    }, 30_000);
  }

  it("the seed's quality > 95 % fails at 90.5 % right and holds at 98.6 %, whatever the self-check says", async () => {
    const low = await simulate({ mix: { classify_memory: 1 }, policies: cascade(8100) });
    const high = await simulate({ mix: { classify_memory: 1 }, policies: cascade(8910) });
    expect(metric(low, "week_quality")).toMatchObject({ label: "answers right (quality)", target: "> 95 %", probability: 0 });
    expect(metric(high, "week_quality").probability).toBe(1);
    expect(low.horizon.self_check_pass_rate.p50).toBe(high.horizon.self_check_pass_rate.p50);
    // Mean scorer P(correct) 0.9 and 0.99 on the scored cell: > 0.8 both times.
    expect(metric(low, "month_confidence")).toMatchObject({ probability: 1, note: "over answers kept by cells with a learned scorer only" });
  }, 30_000);

  it("a consensus cell charges both local calls: busy time is the sum (2 × 125 ms), latency the slower (150 ms for two uniform 50–200 ms calls)", async () => {
    const pair = (calls: number): Parameters<typeof calibrationV2>[0] => [
      {
        action: "code",
        kind: "consensus",
        cells: [
          { cell: calls > 1 ? "consensus" : "LOCAL_FAST", tier: "LOCAL_FAST", calls, threshold: 0.7, accept: [5000, 10000], right: [4900, 5000] },
          { tier: "API_FALLBACK", threshold: null, accept: [5000, 5000], right: [4500, 5000] },
        ],
      },
    ];
    const two = await simulate({ mix: { code: 1 }, policies: pair(2) });
    const one = await simulate({ mix: { code: 1 }, policies: pair(1) });
    const [c2, c1] = [two.inputs.actions[0]!.chain[0]!, one.inputs.actions[0]!.chain[0]!];
    expect(c1.busy_mean_ms).toBeCloseTo(125, 1);
    expect(c1.latency_mean_ms).toBeCloseTo(125, 1);
    expect(c2.busy_mean_ms).toBeCloseTo(250, 1);
    expect(c2.latency_mean_ms).toBeCloseTo(150, 0);
    expect(c2.calls).toBe(2);
    // Same routing, same random numbers: the pair costs more local time and waits for the slower call.
    expect(two.horizon.hybrid_cost_usd.p50).toBeGreaterThan(one.horizon.hybrid_cost_usd.p50);
    expect(two.horizon.mean_latency_ms.p50 - one.horizon.mean_latency_ms.p50).toBeCloseTo(25, -1);
    expect(two.horizon.accuracy!.p50).toBeCloseTo(one.horizon.accuracy!.p50, 3);
  }, 30_000);

  it("API first: no local call, the hybrid costs what pure API costs, and accuracy is the API's", async () => {
    const r = await simulate({
      mix: { orchestration: 1 },
      policies: [{ action: "orchestration", kind: "api_first", cells: [{ tier: "API_FALLBACK", threshold: null, accept: [800, 800], right: [720, 800] }] }],
    });
    expect(r.horizon.local_share.max).toBe(0);
    expect(r.horizon.savings.p50).toBeCloseTo(0, 10);
    expect(r.horizon.accuracy!.mean).toBeCloseTo(betaMean(720, 800), 2);
    expect(metric(r, "month_confidence").probability).toBeNull();
  }, 30_000);
});

describe("without correctness evidence", () => {
  it("local cells with no graded answers: accuracy and the quality metric are not computed, and say why", async () => {
    const r = await simulate({ mix: { classify_memory: 0.5, code: 0.5 } });
    expect(r.horizon.accuracy).toBeNull();
    expect(r.inputs.missing_correctness).toEqual(expect.arrayContaining(["classify_memory@LOCAL_FAST", "code@LOCAL_QUALITY"]));
    expect(metric(r, "week_quality")).toMatchObject({ probability: null, note: expect.stringMatching(/^not computed/) });
    expect(metric(r, "month_confidence")).toMatchObject({ probability: null, note: expect.stringMatching(/no cell keeps answers on a learned scorer/) });
    expect(r.notes.join("\n")).toMatch(/answers right \(quality\) is not computed: no correctness evidence for classify_memory@LOCAL_FAST/);
  }, 30_000);

  it("an API tier with no evidence uses the stated prior, labelled as one", async () => {
    const r = await simulate({ mix: { orchestration: 1 }, apiAccuracyPrior: "API_FALLBACK: { mean: 0.9, n: 20 }" });
    expect(r.inputs.actions[0]!.chain[0]!.correct_if_kept).toMatchObject({ source: "prior", evidence: "prior", k: null, n: null, mean: 0.9 });
    expect(r.horizon.accuracy!.mean).toBeCloseTo(0.9, 1);
    expect(r.notes.join("\n")).toMatch(/API accuracy of orchestration@API_FALLBACK is a PRIOR/);
    await expect(simulate({ mix: { orchestration: 1 }, apiAccuracyPrior: "LOCAL_FAST: { mean: 0.9, n: 20 }" })).rejects.toThrow(
      /api_accuracy_prior\.tiers\.LOCAL_FAST: tier "LOCAL_FAST" is local/,
    );
  }, 30_000);
});

describe("results file version", () => {
  it("is 2, and a version 1 file is refused with what to do", async () => {
    const r = await simulate({ mix: { orchestration: 1 } });
    const file = join(dir, "v1.json");
    writeFileSync(file, serializeResults(r).replace('"version": 2', '"version": 1'));
    expect(() => readSimulationResults(file)).toThrow(/version: must be 2: version 1 files predate the correctness metric; run `tierlab simulate` again/);
  }, 30_000);
});
