/**
 * answer_number: reads the reply's answer as a number (the `answer` field of a JSON-ish reply, with
 * `$`, commas, units and `18.0` = `18`; see router/answers) and compares it with expected.
 * An answer that cannot be read fails and is marked unparseable, so summaries can count them.
 */
import { z } from "zod";
import { readAnswer } from "../../router/answers/read-answer.js";
import type { GraderSpec } from "./contract.js";

export interface AnswerNumberParams {
  /** Absolute tolerance; 0 = exact (up to float rounding of decimal text). */
  tolerance: number;
}

export const answerNumber: GraderSpec<AnswerNumberParams> = {
  id: "answer_number",
  description: "the reply's answer field, read as a number ($, commas, units ignored), equals expected within params.tolerance",
  params: z.strictObject({ tolerance: z.number().min(0, "must be 0 or more").default(0) }),
  expected: z.number({ error: "answer_number needs expected as a number" }).finite("answer_number needs a finite expected number"),
  grade(answer, item, params) {
    const want = item.expected as number;
    const read = readAnswer(answer, "number");
    if (read.status === "unparseable") {
      return { pass: false, reason: `${read.how ?? "no answer"}; expected ${want}`, score: 0, unparseable: true, extracted: null };
    }
    const got = read.value as number;
    // Decimal text like "0.3" must equal 0.3 at tolerance 0; allow float rounding only.
    const pass = Math.abs(got - want) <= params.tolerance + 1e-9 * Math.max(1, Math.abs(want));
    const note = read.how ? ` (${read.how})` : "";
    const reason = pass ? `${got} = ${want}${note}` : `${got} != ${want}${params.tolerance ? ` ± ${params.tolerance}` : ""}${note}`;
    return { pass, reason, score: pass ? 1 : 0, unparseable: false, extracted: read.canonical };
  },
};
