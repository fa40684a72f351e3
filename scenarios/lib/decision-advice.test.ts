import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PolicyEntry } from "../../router/config/calibration.js";
import type { SimulationResults } from "../../simulator/results.js";
import { recommend, type Evidence } from "./decision-advice.js";
import { evaluateReportFixture, tempDir, writeSimulation } from "../../test-support/scenario-fixtures.js";
import { frontierVerdict } from "./frontier-verdict.js";

const evidence: Evidence = {
  localTiers: ["LOCAL_FAST"],
  accepted: null,
  checkPassed: null,
  perAction: [],
  e2eP95: [],
  latencySource: "modelled",
  replayed: true,
  standIns: false,
  priorTiers: [],
  cpu: undefined,
};

/** A calibrated policy entry as bench calibrate writes one (numbers chosen for the test). */
function policy(kind: PolicyEntry["kind"], recommended: boolean): PolicyEntry {
  return {
    action: "answer",
    kind,
    recommended,
    alpha: 0.05,
    delta: 0.1,
    cells: [
      {
        cell: "API_FALLBACK",
        tier: "API_FALLBACK",
        local: false,
        models: ["gpt-4o"],
        calls: 1,
        threshold: null,
        basis: "final",
        accept: { k: 10, n: 10 },
        correct_if_accepted: { k: 9, n: 10 },
      },
    ],
    evidence: "replayed",
    expected: {
      n: 1319,
      accuracy: 0.955,
      accuracy_ci95: { lower: 0.94, upper: 0.965 },
      api_share: 0.251,
      cost_per_1k_usd: 1,
      kept_error: 0.029,
      kept_error_upper: 0.037,
    },
    held_out: null,
    reason: "test",
  };
}

describe("recommend when the held-out check says API first", () => {
  let dir: string;
  let sim: SimulationResults;
  beforeAll(async () => {
    dir = tempDir();
    sim = (await writeSimulation(dir, "light", { trials: 50, sensitivity: false })).results;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const crux = evaluateReportFixture((ps) => ps.map((p) => (p.alpha ? { ...p, accuracy: p.accuracy - 0.3 } : p)));
  const verdict = () => frontierVerdict(crux, { reference: "gpt-4o" })!;

  it("says API first when no deployed calibration recommends a local policy", () => {
    const r = recommend(sim, evidence, verdict(), [policy("consensus", false), policy("api_first", true)]);
    expect(r.title).toBe("API first: no local policy keeps gpt-4o's accuracy for less");
  });

  it("says not certain yet, naming the policy and its bound, when the calibration on every item recommends a local one", () => {
    const r = recommend(sim, evidence, verdict(), [policy("consensus", true), policy("api_first", false)]);
    expect(r.title).toMatch(/^Not certain yet/);
    expect(r.reasons.at(-1)).toContain("consensus for answer (kept-answer error bound 3.7 % at α 5.0 %, 25.1 % to the API)");
  });
});
