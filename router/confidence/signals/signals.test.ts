import { describe, expect, it } from "vitest";
import { answerSignals } from "../answer-signals.js";
import { agreementSignal } from "./agreement.js";
import { checkFeatureValues } from "./check-features.js";
import type { SignalContext } from "./contract.js";
import { extractionSignal } from "./extraction.js";
import { logprobMeanSignal, logprobMinSignal, logprobOnAnswerSignal } from "./logprob.js";
import { answerFeatures, isFeatureName, ownSignalValues, signalIds } from "./registry.js";
import { verifierSignal } from "./verifier.js";

const clean = (canonical: string | null): SignalContext["reading"] => ({ status: canonical === null ? "unparseable" : "clean", canonical });

describe("agreement", () => {
  it("is the share of peers giving the same answer, undefined without peers, 0 for an unparseable answer", () => {
    expect(agreementSignal.value({ reading: clean("18"), peers: [] })).toBeUndefined();
    expect(agreementSignal.value({ reading: clean("18"), peers: ["18"] })).toBe(1);
    expect(agreementSignal.value({ reading: clean("18"), peers: ["18", "20"] })).toBe(0.5);
    // An unparseable peer (null) agrees with nothing; so does an unparseable answer, even with unparseable peers.
    expect(agreementSignal.value({ reading: clean("18"), peers: ["18", null, "18"] })).toBeCloseTo(2 / 3, 12);
    expect(agreementSignal.value({ reading: clean(null), peers: [null] })).toBe(0);
  });
});

describe("own signals", () => {
  it("extraction: clean 1, repaired 0.5, unparseable 0", () => {
    expect(extractionSignal.value({ reading: { status: "clean", canonical: "1" }, peers: [] })).toBe(1);
    expect(extractionSignal.value({ reading: { status: "repaired", canonical: "1" }, peers: [] })).toBe(0.5);
    expect(extractionSignal.value({ reading: { status: "unparseable", canonical: null }, peers: [] })).toBe(0);
  });

  it("log-prob signals read the features, and are missing (not 0) without them", () => {
    const logprobs = { mean: -0.25, min: -1.5, tokens: 2, scope: "answer" as const };
    const ctx = { reading: clean("1"), peers: [], logprobs };
    expect([logprobMeanSignal.value(ctx), logprobMinSignal.value(ctx), logprobOnAnswerSignal.value(ctx)]).toEqual([-0.25, -1.5, 1]);
    expect(logprobOnAnswerSignal.value({ ...ctx, logprobs: { ...logprobs, scope: "all_tokens" } })).toBe(0);
    expect(logprobMeanSignal.value({ reading: clean("1"), peers: [] })).toBeUndefined();
    expect(verifierSignal.value({ reading: clean("1"), peers: [] })).toBeUndefined();
    expect(verifierSignal.value({ reading: clean("1"), peers: [], verifier: 0.8 })).toBe(0.8);
  });

  it("checks become check_<id> features; a check listed twice keeps its lower score", () => {
    const r = (id: string, score: number) => ({ id, score, pass: score >= 1, reason: "" });
    expect(checkFeatureValues([r("finish_reason", 1), r("repetition", 0.4), r("repetition", 0.7)])).toEqual({ check_finish_reason: 1, check_repetition: 0.4 });
    expect(checkFeatureValues(undefined)).toEqual({});
  });

  it("ownSignalValues lists every own signal (missing ones undefined) and the checks, never agreement", () => {
    const own = ownSignalValues({ reading: { status: "repaired", canonical: "7" }, checks: [{ id: "finish_reason", score: 0, pass: false, reason: "cut" }] });
    expect(own).toEqual({
      extraction: 0.5,
      logprob_mean: undefined,
      logprob_min: undefined,
      logprob_on_answer: undefined,
      verifier: undefined,
      check_finish_reason: 0,
    });
    expect("agreement" in own).toBe(false);
  });

  it("answerFeatures adds the peer signals to recorded own values", () => {
    expect(answerFeatures({ own: { extraction: 1, check_repetition: null }, reading: clean("4"), peers: ["4", "5"] })).toEqual({
      extraction: 1,
      check_repetition: null,
      agreement: 0.5,
    });
  });

  it("names: every registered id, and check_<id>", () => {
    expect(signalIds()).toEqual(["agreement", "extraction", "logprob_mean", "logprob_min", "logprob_on_answer", "verifier"]);
    expect([isFeatureName("agreement"), isFeatureName("check_label_set"), isFeatureName("check_"), isFeatureName("length")]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe("answerSignals on a reply", () => {
  it("reads the answer with the action's kind and scores its span's log-probabilities", () => {
    const text = '{"reasoning": "5 + 13", "answer": "$18"}';
    // Tokens spell the text; the answer span is `$18` (the field's value inside the quotes).
    const tokens = ['{"reasoning": "5 + 13", "answer": "', "$", "18", '"}'];
    const logprobs = tokens.map((token, i) => ({ token, logprob: [-0.1, -0.5, -1.5, -0.01][i]! }));
    const s = answerSignals({ text, kind: "number", checks: [], logprobs });
    expect(s.reading).toEqual({ status: "clean", canonical: "18" });
    expect(s.own.extraction).toBe(1);
    expect(s.own.logprob_mean).toBeCloseTo(-1, 12); // (−0.5 − 1.5) / 2
    expect(s.own.logprob_min).toBe(-1.5);
    expect(answerSignals({ text: "I am not sure.", kind: "number" }).reading).toEqual({ status: "unparseable", canonical: null });
  });
});
