/**
 * Parse YAML or JSON text and validate it with a zod schema, turning the first problems into
 * `file:line: field: what is wrong` messages. Shared by every config, profile and results reader.
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, isNode, type Document } from "yaml";
import type { z } from "zod";
import { ConfigError } from "./errors.js";

export interface SourceIssue {
  line?: number;
  field: string;
  message: string;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || "(root)";
}

function lineOf(doc: Document, lc: LineCounter, path: ReadonlyArray<PropertyKey>): number | undefined {
  // Walk up the path until a node exists: a missing field is reported on its parent's line.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

export function readTextFile(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError({
      file,
      message: `cannot read ${what} (${code ?? String(err)})`,
      fix: "check the path; paths in configs are relative to the config file",
    });
  }
}

/** Parses YAML (a superset of JSON) and validates; throws one ConfigError listing up to 5 issues. */
export function parseAndValidate<S extends z.ZodType>(args: {
  text: string;
  file: string;
  schema: S;
}): { value: z.infer<S>; locate: (path: ReadonlyArray<PropertyKey>) => number | undefined } {
  const lc = new LineCounter();
  const doc = parseDocument(args.text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lc.linePos(e.pos[0]).line;
    throw new ConfigError({ file: args.file, line, message: `not valid YAML/JSON: ${e.message.split("\n")[0]}` });
  }
  const locate = (path: ReadonlyArray<PropertyKey>) => lineOf(doc, lc, path);
  const result = args.schema.safeParse(toPlainData(doc, args.file));
  if (!result.success) {
    const issues: SourceIssue[] = result.error.issues.slice(0, 5).map((i) => ({ line: locate(i.path), field: formatPath(i.path), message: i.message }));
    throw issuesToError(args.file, issues, result.error.issues.length);
  }
  return { value: result.data, locate };
}

/**
 * Aliases expand on conversion: nine nested lists of ten aliases are 10^9 values from a few hundred
 * bytes (an "alias bomb"). No config needs more than a handful, so the count is capped.
 */
export const MAX_YAML_ALIASES = 100;

function toPlainData(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new ConfigError({
      file,
      message: `too many YAML alias expansions (${err.message}; the limit is ${MAX_YAML_ALIASES})`,
      fix: "write the repeated values out instead of nesting aliases (*name) inside aliased lists",
    });
  }
}

export function issuesToError(file: string, issues: SourceIssue[], total = issues.length, fix?: string): ConfigError {
  const first = issues[0]!;
  const rest = issues
    .slice(1)
    .map((i) => `\n  ${file}${i.line ? `:${i.line}` : ""}: ${i.field}: ${i.message}`)
    .join("");
  const more = total > issues.length ? `\n  (${total - issues.length} more)` : "";
  return new ConfigError({ file, line: first.line, field: first.field, message: `${first.message}${rest}${more}`, fix });
}
