/**
 * Where a JSON object may sit inside a model's reply: the reply itself, a markdown fence, or a
 * `{...}` span in prose. Pure string scanning; extract.ts decides what to parse and in which order.
 */

/** Where a region sits: inside the reply's one fence, in a fenced block among prose, or in bare prose. */
export type RegionKind = "fence" | "fenced block in prose" | "object in prose";

const WHOLE_FENCE = /^```[A-Za-z0-9_+-]*[ \t]*\r?\n([\s\S]*?)\r?\n?[ \t]*```$/;
const FENCES = /```[A-Za-z0-9_+-]*[ \t]*\r?\n([\s\S]*?)(?:```|$)/g;

/** The content of the reply when the whole reply is one fenced block, else undefined. */
export function onlyFence(trimmed: string): string | undefined {
  const m = WHOLE_FENCE.exec(trimmed);
  // "```json\n{...}\n```\n```python\n...```" matches lazily up to the first closing fence only if nothing follows.
  return m && !m[1]!.includes("```") ? m[1]! : undefined;
}

export interface Span {
  text: string;
  /** Offset of `text` in the reply. */
  start: number;
}

/** Contents of every fenced block, in order; an unclosed last fence runs to the end (truncated replies). */
export function fencedBlocks(text: string): Span[] {
  return [...text.matchAll(FENCES)].map((m) => ({ text: m[1]!, start: m.index + m[0].indexOf(m[1]!) }));
}

/**
 * Every top-level `{...}` span whose braces balance, skipping braces inside double-quoted strings.
 * Good enough for well-formed objects in prose; malformed ones are left to the repair pass.
 */
export function balancedObjects(text: string): Span[] {
  const out: Span[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"' && depth > 0) inString = true;
    else if (c === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "}" && depth > 0) {
      depth--;
      if (depth === 0) out.push({ text: text.slice(start, i + 1), start });
    }
  }
  return out;
}

/**
 * Starts of objects that look like the requested reply: `{` then a quoted or bare key such as
 * "reasoning" or "answer". Prose can hold other braces (a Python dict, a set), which these skip.
 */
export function objectStarts(text: string, keys: readonly string[]): number[] {
  const alternatives = keys.map((k) => k.replace(/[^A-Za-z0-9_]/g, "")).join("|");
  const re = new RegExp(`\\{\\s*["'\`]?(?:${alternatives})["'\`]?\\s*:`, "gi");
  return [...text.matchAll(re)].map((m) => m.index);
}

/** Candidate slices from `start`: up to each later `}` (last first, a few of them), then to the end. */
export function slicesFrom(text: string, start: number, maxEnds = 4): string[] {
  const ends: number[] = [];
  for (let i = text.lastIndexOf("}"); i > start && ends.length < maxEnds; i = text.lastIndexOf("}", i - 1)) ends.push(i);
  return [...ends.map((e) => text.slice(start, e + 1)), text.slice(start)];
}

const CLOSERS: Record<string, string> = { "[": "]", "{": "}", "(": ")" };

/**
 * The source text of the value after the last `"key":` in `text`, for a bracketed value
 * ([...], {...}, (...)) or a bare scalar. Used when a field holds a non-string value: its own text
 * keeps what the JSON reading loses (Python's int dict keys, None, tuples).
 */
export function valueSourceAfterKey(text: string, key: string): string | undefined {
  const keyRe = new RegExp(`["']${key}["']\\s*:\\s*`, "g");
  const last = [...text.matchAll(keyRe)].pop();
  if (!last) return undefined;
  const from = last.index + last[0].length;
  const open = text[from];
  if (open === undefined) return undefined;
  if (!(open in CLOSERS)) {
    const m = /^[^,}\n]+/.exec(text.slice(from));
    return m ? m[0].trim() : undefined;
  }
  const stack: string[] = [];
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c in CLOSERS) stack.push(CLOSERS[c]!);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return text.slice(from, i + 1);
    }
  }
  return undefined;
}
