import { describe, expect, it } from "vitest";
import { loadRouterConfig } from "../router/config/load.js";
import { nextStep, thresholdFor, tierChain } from "../router/policy/escalation.js";
import { createRng } from "../core/rng.js";
import { buildDecisionTable, effectiveThreshold, STEP_CODES } from "./decision-table.js";
import { planActions } from "./policy-cells.js";
import { calibrationV2, FIXTURE_CONFIG, tempDir, writeTemp } from "../test-support/simulator-fixtures.js";

const calibration = {
  version: 1,
  created_at: "2026-11-25T00:00:00Z",
  source_run: "test",
  method: "risk_control",
  params: { alpha: 0.1 },
  thresholds: [
    { action: "classify_memory", tier: "LOCAL_FAST", threshold: 0.93, method: "risk_control", n: 200 },
    { action: "code", threshold: 0.41, method: "risk_control", n: 120 },
    { action: "summarize", tier: "API_FALLBACK", threshold: 1, method: "default", n: 0 },
  ],
};

const v2 = calibrationV2([
  {
    action: "classify_memory",
    kind: "cascade",
    cells: [
      { tier: "LOCAL_FAST", threshold: 0.82, accept: [60, 100], right: [58, 60] },
      { tier: "LOCAL_QUALITY", threshold: 0.77, basis: "self_check", accept: [20, 40], right: [18, 20] },
      { tier: "API_FALLBACK", threshold: null, accept: [20, 20], right: [19, 20] },
    ],
  },
  {
    action: "code",
    kind: "consensus",
    cells: [
      { cell: "consensus", tier: "LOCAL_QUALITY", calls: 2, threshold: 0.6, accept: [30, 100], right: [29, 30] },
      { tier: "API_FALLBACK", threshold: null, accept: [70, 70], right: [60, 70] },
    ],
  },
  { action: "orchestration", kind: "api_first", cells: [{ tier: "API_FALLBACK", threshold: null, accept: [50, 50], right: [45, 50] }] },
]);

/** The table entry for every (action, cell) against nextStep on random scores across [0, 1] and at the threshold. */
function checkAgainstPolicy(file: string | false): { checked: number; plans: ReturnType<typeof planActions> } {
  const config = loadRouterConfig(FIXTURE_CONFIG, { calibration: file });
  const actions = Object.keys(config.data.actions);
  const plans = planActions(config, actions);
  const maxChain = Math.max(...plans.map((p) => p.cells.length));
  const table = buildDecisionTable(plans, maxChain);
  const rng = createRng(7);
  let checked = 0;
  plans.forEach((plan, a) => {
    plan.cells.forEach((cell, pos) => {
      const threshold = effectiveThreshold(cell.threshold);
      for (let i = 0; i < 500; i++) {
        const score = i === 0 ? threshold : i === 1 ? Math.max(0, threshold - 1e-12) : i === 2 ? 1 : rng.next();
        const router = nextStep({ kind: "answer", confidence: score, threshold }, 0, config.data.retry.max_retries);
        expect(table[(a * maxChain + pos) * 2 + (score >= threshold ? 1 : 0)]).toBe(STEP_CODES[router]);
        checked++;
      }
    });
  });
  return { checked, plans };
}

describe("the decision table is the router's policy", () => {
  for (const withCalibration of [false, true]) {
    it(`matches nextStep for random confidences on every (action, tier)${withCalibration ? " with calibrated thresholds" : ""}`, () => {
      const cal = withCalibration ? writeTemp(tempDir(), "calibration.json", JSON.stringify(calibration)) : false;
      const { checked, plans } = checkAgainstPolicy(cal);
      const config = loadRouterConfig(FIXTURE_CONFIG, { calibration: cal });
      for (const p of plans) {
        expect(p.policy).toBeNull();
        expect(p.cells.map((c) => c.tier)).toEqual(tierChain(config, p.action));
        expect(p.cells.map((c) => c.threshold)).toEqual(tierChain(config, p.action).map((t) => thresholdFor(config, p.action, t)));
      }
      expect(checked).toBeGreaterThan(5000);
      if (withCalibration) {
        expect(plans.find((p) => p.action === "classify_memory")!.cells[0]!.threshold).toEqual({ threshold: 0.93, source: "calibration" });
        expect(plans.find((p) => p.action === "code")!.cells.map((c) => c.threshold!.threshold)).toEqual([0.41, 0.41]);
      }
    });
  }

  it("walks a version 2 calibration's recommended policy: its cells, thresholds on P(correct), and a last cell that keeps every answer", () => {
    const file = writeTemp(tempDir(), "calibration.json", v2);
    const { checked, plans } = checkAgainstPolicy(file);
    expect(checked).toBeGreaterThan(5000);
    const plan = (a: string) => plans.find((p) => p.action === a)!;
    expect(plan("classify_memory").cells.map((c) => [c.cell, c.basis, c.threshold?.threshold ?? null])).toEqual([
      ["LOCAL_FAST", "p_correct", 0.82],
      ["LOCAL_QUALITY", "self_check", 0.77],
      ["API_FALLBACK", "final", null],
    ]);
    expect(plan("code").cells.map((c) => [c.cell, c.calls])).toEqual([
      ["consensus", 2],
      ["API_FALLBACK", 1],
    ]);
    expect(plan("orchestration").cells.map((c) => c.tier)).toEqual(["API_FALLBACK"]);
    // Actions without a policy keep the config's chain.
    expect(plan("summarize").policy).toBeNull();
    const table = buildDecisionTable(plans, 3);
    const last = plans.indexOf(plan("orchestration")) * 3;
    // The last cell of a calibrated policy answers whatever the draw: decideCell's `final` rule.
    expect([table[last * 2], table[last * 2 + 1]]).toEqual([STEP_CODES.accept, STEP_CODES.accept]);
  });

  it("a policy cell on a tier the config does not have names the calibration field", () => {
    const bad = calibrationV2([
      {
        action: "code",
        kind: "cascade",
        cells: [
          { tier: "LOCAL_HUGE", local: true, threshold: 0.5, accept: [1, 2], right: [1, 1] },
          { tier: "API_FALLBACK", threshold: null, accept: [1, 1], right: [1, 1] },
        ],
      },
    ]);
    const file = writeTemp(tempDir(), "calibration.json", bad);
    expect(() => loadRouterConfig(FIXTURE_CONFIG, { calibration: file })).toThrow(
      /policies\.0\.cells\.0\.tier: unknown tier "LOCAL_HUGE"; the config's tiers: LOCAL_FAST, LOCAL_QUALITY, API_FALLBACK/,
    );
  });
});
