/**
 * Pulling a label or a JSON value out of free model text. Shared by the router's checks and the
 * bench graders so "what the answer says" is decided in one place.
 */

const FENCE = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/;

/** Parses the answer as JSON, also inside a ```json fence or after leading prose; undefined when none. */
export function extractJson(text: string): unknown {
  const candidates: string[] = [text.trim()];
  const fenced = FENCE.exec(text);
  if (fenced?.[1]) candidates.push(fenced[1].trim());
  const start = text.search(/[{[]/);
  if (start > 0) candidates.push(text.slice(start).trim());
  for (const c of candidates) {
    if (c === "" || (c[0] !== "{" && c[0] !== "[" && c[0] !== '"')) continue;
    try {
      return JSON.parse(c);
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

const LABEL_KEYS = ["label", "topic", "intent", "answer", "category", "tag"];

/**
 * The label an answer names: a JSON string or `{label: ...}`-style object, else the first line
 * stripped of quotes, trailing punctuation and a "Label:" prefix. Lower-cased.
 */
export function extractLabel(text: string): string {
  const json = extractJson(text);
  if (typeof json === "string") return normaliseLabel(json);
  if (json && typeof json === "object" && !Array.isArray(json)) {
    for (const k of LABEL_KEYS) {
      const v = (json as Record<string, unknown>)[k];
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return normaliseLabel(String(v));
    }
  }
  const firstLine = text.trim().split(/\r?\n/)[0] ?? "";
  return normaliseLabel(firstLine.replace(/^(label|topic|intent|answer|category|tag)\s*[:=-]\s*/i, ""));
}

export function normaliseLabel(s: string): string {
  return s
    .trim()
    .replace(/^["'`*\s]+|["'`*.!,;:\s]+$/g, "")
    .toLowerCase();
}
