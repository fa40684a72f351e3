import { describe, expect, it } from "vitest";
import { evaluateReportFixture } from "../../test-support/scenario-fixtures.js";
import { frontierVerdict, roleOf, trafficLabel } from "./frontier-verdict.js";

describe("frontier verdict", () => {
  it("routes through the cheapest calibrated policy within α and 1 % of the reference: 0.948 / 0.955 = 99.3 %, 0.85 / 3.1 = 27.4 %", () => {
    const v = frontierVerdict(evaluateReportFixture(), { reference: "gpt-4o" })!;
    expect(v.kind).toBe("route");
    expect(v.reference.name).toBe("gpt-4o");
    expect(v.chosen!.name).toBe("calibrated cascade");
    expect(v.accuracyRatio).toBeCloseTo(0.948 / 0.955, 12);
    expect(v.costRatio).toBeCloseTo(0.85 / 3.1, 12);
    expect(v.sentence).toBe("Routing gsm8k-like traffic through calibrated cascade keeps 99.3 % of gpt-4o's accuracy at 27.4 % of its cost.");
    expect(v.rule).toContain("at least 99 % of gpt-4o's alone (95.5 %)");
  });

  it("without a named reference, compares with the most accurate API model alone", () => {
    // claude-sonnet (96 %): 99 % of it is 95.04 %; only the consensus (95.1 %) reaches it, so it is chosen though dearer.
    const v = frontierVerdict(evaluateReportFixture())!;
    expect(v.reference.name).toBe("claude-sonnet");
    expect(v.chosen!.name).toBe("calibrated consensus");
    expect(v.sentence).toBe("Routing gsm8k-like traffic through calibrated consensus keeps 99.1 % of claude-sonnet's accuracy at 24.9 % of its cost.");
  });

  it("says API first when the local policies fall short (CRUXEval-like: weak local models)", () => {
    const crux = evaluateReportFixture((ps) => ps.map((p) => (p.alpha ? { ...p, accuracy: p.accuracy - 0.3 } : p)));
    const v = frontierVerdict({ ...crux, dataset: "datasets/cruxeval-replay.jsonl" }, { reference: "gpt-4o" })!;
    expect(v.kind).toBe("api_first");
    expect(v.chosen!.name).toBe("calibrated consensus");
    expect(v.sentence).toMatch(
      /^Send cruxeval-like traffic to gpt-4o first \(API first\): no calibrated local policy keeps 99 % of its accuracy at a lower cost with its kept-answer error within α \(the closest, calibrated consensus, keeps 68\.2 % of its accuracy at 31\.3 % of its cost\)\.$/,
    );
  });

  it("a policy whose kept-answer error on the held-out items exceeds its α does not qualify", () => {
    const leaky = evaluateReportFixture((ps) => ps.map((p) => (p.name === "calibrated cascade" ? { ...p, kept_error: 0.06 } : p)));
    const v = frontierVerdict(leaky, { reference: "gpt-4o" })!;
    expect(v.chosen!.name).toBe("calibrated consensus");
    const both = evaluateReportFixture((ps) => ps.map((p) => (p.alpha ? { ...p, kept_error: 0.08 } : p)));
    const w = frontierVerdict(both, { reference: "gpt-4o" })!;
    expect(w.kind).toBe("api_first");
    expect(w.sentence).toContain("with kept-answer error 8.0 % above its α 5.0 %");
  });

  it("a calibrated policy that sends everything to the API is not named as the closest local miss", () => {
    const allApi = evaluateReportFixture((ps) => ps.map((p) => (p.alpha ? { ...p, api_share: 1, kept: 0, kept_error: null, accuracy: 0.96 } : p)));
    const v = frontierVerdict(allApi, { reference: "gpt-4o" })!;
    expect(v.kind).toBe("api_first");
    expect(v.sentence).toContain("(every calibrated policy sends all its traffic to the API: no local answer could be kept within α on the fit items)");
    expect(v.sentence).not.toContain("the closest");
  });

  it("the seed's rule cascade and the oracle never count as a recommendation, however cheap", () => {
    const r = evaluateReportFixture((ps) =>
      ps.filter((p) => !p.alpha).map((p) => (p.kind === "oracle" || p.kind === "cascade" ? { ...p, accuracy: 0.99 } : p)),
    );
    expect(frontierVerdict(r, { reference: "gpt-4o" })).toMatchObject({ kind: "api_first", chosen: null });
  });

  it("no single API model: no verdict", () => {
    expect(frontierVerdict(evaluateReportFixture((ps) => ps.filter((p) => p.api_share < 1)))).toBeNull();
  });

  it("roles and labels", () => {
    expect(evaluateReportFixture().policies.map(roleOf)).toEqual([
      "single model",
      "single model",
      "single model",
      "single model",
      "single model",
      "seed rule cascade",
      "calibrated policy",
      "calibrated policy",
      "random routing",
      "oracle cascade (limit)",
    ]);
    expect(trafficLabel("datasets/gsm8k-replay.jsonl")).toBe("gsm8k-like");
    expect(trafficLabel("/x/support-tickets.jsonl.gz")).toBe("support-tickets-like");
  });
});
