import { describe, expect, it } from "vitest";
import { describeJsonError, extractAnswerField } from "./extract.js";
import { canonicalNumber, finalAnswerLine, readNumberText } from "./number-text.js";
import { readAnswer, sameAnswer } from "./read-answer.js";

// Hand-written replies, one per path; real-replies.fixture.ts has the same paths in real model replies.
describe("extractAnswerField", () => {
  it.each([
    ['{"reasoning": "r", "answer": "18"}', "clean", "18", undefined],
    ['```json\n{"reasoning": "r", "answer": "18"}\n```', "clean", "18", undefined],
    ['  ```\n{"answer": "x"}\n```  ', "clean", "x", undefined],
    ['Sure:\n{"reasoning": "r", "answer": "18"}\nHope it helps.', "repaired", "18", "JSON object inside prose"],
    ['Steps...\n```json\n{"reasoning": "r", "answer": "18"}\n```\nNote: rounded.', "repaired", "18", "fenced JSON with prose around it"],
    ['First try:\n```json\n{"answer": "12"}\n```\nCorrected:\n```json\n{"answer": "18"}\n```', "repaired", "18", "fenced JSON with prose around it"],
    ["{'reasoning': 'r', 'answer': '18'}", "repaired", "18", "repaired JSON: single quotes"],
    ['{"reasoning": "r", "answer": "18",}', "repaired", "18", "repaired JSON: trailing comma"],
    ['{"reasoning": "line one\nline two", "answer": "18"}', "repaired", "18", "repaired JSON: unescaped newline or tab in a string"],
    ['{"reasoning": "the "best" guess", "answer": "18"}', "repaired", "18", "repaired JSON: unescaped double quote in a string"],
    ['{"reasoning": "2 \\* 9", "answer": "18"}', "repaired", "18", "repaired JSON: invalid escape in a string"],
    ['{reasoning: "r", answer: "18"}', "repaired", "18", "repaired JSON: unquoted key"],
    ['{"reasoning": "r", "answer": "18"', "repaired", "18", "repaired JSON: truncated JSON"],
    ['{"reasoning": "r", "answer": 18}', "repaired", "18", "answer is a JSON number, not a string"],
    ['{"reasoning": "r", "answer": [1, 2]}', "repaired", "[1, 2]", "answer is a JSON array, not a string"],
    ['{"reasoning": "r", "answer": {"a": None, 3: 0}}', "repaired", '{"a": None, 3: 0}', "answer is a JSON object, not a string"],
    ['{"reasoning": "never closed, "answer": "18"}', "repaired", "18", "repaired JSON: unescaped double quote in a string"],
    ['{"answer": "18"}\n\nQuestion:\nA new one?\n{"answer": "99"}', "repaired", "18", 'ignored a new "Question:"'],
  ] as const)("%j → %s %j", (text, status, raw, how) => {
    const r = extractAnswerField(text);
    expect(r.status).toBe(status);
    expect(r.raw).toBe(raw);
    if (how) expect(r.how).toContain(how);
    else expect(r.how).toBeUndefined();
  });

  it("reads the field by pattern when no repair parses the object, and says so", () => {
    const r = extractAnswerField('```json\n{\n "reasoning": "a { b ] c\n "answer": "18"\n}\n```');
    expect(r).toMatchObject({ status: "repaired", raw: "18" });
    expect(extractAnswerField('"answer": "cut off here')).toMatchObject({
      status: "repaired",
      raw: "cut off here",
      how: "answer read by pattern from unparseable JSON",
    });
  });

  it.each([
    ["The answer is 18.", "no JSON object in the reply"],
    ['{"reasoning": "ran out of tok', "no answer field in the reply's JSON"],
    ['{"reasoning": "r", "result": "18"}', "no answer field in the reply's JSON"],
    ['{"reasoning": "r", "answer": null}', "answer is null"],
    ["", "no JSON object in the reply"],
  ])("%j is missing: %s", (text, how) => {
    expect(extractAnswerField(text)).toEqual({ status: "missing", how });
  });

  it("names what JSON.parse choked on from V8's message", () => {
    expect(describeJsonError("{'a': 1}", "Expected property name or '}' in JSON at position 1")).toBe("single quotes");
    expect(describeJsonError('{"a": 1,}', "Expected double-quoted property name in JSON at position 8")).toBe("trailing comma");
    expect(describeJsonError('{"a": 1', "Expected ',' or '}' after property value in JSON at position 7")).toBe("truncated JSON");
    expect(describeJsonError("{", "some other engine's words")).toBe("malformed JSON");
  });
});

