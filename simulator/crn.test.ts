/**
 * Common random numbers: the pure-API baseline prices the SAME volume and token draws as the hybrid, so
 * the savings distribution reflects the routing, not two independent samples' noise.
 */
import { describe, expect, it } from "vitest";
import { basePerturbation } from "./engine-common.js";
import { SimPool } from "./parallel.js";
import { prepareSimulation } from "./run.js";
import { windowSeries } from "./summary.js";
import { FIXTURE_CONFIG, profilesYaml, tempDir, writeTemp } from "../test-support/simulator-fixtures.js";

const sd = (x: Float64Array) => {
  const m = x.reduce((s, v) => s + v, 0) / x.length;
  return Math.sqrt(x.reduce((s, v) => s + (v - m) * (v - m), 0) / (x.length - 1));
};

describe("common random numbers", () => {
  for (const mode of ["aggregated", "exact"] as const) {
    it(`${mode}: savings vary far less than with independent baseline draws`, async () => {
      const profiles = writeTemp(
        tempDir(),
        "p.yaml",
        profilesYaml({ iterations: 10, calls: 10, dispersion: 4, mix: { classify_memory: 0.5, code: 0.3, summarize: 0.15, orchestration: 0.05 } }),
      );
      const prep = prepareSimulation({ usage: "test", days: 14, config: FIXTURE_CONFIG, profiles });
      const pool = SimPool.create(prep.compiled, 1);
      try {
        const trials = mode === "exact" ? 400 : 1000;
        const c = prep.compiled;
        // Pass rates fixed at their means isolates sampling noise; the default keeps parameter uncertainty.
        const fixed = { ...basePerturbation(c), passFixed: Array.from(c.passAlpha, (a, k) => a / (a + c.passBeta[k]!)) };
        for (const [p, maxRatio] of [
          [fixed, 0.3],
          [basePerturbation(c), 0.6],
        ] as const) {
          const a = windowSeries(await pool.run({ mode, seed: 1, trials, perturbation: p }), 14, 0, 14);
          const b = windowSeries(await pool.run({ mode, seed: 2, trials, perturbation: p }), 14, 0, 14);
          const independent = a.hybrid.map((h, i) => 1 - h / b.api[i]!);
          const crn = a.savings;
          // Same expected savings either way...
          const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
          expect(Math.abs(mean(crn) - mean(independent))).toBeLessThan(0.05);
          // ...but paired draws cancel the volume and token noise.
          expect(sd(crn) / sd(independent)).toBeLessThan(maxRatio);
          console.log(mode, p.passFixed ? "fixed pass rates" : "Beta pass rates", "sd CRN", sd(crn).toFixed(4), "sd independent", sd(independent).toFixed(4));
        }
      } finally {
        await pool.close();
      }
    });
  }
});
