import { describe, expect, it } from "vitest";
import { findAnswerSpan } from "./answer-span.js";

const spanText = (text: string, opts = {}) => {
  const s = findAnswerSpan(text, opts);
  return s && { text: text.slice(s.start, s.end), how: s.how };
};

describe("findAnswerSpan", () => {
  it.each([
    ['{"reasoning": "3 + 15", "answer": 18}', "18"],
    ['{"answer": "18"}', "18"],
    ["{'answer': 'yes'}", "yes"],
    ['{"answer": [1, ")", [2, 3]], "x": 1}', '[1, ")", [2, 3]]'],
    ['{"answer": (1, "a")}', '(1, "a")'],
    ['{"answer": -3.5e2 }', "-3.5e2"],
    ['```json\n{"answer": true}\n```', "true"],
    ['{"answer": "say \\"hi\\""}', 'say \\"hi\\"'],
    ['{"answer": ""}', '""'],
  ])("finds the value of the answer field in %s", (text, want) => {
    expect(spanText(text)).toEqual({ text: want, how: "json_field" });
  });

  it("takes the last answer field, since answers follow reasoning", () => {
    expect(spanText('{"draft": {"answer": 1}, "answer": 2}')?.text).toBe("2");
  });

  it("reads another field name when told", () => {
    expect(spanText('{"label": "auth", "answer": "x"}', { field: "label" })?.text).toBe("auth");
  });

  it("falls back to the last place the extracted answer appears", () => {
    expect(spanText("So 9 + 9 = 18. The answer is 18.", { canonical: "18" })).toEqual({ text: "18", how: "canonical_match" });
    const s = findAnswerSpan("So 9 + 9 = 18. The answer is 18.", { canonical: "18" })!;
    // "So 9 + 9 = 18. " is 15 characters and "The answer is " 14 more: the last "18" starts at 29.
    expect(s.start).toBe(29);
  });

  it("gives up on unclosed values and absent answers", () => {
    expect(findAnswerSpan('{"answer": [1, 2')).toBeUndefined();
    expect(findAnswerSpan('{"answer": "open')).toBeUndefined();
    expect(findAnswerSpan("no answer here", { canonical: "42" })).toBeUndefined();
    expect(findAnswerSpan('{"answer": }')).toBeUndefined();
  });
});
