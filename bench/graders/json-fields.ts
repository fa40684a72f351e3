/**
 * json_fields: the answer is a JSON object (bare, fenced or inside prose) whose listed fields equal
 * the expected values. Strings compare case- and space-insensitively, numbers numerically ("42" = 42),
 * arrays as multisets, so formatting choices a person would accept do not fail the item.
 * An expected null needs the key present with null: otherwise `{}` would pass every item whose slots
 * are all empty. `missing_is_null: true` lets a missing key stand for null where a dataset wants that.
 */
import { z } from "zod";
import type { GraderSpec } from "./contract.js";
import { parseJsonAnswer } from "../../router/answers/normalise.js";

export interface JsonFieldsParams {
  /** Dotted paths to compare; default: every top-level key of expected. */
  fields?: string[] | undefined;
  /** A missing key matches an expected null. Default false. */
  missing_is_null: boolean;
}

const FieldPath = z.string().regex(/^[^.]+(\.[^.]+)*$/, "must be a field name or dotted path like address.city");

function at(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function hasPath(value: unknown, path: string): boolean {
  const parts = path.split(".");
  const parent = parts.length > 1 ? at(value, parts.slice(0, -1).join(".")) : value;
  return parent !== null && typeof parent === "object" && parts[parts.length - 1]! in parent;
}

function canon(v: unknown): string {
  if (typeof v === "string") {
    const s = v.trim().replace(/\s+/g, " ").toLowerCase();
    return /^-?\d+(\.\d+)?$/.test(s) ? `n:${Number(s)}` : `s:${s}`;
  }
  if (typeof v === "number") return `n:${v}`;
  if (Array.isArray(v)) return `a:[${v.map(canon).sort().join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `o:{${entries.map(([k, x]) => `${k}=${canon(x)}`).join(",")}}`;
  }
  if (v === null) return "null";
  return v === undefined ? "missing" : `${typeof v}:${String(v)}`;
}

function fieldsOf(params: JsonFieldsParams, expected: unknown): string[] {
  return params.fields ?? Object.keys(expected as Record<string, unknown>);
}

const brief = (v: unknown) => (v === undefined ? "(missing)" : JSON.stringify(v).slice(0, 80));

export const jsonFields: GraderSpec<JsonFieldsParams> = {
  id: "json_fields",
  description: "the answer parses as a JSON object and the listed fields equal expected",
  params: z.strictObject({ fields: z.array(FieldPath).min(1).optional(), missing_is_null: z.boolean().default(false) }),
  expected: z.record(z.string(), z.json(), { error: "json_fields needs expected as a JSON object" }),
  check(params, expected) {
    const fields = fieldsOf(params, expected);
    if (fields.length === 0) return "json_fields needs at least one field to compare";
    const missing = fields.filter((f) => !hasPath(expected, f));
    return missing.length ? `fields not in expected: ${missing.join(", ")}` : undefined;
  },
  grade(answer, item, params) {
    const parsed = parseJsonAnswer(answer);
    if (!parsed.ok) return { pass: false, reason: "answer is not JSON", score: 0 };
    if (parsed.value === null || typeof parsed.value !== "object" || Array.isArray(parsed.value)) {
      return { pass: false, reason: "answer is JSON but not an object", score: 0 };
    }
    const fields = fieldsOf(params, item.expected);
    const got = (f: string) => {
      const v = at(parsed.value, f);
      return v === undefined && params.missing_is_null ? null : v;
    };
    const wrong = fields.filter((f) => canon(got(f)) !== canon(at(item.expected, f)));
    const score = (fields.length - wrong.length) / fields.length;
    if (wrong.length === 0) return { pass: true, reason: `${fields.length} field(s) match`, score };
    const detail = wrong.slice(0, 3).map((f) => `${f}: got ${brief(at(parsed.value, f))}, expected ${brief(at(item.expected, f))}`);
    return { pass: false, reason: `${wrong.length}/${fields.length} field(s) differ: ${detail.join("; ")}`, score };
  },
};
