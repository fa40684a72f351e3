/**
 * Finds the `answer` field of a reply that was asked for `{"reasoning": ..., "answer": ...}`.
 * Real replies (real-replies.fixture.ts) wrap it in fences and prose, leave newlines and quotes
 * unescaped, escape what JSON does not, give a number or a list instead of a string, or stop
 * mid-object; jsonrepair also covers single quotes, trailing commas and bare keys. Each reading says
 * whether it needed a repair and which, so a report can show how much of a score rests on repairs.
 */
import { jsonrepair } from "jsonrepair";
import { balancedObjects, fencedBlocks, objectStarts, onlyFence, slicesFrom, valueSourceAfterKey, type RegionKind } from "./json-regions.js";

export interface AnswerField {
  /** clean: strict JSON with the field; repaired: found only after a repair; missing: no field. */
  status: "clean" | "repaired" | "missing";
  /** The field as text: the string itself, or the JSON text of a non-string value. */
  raw?: string;
  /** The field's JSON value when it was not a string (a number, list, boolean...). */
  json?: unknown;
  /** Which repair was needed, or why the field is missing; for reports. */
  how?: string;
}

const KEY = "answer";
// Anchors for objects in prose: the reply format starts with reasoning, some models put answer first.
const ANCHOR_KEYS = ["reasoning", "answer"];

function parseStrict(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  // Most failed parses here are expected (prose around the object): a stack trace per failure would
  // cost more than the parse itself on the router's hot path, and nothing reads it.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Only an object can hold the field: text that does not start like one is not worth a parse. */
const startsLikeObject = (text: string) => /^\s*\{/.test(text);

function fieldOf(value: unknown): { found: true; value: unknown } | { found: false } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { found: false };
  const obj = value as Record<string, unknown>;
  return Object.hasOwn(obj, KEY) ? { found: true, value: obj[KEY] } : { found: false };
}

function jsonType(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/**
 * Builds the result for a found field. A non-string value is a repair of its own (the prompt asks for
 * a string); its raw text is taken from the source where possible, which keeps `{3: 0}` and `None`.
 */
function found(args: { value: unknown; status: "clean" | "repaired"; how: string[]; source: string }): AnswerField {
  const { value, status, how } = args;
  if (value === null || value === undefined) return { status: "missing", how: [...how, "answer is null"].join("; ") };
  if (typeof value === "string") return how.length ? { status, raw: value, how: how.join("; ") } : { status, raw: value };
  const raw = valueSourceAfterKey(args.source, KEY) ?? JSON.stringify(value);
  return { status: "repaired", raw, json: value, how: [...how, `answer is a JSON ${jsonType(value)}, not a string`].join("; ") };
}

/** What JSON.parse choked on, in words, from V8's message and the character at its position. */
export function describeJsonError(text: string, error: string): string {
  if (/control character/i.test(error)) return "unescaped newline or tab in a string";
  if (/escaped character|escape/i.test(error)) return "invalid escape in a string";
  if (/unterminated string|end of (json )?input/i.test(error)) return "truncated JSON";
  const at = /position (\d+)/.exec(error);
  if (!at) return "malformed JSON";
  const pos = Number(at[1]);
  if (pos >= text.trimEnd().length) return "truncated JSON";
  const c = text[pos];
  const before = text.slice(0, pos).trimEnd();
  if (c === "'") return "single quotes";
  if ((c === "}" || c === "]") && before.endsWith(",")) return "trailing comma";
  if (/after (property value|array element)/i.test(error) && before.endsWith('"') && /[^\s,}\]]/.test(c ?? "")) return "unescaped double quote in a string";
  if (/property name/i.test(error) && /[A-Za-z_]/.test(c ?? "")) return "unquoted key";
  return "malformed JSON";
}

/**
 * The commonest repair, done without jsonrepair (which walks the text character by character and costs
 * ~100× a parse on the router's hot path): raw control characters inside strings, escaped as JSON wants.
 * jsonrepair escapes them the same way, so the value is the same.
 */
function escapeControlInStrings(text: string): string {
  let out = "";
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
      else if (code < 0x20) {
        out += text.slice(from, i) + (code === 0x0a ? "\\n" : code === 0x0d ? "\\r" : code === 0x09 ? "\\t" : `\\u${code.toString(16).padStart(4, "0")}`);
        from = i + 1;
      }
    } else if (code === 0x22) inString = true;
  }
  return out + text.slice(from);
}

function repairAndParse(text: string): { ok: true; value: unknown; cause: string } | { ok: false } {
  const strict = parseStrict(text);
  if (strict.ok) return { ok: true, value: strict.value, cause: "" };
  if (/control character/i.test(strict.error)) {
    const escaped = parseStrict(escapeControlInStrings(text));
    if (escaped.ok) return { ok: true, value: escaped.value, cause: describeJsonError(text, strict.error) };
  }
  // jsonrepair throws on what it cannot mend; as above, no stack trace is wanted for that.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const value = JSON.parse(jsonrepair(text)) as unknown;
    return { ok: true, value, cause: describeJsonError(text, strict.error) };
  } catch {
    return { ok: false };
  } finally {
    Error.stackTraceLimit = limit;
  }
}

