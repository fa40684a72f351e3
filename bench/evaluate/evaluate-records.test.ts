import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { agreementRecords } from "../../test-support/bench-records.js";
import { evaluateRecords } from "./evaluate-records.js";
import { EvaluateReport } from "./frontier-types.js";
import { splitItems } from "./split.js";

/**
 * The 200-item case of test-support/bench-records.ts three times over (600 items: a half has enough
 * agreeing pairs for the guarantee), fitted on a seeded half and judged on the other.
 */
describe("bench evaluate on the hand case", () => {
  const config = writeTestConfig((d) => ((d.actions as Record<string, Record<string, unknown>>).classify!.accuracy_tolerance = 0.05)).load();
  const report = evaluateRecords({ records: agreementRecords({ copies: 3 }), config, dataset: "hand-case", split: 0.5, seed: 1, aurocIterations: 200 });
  // Which items were judged: the same seeded split of the items in record order.
  const judged = splitItems(
    Array.from({ length: 600 }, (_, n) => n),
    { share: 0.5, seed: 1 },
  ).eval;
  const count = (pred: (i: number) => boolean) => judged.filter((n) => pred(n % 200)).length;
  const point = (name: string) => report.policies.find((p) => p.name.startsWith(name))!;

  it("is a valid EvaluateReport with every policy the issue lists", () => {
    expect(() => EvaluateReport.parse(report)).not.toThrow();
    expect(report.split).toEqual({ fit: 300, eval: 300, seed: 1 });
    expect(report.policies.map((p) => p.name.split(/[ :(]/)[0])).toEqual([
      "fast-a",
      "quality-a",
      "api-model",
      "rule",
      "consensus",
      "cascade",
      "consensus",
      "api_first",
      "oracle",
      "random",
    ]);
  });

  it("each model alone: its share of right answers on the judged half", () => {
    expect(point("fast-a").accuracy).toBe(count((i) => (i < 160 ? i >= 3 : i < 180)) / 300);
    expect(point("api-model").accuracy).toBe(count((i) => i < 198) / 300);
  });

  it("consensus is recommended, keeps the judged agreeing pairs, and its α guarantee holds on them", () => {
    const c = point("consensus (calibrated)");
    expect(report.recommended).toBe(c.name);
    expect(c).toMatchObject({
      recommended: true,
      policy: "consensus",
      kind: "consensus",
      kept: count((i) => i < 160),
      api_share: count((i) => i >= 160) / 300,
      alpha: 0.05,
      delta: 0.1,
    });
    expect(c.kept_error).toBe(count((i) => i < 3) / count((i) => i < 160));
    expect(c.within_alpha).toBe(c.kept_error! <= 0.05);
  });

  it("the oracle keeps every right local answer: it misses only where the API is wrong too", () => {
    expect(point("oracle").accuracy).toBe(count((i) => i < 198) / 300);
    expect(point("random").api_share).toBe(point("consensus (calibrated)").api_share);
  });

  it("agreement alone keeps every agreeing pair, with no guarantee attached", () => {
    const a = point("consensus on agreement alone");
    expect(a.recommended).not.toBe(true);
    expect(a).toMatchObject({ policy: null, alpha: null, kept: count((i) => i < 160), api_share: count((i) => i >= 160) / 300 });
    expect(a.kept_error).toBe(count((i) => i < 3) / count((i) => i < 160));
  });

  it("AUROC of agreement at the consensus cell, and RouteLLM's metrics for it", () => {
    const agreement = report.signals!.find((s) => s.policy === "consensus" && s.signal === "agreement")!;
    expect(agreement).toMatchObject({ cell: "consensus", model: "fast-a", n: 300 });
    expect(agreement.auroc!).toBeGreaterThan(0.8);
    expect(agreement.lower!).toBeLessThanOrEqual(agreement.auroc!);
    const rl = report.routellm!.find((m) => m.policy === "consensus")!;
    expect(rl).toMatchObject({ local: "fast-a", api: "api-model", weak: point("fast-a").accuracy, strong: point("api-model").accuracy });
  });
});
