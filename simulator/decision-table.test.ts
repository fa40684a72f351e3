import { describe, expect, it } from "vitest";
import { loadRouterConfig } from "../router/config/load.js";
import { nextStep, thresholdFor, tierChain } from "../router/policy/escalation.js";
import { createRng } from "../router/util/rng.js";
import { buildDecisionTable, chainsOf, STEP_CODES } from "./decision-table.js";
import { FIXTURE_CONFIG, tempDir, writeTemp } from "./test-fixtures.js";

const calibration = {
  version: 1, created_at: "2026-11-25T00:00:00Z", source_run: "test", method: "risk_control", params: { alpha: 0.1 },
  thresholds: [
    { action: "classify_memory", tier: "LOCAL_FAST", threshold: 0.93, method: "risk_control", n: 200 },
    { action: "code", threshold: 0.41, method: "risk_control", n: 120 },
    { action: "summarize", tier: "API_FALLBACK", threshold: 1, method: "default", n: 0 },
  ],
};

describe("the decision table is the router's policy", () => {
  for (const withCalibration of [false, true]) {
    it(`matches nextStep for random confidences on every (action, tier)${withCalibration ? " with calibrated thresholds" : ""}`, () => {
      const cal = withCalibration ? writeTemp(tempDir(), "calibration.json", JSON.stringify(calibration)) : false;
      const config = loadRouterConfig(FIXTURE_CONFIG, { calibration: cal });
      const actions = Object.keys(config.data.actions);
      const maxChain = Math.max(...actions.map((a) => tierChain(config, a).length));
      const table = buildDecisionTable(config, actions, maxChain);
      const chains = chainsOf(config, actions);
      const rng = createRng(7);
      let checked = 0;
      actions.forEach((action, a) => {
        expect(chains[a]!.map((c) => c.tier)).toEqual(tierChain(config, action));
        tierChain(config, action).forEach((tier, pos) => {
          const threshold = thresholdFor(config, action, tier).threshold;
          for (let i = 0; i < 500; i++) {
            // Confidences across [0, 1], plus the threshold itself and its neighbours.
            const confidence = i === 0 ? threshold : i === 1 ? Math.max(0, threshold - 1e-12) : i === 2 ? 1 : rng.next();
            const router = nextStep({ kind: "answer", confidence, threshold }, 0, config.data.retry.max_retries);
            const simulated = table[(a * maxChain + pos) * 2 + (confidence >= threshold ? 1 : 0)];
            expect(simulated).toBe(STEP_CODES[router]);
            checked++;
          }
        });
      });
      expect(checked).toBeGreaterThan(5000);
      if (withCalibration) {
        expect(chains[actions.indexOf("classify_memory")]![0]!.threshold).toEqual({ threshold: 0.93, source: "calibration" });
        expect(chains[actions.indexOf("code")]!.map((c) => c.threshold.threshold)).toEqual([0.41, 0.41]);
      }
    });
  }
});