describe("readNumberText", () => {
  it.each([
    ["18", 18, undefined],
    ["18.0", 18, undefined],
    ["$18", 18, undefined],
    ["$1,080.50", 1080.5, undefined],
    ["-$10,000", -10000, undefined],
    ["$-5", -5, undefined],
    ["18 dollars", 18, undefined],
    ["25%", 25, undefined],
    ["5 hours", 5, undefined],
    ["$52,500/year", 52500, undefined],
    ["**42**", 42, undefined],
    ["3/4", 0.75, undefined],
    ["18.", 18, undefined],
    ["€5", 5, undefined],
    ["−3", -3, undefined],
    ["4 * 1.5 + 20 = 6 + 20 = 26", 26, "value after the last '='"],
    ["35/7 = 5", 5, "value after the last '='"],
    ["Anne is 8 years old.", 8, "the only number in the answer text"],
    ["2:00 pm", 2, "clock time read as its hour"],
  ] as const)("%j → %d", (text, value, how) => {
    const r = readNumberText(text);
    expect(r).toEqual(how ? { ok: true, value, how } : { ok: true, value });
  });

  it.each([
    ["86 glasses and 42 plates", "2 numbers (86, 42) and no single result"],
    ["Cannot be determined", "no number in the answer"],
    ["NaN", "no number in the answer"],
    ["", "empty answer"],
    ["2:10 pm", 'clock time "2:10 pm" is not one number'],
    ["1,2", "2 numbers (1, 2) and no single result"],
    ["0.40 * 0.20 = 0.08, or 8%", "4 numbers (0.40, 0.20, 0.08, …) and no single result"],
  ])("%j is refused: %s", (text, how) => {
    expect(readNumberText(text)).toEqual({ ok: false, how });
  });

  it("canonical numbers are equal exactly when the values are", () => {
    expect(canonicalNumber(18)).toBe(canonicalNumber(18.0));
    expect(canonicalNumber(-0)).toBe("0");
    expect(canonicalNumber(0.1 + 0.2)).not.toBe(canonicalNumber(0.3));
  });

  it("finalAnswerLine unwraps quotes and a stray key", () => {
    expect(finalAnswerLine('work...\n\nAnswer: "15"\n```')).toBe("15");
    expect(finalAnswerLine('so 220. \\n\\nAnswer: \\"answer\\": \\"220\\""\n}')).toBe("220");
    expect(finalAnswerLine("**Answer:** 7\nlater\nAnswer: 9")).toBe("9");
    expect(finalAnswerLine("no such line")).toBeUndefined();
  });
});

describe("readAnswer", () => {
  it("number: canonical text ignores format; the 'Answer:' line is a repair that can be turned off", () => {
    const a = readAnswer('{"answer": "$1,080"}', "number");
    const b = readAnswer('```json\n{"answer": "1080.0"}\n```', "number");
    expect(a).toEqual({ status: "clean", value: 1080, canonical: "1080" });
    expect(sameAnswer(a, b)).toBe(true);
    const line = '```json\n{\n "reasoning": "W = 15\n\nAnswer: "15"\n```';
    expect(readAnswer(line, "number")).toMatchObject({ status: "repaired", value: 15, how: expect.stringContaining("read the last 'Answer:' line") });
    expect(readAnswer(line, "number", { answerLine: false })).toMatchObject({ status: "unparseable", canonical: null });
    expect(readAnswer("The answer is 18.", "number")).toEqual({ status: "unparseable", canonical: null, how: "no JSON object in the reply" });
  });

  it("python_literal: parses the field; unquoted text is a str, malformed literals are not", () => {
    expect(readAnswer('{"answer": "[(4, 1), (2, 3)]"}', "python_literal")).toMatchObject({ status: "clean", canonical: "[(4, 1), (2, 3)]" });
    expect(readAnswer('{"answer": "True"}', "python_literal").canonical).toBe("1");
    expect(readAnswer('{"answer": "hello world"}', "python_literal")).toMatchObject({
      status: "repaired",
      canonical: "'hello world'",
      how: "unquoted text read as a str",
    });
    expect(readAnswer('{"answer": ""}', "python_literal")).toMatchObject({ status: "repaired", canonical: "''" });
    expect(readAnswer('{"answer": "[1, 2"}', "python_literal")).toMatchObject({
      status: "unparseable",
      how: expect.stringContaining("not a Python literal: unexpected end"),
    });
    expect(readAnswer('{"answer": "`[1, 2]`"}', "python_literal")).toMatchObject({
      status: "repaired",
      canonical: "[1, 2]",
      how: "markdown backticks removed",
    });
    expect(readAnswer('{"answer": "\'a\\nb\'"}', "python_literal")).toMatchObject({ canonical: "'a\\nb'", how: "control characters read as Python escapes" });
    expect(readAnswer('{"answer": [1, true]}', "python_literal")).toMatchObject({
      canonical: "[1, 1]",
      how: expect.stringContaining("read the JSON value as Python"),
    });
    expect(sameAnswer(readAnswer('{"answer": "{2, 1}"}', "python_literal"), readAnswer('{"answer": "{1, 2}"}', "python_literal"))).toBe(true);
  });

  it("label and text", () => {
    expect(readAnswer('{"answer": " Card_Arrival. "}', "label")).toEqual({ status: "clean", value: "card_arrival", canonical: "card_arrival" });
    expect(readAnswer("Label: card_arrival", "label")).toMatchObject({ status: "clean", canonical: "card_arrival" });
    expect(readAnswer("   ", "label")).toMatchObject({ status: "unparseable" });
    expect(readAnswer("a  reply\nover lines ", "text")).toEqual({ status: "clean", value: "a  reply\nover lines", canonical: "a reply over lines" });
    expect(sameAnswer(readAnswer("", "text"), readAnswer("", "text"))).toBe(false);
  });
});
