/**
 * Aggregated mode must reproduce exact mode: same inputs, same seed, P50 and P95 of every reported
 * quantity within 1 %. Exact mode walks every request through the policy; aggregated samples per day.
 */
import { describe, expect, it } from "vitest";
import { basePerturbation, T_BUSY, tokenStride, type SimMode } from "./engine-common.js";
import { SimPool } from "./parallel.js";
import { prepareSimulation } from "./run.js";
import { quantileSorted, sorted, windowSeries } from "./summary.js";
import { calibrationV2, FIXTURE_CONFIG, PROFILES, profilesYaml, tempDir, writeTemp } from "../test-support/simulator-fixtures.js";

const TRIALS = 3000;
const dir = tempDir();
const testProfiles = writeTemp(
  dir,
  "profiles.yaml",
  profilesYaml({ iterations: 40, calls: 10, mix: { classify_memory: 0.45, code: 0.3, summarize: 0.2, orchestration: 0.05 } }),
);
const calibratedProfiles = writeTemp(
  dir,
  "calibrated.yaml",
  profilesYaml({ iterations: 40, calls: 10, mix: { classify_memory: 0.5, code: 0.4, orchestration: 0.1 } }),
);
/** A scored cascade, a consensus pair (two local calls) and API first: every new kind of cell, with correctness everywhere. */
const calibration = writeTemp(
  dir,
  "calibration.json",
  calibrationV2([
    {
      action: "classify_memory",
      kind: "cascade",
      cells: [
        { tier: "LOCAL_FAST", threshold: 0.8, accept: [55, 100], right: [52, 55] },
        { tier: "LOCAL_QUALITY", threshold: 0.7, accept: [25, 45], right: [22, 25] },
        { tier: "API_FALLBACK", threshold: null, accept: [20, 20], right: [18, 20] },
      ],
    },
    {
      action: "code",
      kind: "consensus",
      cells: [
        { cell: "consensus", tier: "LOCAL_QUALITY", calls: 2, threshold: 0.6, accept: [35, 100], right: [33, 35] },
        { tier: "API_FALLBACK", threshold: null, accept: [65, 65], right: [58, 65] },
      ],
    },
    { action: "orchestration", kind: "api_first", cells: [{ tier: "API_FALLBACK", threshold: null, accept: [40, 40], right: [37, 40] }] },
  ]),
);

async function quantiles(
  args: { profiles: string; usage: string; days: number; calibration?: string },
  mode: SimMode,
): Promise<Record<string, [number, number]>> {
  const prep = prepareSimulation({ ...args, config: FIXTURE_CONFIG });
  const pool = SimPool.create(prep.compiled, 2);
  try {
    const block = await pool.run({ mode, seed: 11, trials: TRIALS, perturbation: basePerturbation(prep.compiled) });
    const out: Record<string, [number, number]> = {};
    const add = (name: string, v: Float64Array) => {
      const s = sorted(v);
      out[name] = [quantileSorted(s, 0.5), quantileSorted(s, 0.95)];
    };
    for (const [label, from, days] of [
      ["horizon", 0, args.days],
      ["week", 0, 7],
    ] as const) {
      const w = windowSeries(block, args.days, from, days);
      add(`${label}.requests`, w.requests);
      add(`${label}.hybrid_usd`, w.hybrid);
      add(`${label}.api_usd`, w.api);
      add(`${label}.savings`, w.savings);
      add(`${label}.local_share`, w.local);
      add(`${label}.self_check_pass_rate`, w.selfCheck);
      add(`${label}.mean_latency_ms`, w.latency);
      if (!w.accuracy.some(Number.isNaN)) add(`${label}.accuracy`, w.accuracy);
      if (w.pCorrect.every(Number.isFinite)) add(`${label}.mean_p_correct`, w.pCorrect);
    }
    add("p95_latency_ms", block.p95LatencyMs);
    const busy = new Float64Array(block.end - block.start);
    for (let t = 0; t < busy.length; t++)
      for (let d = 0; d < args.days; d++) busy[t]! += block.tokens[(t * args.days + d) * tokenStride(prep.compiled) + T_BUSY]!;
    add("busy_ms", busy);
    return out;
  } finally {
    await pool.close();
  }
}

describe("aggregated mode equals exact mode (P50 and P95 within 1 %)", () => {
  for (const [name, args] of [
    ["a 400-requests/day profile with every chain shape", { profiles: testProfiles, usage: "test", days: 30 }],
    ["the light profile (small daily API counts: the item-by-item path)", { profiles: PROFILES, usage: "light", days: 30 }],
    [
      "calibrated policies: scored cascade, consensus pair, API first (answers right, P(correct), busy time of both calls)",
      { profiles: calibratedProfiles, usage: "test", days: 30, calibration },
    ],
  ] as [string, { profiles: string; usage: string; days: number; calibration?: string }][]) {
    it(
      name,
      async () => {
        const exact = await quantiles(args, "exact");
        const agg = await quantiles(args, "aggregated");
        if (args.calibration) expect(Object.keys(exact)).toEqual(expect.arrayContaining(["horizon.accuracy", "horizon.mean_p_correct"]));
        const worst: string[] = [];
        for (const [k, [e50, e95]] of Object.entries(exact)) {
          const [a50, a95] = agg[k]!;
          const rel50 = Math.abs(a50 - e50) / Math.abs(e50),
            rel95 = Math.abs(a95 - e95) / Math.abs(e95);
          worst.push(
            `${k}: P50 ${e50.toPrecision(5)} vs ${a50.toPrecision(5)} (${(rel50 * 100).toFixed(2)} %), P95 ${e95.toPrecision(5)} vs ${a95.toPrecision(5)} (${(rel95 * 100).toFixed(2)} %)`,
          );
          expect.soft(rel50, `${k} P50`).toBeLessThan(0.01);
          expect.soft(rel95, `${k} P95`).toBeLessThan(0.01);
        }
        console.log(worst.join("\n"));
      },
      60_000,
    );
  }
});
