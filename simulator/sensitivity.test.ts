import { describe, expect, it } from "vitest";
import { basePerturbation } from "./engine-common.js";
import { SimPool } from "./parallel.js";
import { prepareSimulation } from "./run.js";
import { runSensitivity } from "./sensitivity.js";
import { quantileSorted, sorted, windowSeries } from "./summary.js";
import { FIXTURE_CONFIG, profilesYaml, tempDir, writeTemp } from "../test-support/simulator-fixtures.js";

describe("sensitivity", () => {
  it("tornado rows move the right way and each break-even is where P50 savings cross 0", async () => {
    // A rented GPU at $0.05/day makes local calls cost something: API-price and volume break-evens exist.
    const profiles = writeTemp(
      tempDir(),
      "p.yaml",
      profilesYaml({ iterations: 20, calls: 5, fixedUsdPerDay: 0.05, mix: { classify_memory: 0.5, code: 0.3, summarize: 0.15, orchestration: 0.05 } }),
    );
    const prep = prepareSimulation({ usage: "test", days: 14, config: FIXTURE_CONFIG, profiles });
    const pool = SimPool.create(prep.compiled, 2);
    try {
      const trials = 200;
      const s = await runSensitivity({ pool, compiled: prep.compiled, inputs: prep.inputs, seed: 3, trials, delta: 0.2 });
      const row = (id: string) => s.tornado.find((r) => r.input === id)!;
      expect(row("volume").low.hybrid_p50_usd).toBeLessThan(s.base.hybrid_p50_usd);
      expect(row("volume").high.hybrid_p50_usd).toBeGreaterThan(s.base.hybrid_p50_usd);
      expect(row("api_output_price").high.savings_p50).toBeGreaterThan(row("api_output_price").low.savings_p50);
      expect(row("pass_rate_LOCAL_QUALITY").high.hybrid_p50_usd).toBeLessThan(row("pass_rate_LOCAL_QUALITY").low.hybrid_p50_usd);
      expect(s.tornado.map((r) => r.swing_usd)).toEqual([...s.tornado.map((r) => r.swing_usd)].sort((a, b) => b - a));

      const savingsAt = async (set: (p: ReturnType<typeof basePerturbation>) => void) => {
        const p = basePerturbation(prep.compiled);
        set(p);
        const w = windowSeries(await pool.run({ mode: "aggregated", seed: 3, trials, perturbation: p }), 14, 0, 14);
        return quantileSorted(sorted(w.savings), 0.5);
      };
      for (const b of s.break_even) {
        expect(b.factor, b.input).not.toBeNull();
        const f = b.factor!;
        const set =
          b.input === "api_price"
            ? (p: ReturnType<typeof basePerturbation>) => {
                p.inputPrice = f;
                p.outputPrice = f;
              }
            : b.input === "volume"
              ? (p: ReturnType<typeof basePerturbation>) => {
                  p.volume = f;
                }
              : (p: ReturnType<typeof basePerturbation>) => {
                  p.passScale = p.passScale.map((x, t) => (prep.compiled.tierLocal[t] ? f : x));
                };
        expect(Math.abs(await savingsAt(set)), b.input).toBeLessThan(0.01);
        expect(f).toBeGreaterThan(0);
        expect(f).toBeLessThan(1);
      }
    } finally {
      await pool.close();
    }
  }, 60_000);
});
