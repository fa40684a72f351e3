/** Reading model answers: the answer field of a JSON-ish reply, numbers, Python literals, labels. Pure, no I/O. */
export { extractAnswerField, type AnswerField } from "./extract.js";
export { ANSWER_KINDS, AnswerKind } from "./kinds.js";
export { labelOf, normaliseLabel, numbersIn, finalNumber, parseJsonAnswer, unfence } from "./normalise.js";
export { canonicalNumber, finalAnswerLine, readNumberText, type NumberReading } from "./number-text.js";
export { describePyDifference } from "./py-diff.js";
export { pyBytesRepr, pyFloatRepr, pyFromJson, pyStrRepr, pyTypeName, type PyType } from "./py-value.js";
export { canonicalPyRepr, parsePythonLiteral, pyEquals, pyRepr, PythonLiteralError, tryParsePythonLiteral, type PyValue } from "./python-literal.js";
export { readAnswer, sameAnswer, type AnswerReading, type ReadAnswerOptions } from "./read-answer.js";
