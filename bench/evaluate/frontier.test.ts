import { describe, expect, it } from "vitest";
import { wilsonInterval } from "../stats/proportion.js";
import { evaluatePolicies, evaluatePolicy } from "./frontier.js";
import { EvaluateReport, type FrontierItem, type ModelTier, type PolicySpec } from "./frontier-types.js";

/**
 * Five items, two local models (L1 costs $0.0001 a call, L2 $0.0002) and an API model A ($0.01):
 *
 *   item  L1 right? score answer   L2 right? score answer   A right?
 *   i1    ✓         0.90  "4"      ✓         0.80  "4"      ✓
 *   i2    ✗         0.70  "5"      ✓         0.60  "6"      ✓
 *   i3    ✗         0.20  "7"      ✗         0.30  "7"      ✗
 *   i4    ✓         0.40  "9"      ✗         0.90  "8"      ✓
 *   i5    ✗         0.95  "2"      ✗         0.50  "2"      ✓
 */
const row = (correct: boolean, score: number, answer: string, costUsd: number) => ({ correct, score, answer, costUsd });
const api = (correct: boolean) => ({ correct, costUsd: 0.01 });
const items: FrontierItem[] = [
  { id: "i1", outcomes: { L1: row(true, 0.9, "4", 0.0001), L2: row(true, 0.8, "4", 0.0002), A: api(true) } },
  { id: "i2", outcomes: { L1: row(false, 0.7, "5", 0.0001), L2: row(true, 0.6, "6", 0.0002), A: api(true) } },
  { id: "i3", outcomes: { L1: row(false, 0.2, "7", 0.0001), L2: row(false, 0.3, "7", 0.0002), A: api(false) } },
  { id: "i4", outcomes: { L1: row(true, 0.4, "9", 0.0001), L2: row(false, 0.9, "8", 0.0002), A: api(true) } },
  { id: "i5", outcomes: { L1: row(false, 0.95, "2", 0.0001), L2: row(false, 0.5, "2", 0.0002), A: api(true) } },
];
const models: ModelTier[] = [
  { name: "L1", tier: "local" },
  { name: "L2", tier: "local" },
  { name: "A", tier: "api" },
];
const point = (spec: PolicySpec) => evaluatePolicy({ items, models }, spec);

