/**
 * What kind of value an action's answer is, which decides how it is read and compared:
 * number (GSM8K-style: "$1,080" = 1080), python_literal (CRUXEval-style: [1, 2] != (1, 2)),
 * label (classification: case and punctuation ignored) or text (whitespace ignored).
 */
import { z } from "zod";

export const AnswerKind = z.enum(["number", "python_literal", "label", "text"], {
  error: "must be one of number, python_literal, label, text",
});
export type AnswerKind = z.infer<typeof AnswerKind>;
