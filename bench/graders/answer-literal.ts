/**
 * answer_literal: reads the reply's answer as a Python literal (CRUXEval-style outputs) with the safe
 * reader in router/answers, never eval, and compares it with the expected literal by Python's `==`.
 * The expected literal is checked when the dataset loads: a gold that does not parse rejects the item.
 */
import { z } from "zod";
import { describePyDifference } from "../../router/answers/py-diff.js";
import { parsePythonLiteral, pyEquals, pyRepr, tryParsePythonLiteral, type PyValue } from "../../router/answers/python-literal.js";
import { readAnswer } from "../../router/answers/read-answer.js";
import type { GraderSpec } from "./contract.js";

const MAX_SHOWN = 60;
const shown = (v: PyValue) => {
  const r = pyRepr(v);
  return r.length > MAX_SHOWN ? `${r.slice(0, MAX_SHOWN - 1)}…` : r;
};

const ExpectedLiteral = z
  .string({ error: "answer_literal needs expected as a Python literal written as a string, e.g. \"[1, 'a']\"" })
  .superRefine((text, ctx) => {
    const parsed = tryParsePythonLiteral(text);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: `expected is not a Python literal: ${parsed.error.message}` });
  });

export const answerLiteral: GraderSpec<Record<string, never>> = {
  id: "answer_literal",
  description: "the reply's answer field, read as a Python literal, == the expected literal (1 == 1.0, list != tuple, sets and dicts unordered)",
  params: z.strictObject({}),
  expected: ExpectedLiteral,
  grade(answer, item) {
    const want = parsePythonLiteral(item.expected as string);
    const read = readAnswer(answer, "python_literal");
    if (read.status === "unparseable") {
      return { pass: false, reason: `${read.how ?? "no answer"}; expected ${shown(want)}`, score: 0, unparseable: true, extracted: null };
    }
    const got = read.value as PyValue;
    const note = read.how ? ` (${read.how})` : "";
    if (pyEquals(got, want)) return { pass: true, reason: `${shown(got)} == ${shown(want)}${note}`, score: 1, unparseable: false, extracted: read.canonical };
    const why = describePyDifference(got, want);
    return { pass: false, reason: `${shown(got)} != ${shown(want)}${why ? `: ${why}` : ""}${note}`, score: 0, unparseable: false, extracted: read.canonical };
  },
};