// How a region that is only part of the reply (or of its one fence) came to be read, for `how`.
const PART_OF: Record<RegionKind, string> = {
  fence: "text around the JSON object inside the fence",
  "fenced block in prose": "fenced JSON with prose around it",
  "object in prose": "JSON object inside prose",
};

// Last resort for objects too broken to repair: a quoted "answer" key and its value: a string (closed, or
// running to the end of its line in a cut-off reply), a single-quoted string, or bare text.
const FIELD_PATTERN = /(["'])answer\1\s*:\s*(?:"((?:[^"\\\n]|\\.)*)(?:"|$)|'((?:[^'\\\n]|\\.)*)'|([^\s,}"'][^,}\n]*))/gm;

function byPattern(text: string): string | undefined {
  const matches = [...text.matchAll(FIELD_PATTERN)];
  const m = matches[matches.length - 1];
  if (!m) return undefined;
  if (m[2] !== undefined) {
    const decoded = parseStrict(`"${m[2]}"`);
    return decoded.ok ? (decoded.value as string) : m[2];
  }
  return (m[3] ?? m[4] ?? "").trim();
}

// Small models sometimes run on past their answer and write a new "Question:" and answer that too
// (Phi-3.5-mini, GSM8K #299, #745): the reply's own answer is the one before it.
const RUNAWAY = /^[ \t]*(?:#{1,3}[ \t]*)?(?:Question|Instruction)[ \t]*:?[ \t]*$/m;

/** The `answer` field of a JSON-ish reply; see AnswerField for what each status means. */
export function extractAnswerField(text: string): AnswerField {
  const runaway = RUNAWAY.exec(text);
  if (runaway && runaway.index > 0) {
    const before = fieldIn(text.slice(0, runaway.index));
    if (before.status !== "missing") {
      return { ...before, status: "repaired", how: [before.how, `ignored a new "${runaway[0].trim()}" the model went on to write`].filter(Boolean).join("; ") };
    }
  }
  return fieldIn(text);
}

function fieldIn(text: string): AnswerField {
  const trimmed = text.trim();
  const fence = onlyFence(trimmed);
  const whole = fence ?? trimmed;

  // 1. The reply, or its single fenced block, is strict JSON.
  const strict = startsLikeObject(whole) ? parseStrict(whole) : undefined;
  if (strict?.ok) {
    const f = fieldOf(strict.value);
    if (f.found) return found({ value: f.value, status: "clean", how: [], source: whole });
  }

  // 2. Strict JSON somewhere inside prose. The last one wins: replies that reason in prose first end with the object.
  const blocks = fence === undefined ? fencedBlocks(text) : [];
  const inFence = (at: number) => blocks.some((b) => at >= b.start && at < b.start + b.text.length);
  for (const obj of balancedObjects(fence ?? text).reverse()) {
    const parsed = parseStrict(obj.text);
    const f = parsed.ok ? fieldOf(parsed.value) : { found: false as const };
    if (!f.found) continue;
    const where: RegionKind = fence !== undefined ? "fence" : inFence(obj.start) ? "fenced block in prose" : "object in prose";
    return found({ value: f.value, status: "repaired", how: [PART_OF[where]], source: obj.text });
  }

  // 3. Repair: the whole reply or fence, then each object that starts like the requested one, last first.
  // `where` is undefined for the whole reply or fence, whose repair needs no note on its place.
  const repairable: Array<{ text: string; where?: RegionKind }> = [{ text: whole }];
  const scopes: Array<{ text: string; where: RegionKind }> =
    fence === undefined
      ? [...[...blocks].reverse().map((b) => ({ text: b.text, where: "fenced block in prose" as const })), { text, where: "object in prose" }]
      : [{ text: whole, where: "fence" }];
  for (const scope of scopes) {
    for (const start of objectStarts(scope.text, ANCHOR_KEYS).reverse()) {
      for (const slice of slicesFrom(scope.text, start)) repairable.push({ text: slice, where: scope.where });
    }
  }
  for (const region of repairable) {
    if (!region.text.startsWith("{")) continue;
    const r = repairAndParse(region.text);
    const f = r.ok ? fieldOf(r.value) : { found: false as const };
    if (!r.ok || !f.found) continue;
    const how = [region.where ? PART_OF[region.where] : "", r.cause ? `repaired JSON: ${r.cause}` : ""].filter(Boolean);
    return found({ value: f.value, status: "repaired", how, source: region.text });
  }

  // 4. The field's text by pattern, for objects no repair could parse.
  const raw = byPattern(text);
  if (raw !== undefined) return { status: "repaired", raw, how: "answer read by pattern from unparseable JSON" };

  return { status: "missing", how: /\{/.test(text) ? "no answer field in the reply's JSON" : "no JSON object in the reply" };
}
