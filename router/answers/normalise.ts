/**
 * Shared answer clean-up: models wrap short answers in quotes, markdown, code fences, JSON or a
 * "Label:" prefix, and none of that should decide whether the label was right.
 */

const FENCE = /```[A-Za-z0-9_+-]*[ \t]*\r?\n([\s\S]*?)\r?\n?```/;

/** The inside of the first code fence, or the text itself when there is none. */
export function unfence(text: string): string {
  const m = FENCE.exec(text);
  return m ? m[1]! : text;
}

/** Parses a JSON answer, also inside a fence or surrounded by prose; `ok: false` when there is none. */
export function parseJsonAnswer(text: string): { ok: true; value: unknown } | { ok: false } {
  const candidates = [unfence(text).trim(), text.trim()];
  const first = text.indexOf("{");
  const last = text.lastIndexOf("}");
  if (first >= 0 && last > first) candidates.push(text.slice(first, last + 1));
  for (const c of candidates) {
    try {
      return { ok: true, value: JSON.parse(c) as unknown };
    } catch {
      // try the next, looser reading
    }
  }
  return { ok: false };
}

const LABEL_KEYS = ["label", "intent", "category", "topic", "tag", "answer", "class"];
const EDGE = /^[\s"'`*.,;:!?()[\]{}<>]+|[\s"'`*.,;:!?()[\]{}<>]+$/g;
const PREFIX = /^(?:label|intent|category|topic|tag|answer|class)\s*[:=]\s*/i;

/** Lower-cased, trimmed, edge punctuation removed, inner whitespace collapsed. */
export function normaliseLabel(text: string): string {
  // Underscores are kept at the edges: they can be part of an identifier-like label.
  return text.replace(EDGE, "").replace(/\s+/g, " ").toLowerCase();
}

/** The label an answer gives: unwraps fences, a JSON object or string, and a "Label:" prefix. */
export function labelOf(answer: string): string {
  let text = unfence(answer).trim();
  if (/^[{"]/.test(text)) {
    try {
      const v = JSON.parse(text) as unknown;
      if (typeof v === "string") text = v;
      else if (v && typeof v === "object" && !Array.isArray(v)) {
        const obj = v as Record<string, unknown>;
        const key = LABEL_KEYS.find((k) => typeof obj[k] === "string");
        const values = Object.values(obj);
        if (key) text = obj[key] as string;
        else if (values.length === 1 && typeof values[0] === "string") text = values[0];
      }
    } catch {
      // not JSON after all: grade the text as written
    }
  }
  return normaliseLabel(text.trim().replace(PREFIX, ""));
}

// Thousands separators only in groups of three, so "1,2,3" reads as three numbers, not 123.
const NUMBER = /(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|(?<=\w)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?/g;

/** Every number in the text, in order, as JS numbers ("$1,000.50" → 1000.5). */
export function numbersIn(text: string): number[] {
  return [...text.matchAll(NUMBER)].map((m) => Number(m[0].replace(/,/g, "")));
}

/** GSM8K convention: the number after the last "####", else the last number in the answer. */
export function finalNumber(answer: string): number | undefined {
  const hash = answer.lastIndexOf("####");
  if (hash >= 0) {
    const after = numbersIn(answer.slice(hash + 4));
    if (after.length > 0) return after[0];
  }
  const all = numbersIn(answer);
  return all[all.length - 1];
}
