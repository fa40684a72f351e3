/**
 * Reads a model's reply as an answer of a given kind: finds the answer field (extract.ts), then reads
 * the value the kind calls for and gives it a canonical text, so that two answers are the same answer
 * exactly when their canonicals are equal. Pure: no I/O, no eval.
 */
import { extractAnswerField, type AnswerField } from "./extract.js";
import type { AnswerKind } from "./kinds.js";
import { labelOf, normaliseLabel } from "./normalise.js";
import { canonicalNumber, finalAnswerLine, readNumberText } from "./number-text.js";
import { canonicalPyRepr, pyFromJson, type PyValue } from "./py-value.js";
import { tryParsePythonLiteral } from "./python-literal.js";

export interface AnswerReading {
  /** clean: read as asked; repaired: read after a repair named in `how`; unparseable: no answer could be read. */
  status: "clean" | "repaired" | "unparseable";
  /** number: a JS number; python_literal: a PyValue; label and text: a string. */
  value?: unknown;
  /** Equal for two readings exactly when they give the same answer; null when unparseable. */
  canonical: string | null;
  /** The repairs made, or why nothing could be read. */
  how?: string;
}

export interface ReadAnswerOptions {
  /**
   * number only: when the reply has no answer field, read its last "Answer: ..." line (default true).
   * Real replies that never close their reasoning string end that way.
   */
  answerLine?: boolean;
}

const joinHow = (...parts: Array<string | undefined>) => parts.filter(Boolean).join("; ") || undefined;

function reading(args: { value: unknown; canonical: string; repaired: boolean; how: string | undefined }): AnswerReading {
  const status = args.repaired || args.how ? "repaired" : "clean";
  return args.how ? { status, value: args.value, canonical: args.canonical, how: args.how } : { status, value: args.value, canonical: args.canonical };
}

const unparseable = (how: string): AnswerReading => ({ status: "unparseable", canonical: null, how });

function readNumber(text: string, field: AnswerField, opts: ReadAnswerOptions): AnswerReading {
  if (field.raw === undefined) {
    const line = opts.answerLine === false ? undefined : finalAnswerLine(text);
    const n = line === undefined ? undefined : readNumberText(line);
    if (!n?.ok) return unparseable(field.how ?? "no answer field");
    return reading({
      value: n.value,
      canonical: canonicalNumber(n.value),
      repaired: true,
      how: joinHow("no answer field; read the last 'Answer:' line", n.how),
    });
  }
  const n = readNumberText(field.raw);
  if (!n.ok) return unparseable(joinHow(field.how, n.how)!);
  return reading({ value: n.value, canonical: canonicalNumber(n.value), repaired: field.status === "repaired", how: joinHow(field.how, n.how) });
}

const LITERAL_START = /^\s*(?:[rRbBuUfF]{0,2}['"]|[`([{])/;
const CONTROL_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
// Control characters are exactly what this matches (to escape them as Python would).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;
const pyEscape = (ch: string) => CONTROL_ESCAPES[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`;

/**
 * Readings of a field that is not a literal as written, each a repair seen in real replies:
 * a JSON "\n" that decoded to a newline inside a Python string ('a\nb' written as JSON), a literal in
 * markdown backticks, and plain text the model left unquoted.
 */
function repairLiteral(raw: string): { value: PyValue; how: string } | undefined {
  if (CONTROL.test(raw)) {
    const escaped = tryParsePythonLiteral(raw.replace(new RegExp(CONTROL.source, "g"), pyEscape));
    if (escaped.ok) return { value: escaped.value, how: "control characters read as Python escapes" };
  }
  const ticked = /^\s*`([^`]+)`\s*$/.exec(raw);
  if (ticked) {
    const inner = tryParsePythonLiteral(ticked[1]!);
    if (inner.ok) return { value: inner.value, how: "markdown backticks removed" };
  }
  // ZeroEval's own CRUXEval scorer reads unquoted text as a str, and models (gpt-4o too) often write
  // "answer": "abc" for 'abc'. Text that starts like a literal (a quote or a bracket) but does not
  // parse is malformed, not text.
  if (!LITERAL_START.test(raw)) return { value: { type: "str", value: raw }, how: "unquoted text read as a str" };
  return undefined;
}

function readLiteral(field: AnswerField): AnswerReading {
  if (field.raw === undefined) return unparseable(field.how ?? "no answer field");
  const parsed = tryParsePythonLiteral(field.raw);
  const done = (value: PyValue, how?: string) =>
    reading({ value, canonical: canonicalPyRepr(value), repaired: field.status === "repaired", how: joinHow(field.how, how) });
  if (parsed.ok) return done(parsed.value);
  if (field.json !== undefined) return done(pyFromJson(field.json), "read the JSON value as Python");
  const repaired = repairLiteral(field.raw);
  if (repaired) return done(repaired.value, repaired.how);
  return unparseable(joinHow(field.how, `not a Python literal: ${parsed.error.message}`)!);
}

function readLabel(text: string, field: AnswerField): AnswerReading {
  // Classification replies are often a bare label, not the JSON format: labelOf reads those as written.
  const label = field.raw !== undefined ? normaliseLabel(field.raw) : labelOf(text);
  if (label === "") return unparseable(field.raw !== undefined ? "empty answer field" : "empty answer");
  return reading({ value: label, canonical: label, repaired: field.status === "repaired", how: field.how && field.raw !== undefined ? field.how : undefined });
}

function readText(text: string, field: AnswerField): AnswerReading {
  const value = (field.raw ?? text).trim();
  if (value === "") return unparseable("empty answer");
  return reading({ value, canonical: value.replace(/\s+/g, " "), repaired: field.status === "repaired", how: field.raw !== undefined ? field.how : undefined });
}

/** Reads a reply as an answer of `kind`; never throws on model output. */
export function readAnswer(text: string, kind: AnswerKind, opts: ReadAnswerOptions = {}): AnswerReading {
  const field = extractAnswerField(text);
  switch (kind) {
    case "number":
      return readNumber(text, field, opts);
    case "python_literal":
      return readLiteral(field);
    case "label":
      return readLabel(text, field);
    case "text":
      return readText(text, field);
  }
}

/** Whether two readings give the same answer (never true for an unparseable one). */
export function sameAnswer(a: AnswerReading, b: AnswerReading): boolean {
  return a.canonical !== null && a.canonical === b.canonical;
}
