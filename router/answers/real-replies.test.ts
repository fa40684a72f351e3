import { describe, expect, it } from "vitest";
import { readAnswer } from "./read-answer.js";
import { REAL_REPLIES } from "./real-replies.fixture.js";

describe("readAnswer on real replies (real-replies.fixture.ts)", () => {
  it("covers every extraction path and failure the readers name", () => {
    const hows = REAL_REPLIES.map((c) => c.how ?? "");
    for (const path of [
      "JSON object inside prose",
      "fenced JSON with prose around it",
      "text around the JSON object inside the fence",
      "unescaped newline or tab in a string",
      "invalid escape in a string",
      "unescaped double quote in a string",
      "answer is a JSON number",
      "answer is a JSON array",
      "answer is a JSON object",
      "answer read by pattern",
      "read the last 'Answer:' line",
      "ignored a new",
      "value after the last '='",
      "the only number in the answer text",
      "clock time read as its hour",
      "unquoted text read as a str",
      "control characters read as Python escapes",
      "markdown backticks removed",
      "no single result",
      "is not one number",
      "no number in the answer",
      "no JSON object in the reply",
      "no answer field in the reply's JSON",
      "not a Python literal",
    ])
      expect(
        hows.some((h) => h.includes(path)),
        path,
      ).toBe(true);
    expect(REAL_REPLIES.filter((c) => c.status === "clean").length).toBeGreaterThanOrEqual(4);
  });

  it.each(REAL_REPLIES.map((c) => [`${c.model} ${c.id}`, c] as const))("%s", (_name, c) => {
    const r = readAnswer(c.output, c.kind);
    expect(r.status).toBe(c.status);
    expect(r.canonical).toBe(c.canonical);
    if (c.how) expect(r.how).toContain(c.how);
    else expect(r.how).toBeUndefined();
  });
});
