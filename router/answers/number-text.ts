/**
 * Reads one number from an answer field such as "18", "$1,080", "-$10,000", "25%", "18 dollars" or
 * "3/4". Anything that does not name one number is refused with a reason rather than guessed at:
 * "86 glasses and 42 plates" answers a different question than "how many in all".
 * Cases that need a rule say so in `how` (see real-replies.fixture.ts for the real replies behind each).
 */

export type NumberReading = { ok: true; value: number; how?: string } | { ok: false; how: string };

// Thousands separators only in groups of three, so "1,2" is not 12.
const NUM = String.raw`(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)`;
const SIGN = String.raw`[-+\u2212]`;
const CURRENCY = String.raw`[$€£¥]`;
// A unit or a short tail after the number: "%", "dollars", "minutes per day", "/year", "feet."
const UNIT = String.raw`(?:%|[A-Za-z/][A-Za-z/ .'-]*)`;
const PLAIN = new RegExp(String.raw`^(${SIGN})?\s*${CURRENCY}?\s*(${SIGN})?\s*(${NUM})(?:\s*(?:/\s*(${NUM})))?\s*${UNIT}?\s*\.?$`);
const ANY_NUMBER = new RegExp(String.raw`(?<![\w.])(${SIGN})?\s*${CURRENCY}?\s*(${NUM})(?![\w])`, "g");
const CLOCK = /^(\d{1,2}):(\d{2})\s*(?:[ap]\.?m\.?)?$/i;

function toNumber(sign: string | undefined, digits: string): number {
  const n = Number(digits.replace(/,/g, ""));
  return sign === "-" || sign === "\u2212" ? -n : n;
}

/** "18", "$18", "-$10,000", "18.00 dollars", "25%", "3/4": one number, possibly with currency and a unit. */
function readPlain(text: string): number | undefined {
  const m = PLAIN.exec(text);
  if (!m) return undefined;
  const [, sign1, sign2, numerator, denominator] = m;
  const value = toNumber(sign1 ?? sign2, numerator!);
  if (denominator === undefined) return value;
  const d = Number(denominator.replace(/,/g, ""));
  return d === 0 ? undefined : value / d;
}

function strip(text: string): string {
  // Markdown emphasis and code ticks around an answer carry no meaning.
  return text.replace(/[*`]+/g, "").replace(/\s+/g, " ").trim();
}

/** One number from an answer's text, or the reason there is none. */
export function readNumberText(rawText: string): NumberReading {
  const text = strip(rawText);
  if (text === "") return { ok: false, how: "empty answer" };
  const plain = readPlain(text);
  if (plain !== undefined) return { ok: true, value: plain };

  const clock = CLOCK.exec(text);
  if (clock) {
    // GSM8K asks "at what time" questions for the hour; "2:00 pm" names it, "2:10 pm" does not.
    return clock[2] === "00"
      ? { ok: true, value: Number(clock[1]), how: "clock time read as its hour" }
      : { ok: false, how: `clock time "${text}" is not one number` };
  }

  // Worked equations: "4 * 1.5 + 2 * 4 + 20 = 6 + 8 + 20 = 34" answers with what follows the last "=".
  const eq = Math.max(text.lastIndexOf("="), text.lastIndexOf("≈"));
  if (eq >= 0) {
    const after = readNumberText(text.slice(eq + 1));
    if (after.ok) return { ok: true, value: after.value, how: "value after the last '='" };
  }

  const numbers = [...text.matchAll(ANY_NUMBER)];
  if (numbers.length === 1) {
    const m = numbers[0]!;
    return { ok: true, value: toNumber(m[1], m[2]!), how: "the only number in the answer text" };
  }
  if (numbers.length === 0) return { ok: false, how: "no number in the answer" };
  const shown = numbers
    .slice(0, 3)
    .map((m) => m[0].trim())
    .join(", ");
  return { ok: false, how: `${numbers.length} numbers (${shown}${numbers.length > 3 ? ", …" : ""}) and no single result` };
}

/** The text of a number that compares equal exactly when the numbers do: 18, 18.0 and 1.8e1 all give "18". */
export function canonicalNumber(n: number): string {
  return Object.is(n, -0) ? "0" : String(n);
}

// The reply format asks for the answer in a JSON field; some replies never close the reasoning string and
// end with a line "Answer: 15" (Phi-3.5-mini on GSM8K, 13 replies) instead.
// A line starts at a newline or, in replies that escaped their own newlines, at a literal "\n".
const ANSWER_LINE = /(?:^|\\n)[ \t*#>_-]*(?:final\s+)?answer\s*[:=]\s*(.+)$/gim;

/**
 * The last "Answer: ..." line of a reply without an answer field, unwrapped from quotes and a stray
 * `"answer":` key, or undefined when there is no such line.
 */
export function finalAnswerLine(text: string): string | undefined {
  const line = [...text.matchAll(ANSWER_LINE)].pop()?.[1];
  if (line === undefined) return undefined;
  return line
    .replace(/\\"/g, '"')
    .replace(/^\s*"answer"\s*:\s*/i, "")
    .replace(/^["'\s]+|["'\s,}]+$/g, "");
}
