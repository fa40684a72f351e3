import { describe, expect, it } from "vitest";
import { DEFAULT_VERIFIER_TEMPLATE, pYes, verifierRequest } from "./verifier.js";

describe("the verifier", () => {
  it("asks one question with the prompt and the answer filled in, for a few tokens, with alternatives", () => {
    const r = verifierRequest({ question: "2 + 2?", answer: '{"answer": "4"}' });
    expect(r.messages).toEqual([{ role: "user", content: DEFAULT_VERIFIER_TEMPLATE.replace("{question}", "2 + 2?").replace("{answer}", '{"answer": "4"}') }]);
    expect(r).toMatchObject({ maxTokens: 4, temperature: 0, logprobs: { top: 5 } });
    expect(verifierRequest({ question: "q", answer: "a", template: "{answer}|{question}|{answer}" }).messages[0]!.content).toBe("a|q|a");
  });

  it("P(yes) from the first token's alternatives: P(yes) / (P(yes) + P(no)), case and spaces ignored", () => {
    // Both yes spellings count: (e^−0.3 + e^−3) / (e^−0.3 + e^−3 + e^−1.6) = 0.7906 / 0.9925 = 0.797; "Maybe" is neither.
    const lp = [
      {
        token: "Yes",
        logprob: -0.3,
        top: [
          { token: "Yes", logprob: -0.3 },
          { token: " yes", logprob: -3 },
          { token: "No", logprob: -1.6 },
          { token: "Maybe", logprob: -4 },
        ],
      },
    ];
    const yes = Math.exp(-0.3) + Math.exp(-3);
    expect(pYes({ text: "Yes", logprobs: lp })).toBeCloseTo(yes / (yes + Math.exp(-1.6)), 12);
  });

  it("without log-probabilities it reads the reply's first word (1 or 0), and neither is undefined", () => {
    expect(pYes({ text: "Yes, it is." })).toBe(1);
    expect(pYes({ text: "no" })).toBe(0);
    expect(pYes({ text: "Nobody knows" })).toBeUndefined();
    expect(pYes({ text: "It depends" })).toBeUndefined();
  });
});
