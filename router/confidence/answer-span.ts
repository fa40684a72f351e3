/**
 * Where the answer sits in a model's output, as a character range, so that token-level signals
 * (log-probabilities) can be read over the answer alone rather than over the reasoning around it.
 * It only locates; deciding what the answer *is* belongs to the answer reader (router/answers/).
 */

/** Half-open character range [start, end) of `text`. */
export interface TextSpan {
  start: number;
  end: number;
}

export interface AnswerSpan extends TextSpan {
  /** `json_field`: the value of the answer field; `canonical_match`: the last place the extracted answer appears. */
  how: "json_field" | "canonical_match";
}

export interface FindAnswerSpanOptions {
  /** The JSON field holding the answer. Default `answer`. */
  field?: string;
  /** The extracted answer text, tried when no field is found (e.g. "The answer is 18."). */
  canonical?: string | null;
}

const OPENERS: Record<string, string> = { "[": "]", "{": "}", "(": ")" };

/**
 * The span of the answer field's value: inside the quotes for a string, the whole bracketed value for a
 * list, tuple or object, and up to the next `,` `}` `]` or line end for a bare number or literal. Keys
 * may use either quote (models write Python dicts too). The last occurrence wins: answers come after
 * reasoning. Falls back to the last occurrence of `canonical`; undefined when neither is found.
 */
export function findAnswerSpan(text: string, opts: FindAnswerSpanOptions = {}): AnswerSpan | undefined {
  const found = lastFieldValue(text, opts.field ?? "answer");
  if (found) return { ...found, how: "json_field" };
  const canonical = opts.canonical?.trim();
  if (canonical) {
    const at = text.lastIndexOf(canonical);
    if (at >= 0) return { start: at, end: at + canonical.length, how: "canonical_match" };
  }
  return undefined;
}

/** Scans backwards with lastIndexOf (this runs per answer on the router's path; a regex pass costs more). */
function lastFieldValue(text: string, field: string): TextSpan | undefined {
  for (let at = text.lastIndexOf(field); at > 0; at = text.lastIndexOf(field, at - 1)) {
    const quote = text[at - 1];
    if ((quote !== '"' && quote !== "'") || text[at + field.length] !== quote) continue;
    let i = at + field.length + 1;
    while (i < text.length && isSpace(text[i]!)) i++;
    if (text[i] !== ":") continue;
    i++;
    while (i < text.length && isSpace(text[i]!)) i++;
    const span = valueSpan(text, i);
    if (span) return span;
  }
  return undefined;
}

const isSpace = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r";

function valueSpan(text: string, from: number): TextSpan | undefined {
  const first = text[from];
  if (first === undefined) return undefined;
  if (first === '"' || first === "'") {
    const close = closingQuote(text, from);
    if (close === undefined) return undefined;
    // An empty string still has a place: its quotes.
    return close === from + 1 ? { start: from, end: close + 1 } : { start: from + 1, end: close };
  }
  if (first in OPENERS) {
    const end = closingBracket(text, from);
    return end === undefined ? undefined : { start: from, end: end + 1 };
  }
  let end = from;
  while (end < text.length && !",}]\n\r".includes(text[end]!)) end++;
  while (end > from && /\s/.test(text[end - 1]!)) end--;
  return end > from ? { start: from, end } : undefined;
}

function closingQuote(text: string, open: number): number | undefined {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return undefined;
}

/** Matches brackets of any kind, skipping quoted strings, so `[")", 2]` closes at the right place. */
function closingBracket(text: string, open: number): number | undefined {
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const close = closingQuote(text, i);
      if (close === undefined) return undefined;
      i = close;
    } else if (c in OPENERS) {
      stack.push(OPENERS[c]!);
    } else if (c === "]" || c === "}" || c === ")") {
      if (stack.pop() !== c) return undefined;
      if (stack.length === 0) return i;
    }
  }
  return undefined;
}
