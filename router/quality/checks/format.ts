/** Format checks: does the answer have the shape the action asked for? */
import { z } from "zod";
import type { JsonSchema } from "../../contracts/provider.js";
import type { QualityCheck } from "../../contracts/quality.js";
import { extractJson, extractLabel } from "../extract.js";
import { CheckParamError, paramStringArray, paramString, result } from "./params.js";

const compiled = new WeakMap<JsonSchema, z.ZodType>();
function compile(schema: JsonSchema): z.ZodType {
  let s = compiled.get(schema);
  if (!s) {
    s = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    compiled.set(schema, s);
  }
  return s;
}

export const jsonSchemaCheck: QualityCheck = {
  id: "json_schema",
  category: "format",
  description: "the answer is JSON that validates against the action's schema",
  params: [],
  run(input) {
    const value = extractJson(input.text);
    if (value === undefined) return result("json_schema", 0, "answer is not JSON");
    if (!input.schema) return result("json_schema", 1, "valid JSON (no schema configured)");
    const parsed = compile(input.schema).safeParse(value);
    if (parsed.success) return result("json_schema", 1, "valid JSON matching the schema");
    const issue = parsed.error.issues[0]!;
    // Parsable JSON with a schema slip is worth something: an API model can repair it, a local retry may not.
    return result("json_schema", 0.3, `JSON does not match the schema at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  },
};

// Params objects live as long as the config; the lower-cased set is built once per params object.
const labelSets = new WeakMap<Record<string, unknown>, Set<string>>();
function allowedLabels(params: Record<string, unknown>): Set<string> {
  let set = labelSets.get(params);
  if (!set) {
    set = new Set(paramStringArray(params, "labels").map((l) => l.toLowerCase()));
    labelSets.set(params, set);
  }
  return set;
}

export const labelSetCheck: QualityCheck = {
  id: "label_set",
  category: "format",
  description: "the answer names exactly one label from the allowed set",
  params: ["labels"],
  run(input, params) {
    const allowed = allowedLabels(params);
    const label = extractLabel(input.text);
    if (allowed.has(label)) return result("label_set", 1, `label "${label}" is allowed`);
    return result("label_set", 0, label ? `"${label.slice(0, 40)}" is not one of the ${allowed.size} allowed labels` : "no label in the answer");
  },
};

// One compiled pattern per params object: the config's pattern is checked once at load and not recompiled per answer.
const patterns = new WeakMap<Record<string, unknown>, RegExp>();
function compilePattern(params: Record<string, unknown>): RegExp {
  let re = patterns.get(params);
  if (!re) {
    const pattern = paramString(params, "pattern");
    const flags = params.flags === undefined ? "" : paramString(params, "flags");
    try {
      re = new RegExp(pattern, flags);
    } catch (err) {
      // A SyntaxError from the engine: "Invalid regular expression: /(/: Unterminated group".
      throw new CheckParamError(
        `\`pattern\` /${pattern}/${flags} is not a valid JavaScript regular expression: ${(err as Error).message.replace(/^Invalid (regular expression|flags supplied to RegExp constructor): /, "")}`,
      );
    }
    patterns.set(params, re);
  }
  return re;
}

export const regexCheck: QualityCheck = {
  id: "regex",
  category: "format",
  description: "the answer matches (or, with must_match: false, avoids) a pattern",
  params: ["pattern", "flags", "must_match"],
  run(input, params) {
    const re = compilePattern(params);
    const mustMatch = params.must_match !== false;
    const matched = re.test(input.text);
    return matched === mustMatch
      ? result("regex", 1, mustMatch ? `matches /${re.source}/` : `avoids /${re.source}/`)
      : result("regex", 0, mustMatch ? `does not match /${re.source}/` : `matches forbidden /${re.source}/`);
  },
};
