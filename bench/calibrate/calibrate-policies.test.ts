import { describe, expect, it } from "vitest";
import { CalibrationSchema } from "../../router/config/calibration.js";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { calibrateRecords } from "./calibrate.js";
import { agreementRecords as records } from "../../test-support/bench-records.js";

const config = () => writeTestConfig((d) => ((d.actions as Record<string, Record<string, unknown>>).classify!.accuracy_tolerance = 0.05)).load();

describe("bench calibrate, version 2 (scorers, per-cell thresholds, policies)", () => {
  const { calibration, report } = calibrateRecords(records(), { sourceRun: "r", config: config(), seed: 1, now: () => new Date("2026-12-01T00:00:00Z") });

  it("writes a file the schema accepts, with one recommended policy per action", () => {
    expect(() => CalibrationSchema.parse(JSON.parse(JSON.stringify(calibration)))).not.toThrow();
    expect(calibration.policies.map((p) => [p.kind, p.recommended])).toEqual([
      ["cascade", false],
      ["consensus", true],
      ["api_first", false],
    ]);
    expect(report.policies?.[0]).toMatchObject({ action: "classify", alpha: 0.05, delta: 0.1, items: 200, dropped: 0, recommended: "consensus" });
  });

  it("consensus: keeps the 160 agreeing pairs (3 wrong: upper bound 4.1 % ≤ α = 5 %), the API answers the other 40", () => {
    const p = calibration.policies.find((x) => x.kind === "consensus")!;
    expect(p.cells.map((c) => ({ cell: c.cell, models: c.models, calls: c.calls, basis: c.basis, accept: c.accept, right: c.correct_if_accepted }))).toEqual([
      { cell: "consensus", models: ["fast-a", "quality-a"], calls: 2, basis: "p_correct", accept: { k: 160, n: 200 }, right: { k: 157, n: 160 } },
      { cell: "API_FALLBACK", models: ["api-model", "api-model-2"], calls: 1, basis: "final", accept: { k: 40, n: 40 }, right: { k: 38, n: 40 } },
    ]);
    expect(p.cells[1]!.threshold).toBeNull();
    // (157 + 38) / 200 right; 40 of 200 to the API at $0.00045 → $0.09 per 1,000; 3 of 160 kept wrong.
    expect(p.expected).toMatchObject({ n: 200, accuracy: 0.975, api_share: 0.2, kept_error: 3 / 160 });
    expect(p.expected.cost_per_1k_usd).toBeCloseTo(0.09, 12);
    expect(p.expected.kept_error_upper).toBeCloseTo(0.0413, 3);
    expect(p.held_out).toBeNull();
    expect(p.reason).toMatch(/^recommended: the cheapest policy that meets the rule \(accuracy 97\.5 %, 20\.0 % to the API/);
  });

  it("its scorer reads agreement, and reports each signal's AUROC", () => {
    const s = calibration.scorers.find((x) => x.policy === "consensus" && x.cell === "consensus")!;
    expect(s.models).toEqual(["fast-a", "quality-a"]);
    expect(s.model.features.map((f) => f.name)).toEqual(["agreement"]);
    // Agreement 1 on 160 items (157 right), 0 on 40 (20 right): AUROC = P(score of a right > a wrong) + ½ ties
    // = (157·3·½ + 157·20 + 20·20·½) / (177 · 23) = (235.5 + 3140 + 200) / 4071 = 0.8783.
    expect(s.signal_auroc.agreement!.auroc).toBeCloseTo(3575.5 / 4071, 10);
  });

  it("cascade: no signal varies at its cells (no peers), so both local cells are left out and it is the API alone", () => {
    const p = calibration.policies.find((x) => x.kind === "cascade")!;
    expect(p.cells.map((c) => c.cell)).toEqual(["API_FALLBACK"]);
    expect(report.policies?.[0]?.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^cascade: LOCAL_FAST left out: no signal varies/)]));
  });

  it("api_first: the API tier alone, 198 of 200, at $0.45 per 1,000; and the final tier's accuracy", () => {
    const p = calibration.policies.find((x) => x.kind === "api_first")!;
    expect(p.expected).toMatchObject({ accuracy: 0.99, api_share: 1, kept_error: null, kept_error_upper: null });
    expect(p.reason).toMatch(/^not recommended: meets the rule but costs more than consensus/);
    expect(calibration.final_accuracy).toEqual([
      { action: "classify", tier: "API_FALLBACK", model_id: "api-model", correct: { k: 198, n: 200 }, evidence: "measured" },
    ]);
  });

  it("with the default 1 % tolerance consensus (97.5 %) is below 99 % of the API's 99 %: api_first is recommended", () => {
    const strict = calibrateRecords(records(), { sourceRun: "r", config: writeTestConfig().load(), seed: 1 }).calibration;
    expect(strict.policies.find((p) => p.recommended)?.kind).toBe("api_first");
    expect(strict.policies.find((p) => p.kind === "consensus")!.reason).toMatch(/not recommended: its accuracy is below 98\.0 %/);
  });

  it("records without signals keep the self-check thresholds only", () => {
    const { calibration: v1, report: r1 } = calibrateRecords(records({ withSignals: false }), { sourceRun: "r", config: config() });
    expect([v1.scorers, v1.policies, v1.final_accuracy]).toEqual([[], [], []]);
    expect(r1.policies?.[0]?.skipped).toMatch(/carry no signals/);
  });
});
