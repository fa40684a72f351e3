import { describe, expect, it } from "vitest";
import { createRng } from "../../core/rng.js";
import { decideCell } from "./decide-cell.js";
import { nextStep } from "./escalation.js";

describe("decideCell", () => {
  it("keeps an answer whose P(correct) reaches the threshold; an unscored one escalates", () => {
    expect(decideCell({ basis: "p_correct", threshold: 0.9, pCorrect: 0.9 })).toBe("accept");
    expect(decideCell({ basis: "p_correct", threshold: 0.9, pCorrect: 0.89 })).toBe("escalate");
    expect(decideCell({ basis: "p_correct", threshold: 0, pCorrect: undefined })).toBe("escalate");
  });

  it("a consensus cell also needs the pair to agree", () => {
    expect(decideCell({ basis: "p_correct", threshold: 0.5, pCorrect: 0.99, agree: false })).toBe("escalate");
    expect(decideCell({ basis: "p_correct", threshold: 0.5, pCorrect: 0.99, agree: true })).toBe("accept");
    expect(decideCell({ basis: "self_check", threshold: 0.5, confidence: 1, agree: false })).toBe("escalate");
  });

  it("the final cell always answers", () => {
    expect(decideCell({ basis: "final" })).toBe("accept");
  });

  it("without a scorer it is the legacy rule, nextStep, on random inputs", () => {
    const rng = createRng(7);
    for (let i = 0; i < 1000; i++) {
      const confidence = Math.round(rng.next() * 10) / 10;
      const threshold = Math.round(rng.next() * 10) / 10;
      const legacy = nextStep({ kind: "answer", confidence, threshold }, 0, 2) === "accept" ? "accept" : "escalate";
      expect(decideCell({ basis: "self_check", threshold, confidence })).toBe(legacy);
    }
  });
});