describe("frontier policies on the hand case", () => {
  it("single models", () => {
    // L1 right on i1, i4: 2/5. Cost 5 × $0.0001 / 5 items × 1000 = $0.10 per 1k.
    expect(point({ kind: "single", model: "L1" })).toMatchObject({
      name: "L1",
      kind: "single",
      accuracy: 0.4,
      api_share: 0,
      kept: 5,
      kept_error: null,
      alpha: null,
      delta: null,
    });
    expect(point({ kind: "single", model: "L1" }).cost_per_1k_usd).toBeCloseTo(0.1, 12);
    // A right on all but i3: 4/5, every request to the API, $0.01 each = $10 per 1k.
    const a = point({ kind: "single", model: "A" });
    expect(a).toMatchObject({ accuracy: 0.8, api_share: 1, kept: 0, kept_error: null });
    expect(a.cost_per_1k_usd).toBeCloseTo(10, 12);
    expect(a.accuracy_ci95).toEqual(wilsonInterval(4, 5));
  });

  it("a two-tier cascade pays for both calls when it escalates", () => {
    // L1 kept where score ≥ 0.8: i1 (✓), i5 (✗) → kept 2, kept error 1/2. i2, i3, i4 go to A: ✓, ✗, ✓.
    // Right: i1, i2, i4 → 3/5. API share 3/5. Cost: 5 × 0.0001 + 3 × 0.01 = 0.0305 over 5 items → $6.10 per 1k.
    const p = point({ kind: "cascade", models: ["L1", "A"], thresholds: [0.8], alpha: 0.1, delta: 0.2 });
    expect(p).toMatchObject({
      kind: "cascade",
      models: ["L1", "A"],
      thresholds: [0.8],
      accuracy: 0.6,
      api_share: 0.6,
      kept: 2,
      kept_error: 0.5,
      alpha: 0.1,
      delta: 0.2,
    });
    expect(p.cost_per_1k_usd).toBeCloseTo(6.1, 12);
    // Wilson 95 % for 3/5, z² = 3.8415: centre (0.6 + 3.8415/10)/(1 + 3.8415/5) = 0.98415/1.7683 = 0.5566,
    // half (1.96/1.7683)·√(0.24/5 + 3.8415/100) = 1.1084·0.29397 = 0.3258 → [0.2307, 0.8824].
    expect(p.accuracy_ci95.lower).toBeCloseTo(0.2307, 3);
    expect(p.accuracy_ci95.upper).toBeCloseTo(0.8824, 3);
  });

  it("a three-tier cascade", () => {
    // Thresholds 0.8 (L1), 0.85 (L2). i1: L1 0.9 kept ✓. i5: L1 0.95 kept ✗. i2: L1 0.7 → L2 0.6 → A ✓.
    // i3: L1 0.2 → L2 0.3 → A ✗. i4: L1 0.4 → L2 0.9 kept ✗. Right: i1, i2 → 2/5. API: i2, i3 → 2/5.
    // Kept locally: i1, i5, i4 with i5, i4 wrong → 2/3. Cost: L1 × 5 = 0.0005, L2 × 3 = 0.0006, A × 2 = 0.02,
    // total 0.0211 / 5 × 1000 = $4.22 per 1k.
    const p = point({ kind: "cascade", models: ["L1", "L2", "A"], thresholds: [0.8, 0.85] });
    expect(p).toMatchObject({ accuracy: 0.4, api_share: 0.4, kept: 3, alpha: null, delta: null });
    expect(p.kept_error).toBeCloseTo(2 / 3, 12);
    expect(p.cost_per_1k_usd).toBeCloseTo(4.22, 12);
  });

  it("consensus pays for both local calls and keeps agreeing, confident answers", () => {
    // Agree: i1 ("4"), i3 ("7"), i5 ("2"). With t = 0.5 on L1's score: i1 (0.9) and i5 (0.95) kept, i3 (0.2)
    // escalates. Final: i1 ✓, i2 A ✓, i3 A ✗, i4 A ✓, i5 ✗ → 3/5. API 3/5. Kept 2, one wrong → 0.5.
    // Cost: both locals on all 5 = 5 × 0.0003 = 0.0015, plus 3 × 0.01 → 0.0315 / 5 × 1000 = $6.30 per 1k.
    const p = point({ kind: "consensus", models: ["L1", "L2"], fallback: "A", threshold: 0.5 });
    expect(p).toMatchObject({ kind: "consensus", models: ["L1", "L2", "A"], thresholds: [0.5], accuracy: 0.6, api_share: 0.6, kept: 2, kept_error: 0.5 });
    expect(p.cost_per_1k_usd).toBeCloseTo(6.3, 12);
    // Agreement alone keeps i3 too: 3 kept, 2 wrong; API 2/5; cost 0.0015 + 0.02 → $4.30 per 1k.
    const q = point({ kind: "consensus", models: ["L1", "L2"], fallback: "A", threshold: null });
    expect(q).toMatchObject({ accuracy: 0.6, api_share: 0.4, kept: 3, thresholds: null });
    expect(q.kept_error).toBeCloseTo(2 / 3, 12);
    expect(q.cost_per_1k_usd).toBeCloseTo(4.3, 12);
    // Scoring on L2 instead: i1 (0.8) kept, i3 (0.3) escalates, i5 (0.5) kept → same as L1's here.
    expect(point({ kind: "consensus", models: ["L1", "L2"], fallback: "A", threshold: 0.5, scoreFrom: "L2" }).kept).toBe(2);
  });

  it("the oracle keeps a local answer exactly when it is right", () => {
    // L1 right on i1, i4 → kept; i2, i3, i5 → A: ✓, ✗, ✓. Right 4/5, API 3/5, kept error 0, $6.10 per 1k.
    const p = point({ kind: "oracle", models: ["L1", "A"] });
    expect(p).toMatchObject({ kind: "oracle", accuracy: 0.8, api_share: 0.6, kept: 2, kept_error: 0 });
    expect(p.cost_per_1k_usd).toBeCloseTo(6.1, 12);
    // Through L2 too: i2 kept by L2; i3, i5 → A. Right 4/5, API 2/5; cost as the 3-tier cascade: $4.22.
    const q = point({ kind: "oracle", models: ["L1", "L2", "A"] });
    expect(q).toMatchObject({ accuracy: 0.8, api_share: 0.4, kept: 3, kept_error: 0 });
    expect(q.cost_per_1k_usd).toBeCloseTo(4.22, 12);
  });

  it("random routing is the exact expectation at the given API share", () => {
    // 60 % to A: accuracy 0.4·0.4 + 0.6·0.8 = 0.64; cost 0.4·0.0001 + 0.6·0.01 = 0.00604 → $6.04 per 1k;
    // kept 0.4·5 = 2 answers in expectation, wrong at L1's rate 0.6.
    const p = point({ kind: "random", local: "L1", api: "A", apiShare: 0.6 });
    expect(p).toMatchObject({ kind: "random", name: "random L1 / A @ 60% API", api_share: 0.6, thresholds: null });
    expect(p.accuracy).toBeCloseTo(0.64, 12);
    expect(p.cost_per_1k_usd).toBeCloseTo(6.04, 12);
    expect(p.kept).toBeCloseTo(2, 12);
    expect(p.kept_error).toBeCloseTo(0.6, 12);
    expect(p.accuracy_ci95.lower).toBeLessThan(0.64);
    expect(p.accuracy_ci95.upper).toBeGreaterThan(0.64);
    // At a whole count it is exactly Wilson: 0 % API → 2/5.
    expect(point({ kind: "random", local: "L1", api: "A", apiShare: 0 }).accuracy_ci95).toEqual(wilsonInterval(2, 5));
  });

  it("names policies, evaluates a list, and rejects what cannot be computed", () => {
    expect(
      evaluatePolicies({ items, models }, [
        { kind: "single", model: "L2", name: "llama" },
        { kind: "oracle", models: ["L1", "A"] },
      ]).map((p) => p.name),
    ).toEqual(["llama", "oracle L1 → A"]);
    expect(() => point({ kind: "cascade", models: ["L1", "A"], thresholds: [] })).toThrow(/needs 1 thresholds/);
    expect(() => point({ kind: "single", model: "gpt-5" })).toThrow(/model gpt-5 is not among the models given/);
    expect(() =>
      evaluatePolicy({ items: [{ id: "x", outcomes: { L1: row(true, 1, "a", 0) } }], models }, { kind: "cascade", models: ["L1", "A"], thresholds: [1] }),
    ).not.toThrow();
    expect(() =>
      evaluatePolicy({ items: [{ id: "x", outcomes: { L1: row(true, 0.1, "a", 0) } }], models }, { kind: "cascade", models: ["L1", "A"], thresholds: [1] }),
    ).toThrow(/item x: no outcome for model A/);
    expect(() => point({ kind: "random", local: "A", api: "L1", apiShare: 0.5 })).toThrow(/local-tier/);
  });

  it("escalates an answer without a score", () => {
    const unscored: FrontierItem[] = [{ id: "u", outcomes: { L1: { correct: true, costUsd: 0 }, A: { correct: false, costUsd: 1 } } }];
    expect(evaluatePolicy({ items: unscored, models }, { kind: "cascade", models: ["L1", "A"], thresholds: [0] })).toMatchObject({ accuracy: 0, api_share: 1 });
  });
});

describe("bench evaluate --json document", () => {
  it("validates a report built from the policy points, and rejects another version", () => {
    const policies = evaluatePolicies({ items, models }, [
      { kind: "single", model: "A" },
      { kind: "random", local: "L1", api: "A", apiShare: 0.3 },
    ]);
    const report = { version: 1, dataset: "hand", split: { fit: 0, eval: 5, seed: 1 }, policies };
    expect(EvaluateReport.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    expect(() => EvaluateReport.parse({ ...report, version: 2 })).toThrow();
  });
});
