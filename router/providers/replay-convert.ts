/**
 * Converters into the recording format (replay-format.ts): from ZeroEval's result files (a JSON array
 * of `{id|session_id, chat_history, output: [text], generator, configs}`) and from a plain JSONL of
 * `{id, model, output[, prompt]}` such as a production log. Every problem names file:line: field.
 */
import { writeFileAtomic } from "../../core/atomic-write.js";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { formatPath } from "../../core/validate-source.js";
import { ConfigError } from "../../core/errors.js";
import { promptHash, REPLAY_FORMAT, REPLAY_FORMAT_VERSION, ReplayHeader, type ReplayRecord } from "./replay-format.js";

export interface Recording {
  header: ReplayHeader;
  records: ReplayRecord[];
}

/** Header fields a user may set; the converter fills `model` and sensible defaults. */
export interface HeaderInit {
  model?: string;
  source?: string;
  license?: string;
  attribution?: string;
  task?: string;
  derivation?: string;
}

export interface ConvertArgs extends HeaderInit {
  /** The input's text and its path (for messages). */
  text: string;
  file: string;
  /** Keep each prompt in the recording (larger; the hash alone suffices for lookups). */
  withPrompt?: boolean;
}

const ZeroEvalRecord = z.looseObject({
  id: z.union([z.string().min(1), z.number()]).optional(),
  session_id: z.string().min(1).optional(),
  chat_history: z.array(z.string()).min(1, "needs the prompt the model saw (at least one turn)"),
  output: z.array(z.string()).min(1, "no answer recorded (empty list)"),
  generator: z.string().min(1),
  configs: z.record(z.string(), z.json()).optional(),
});

/** ZeroEval `result_dirs/<task>/<model>.json` → one recording; the prompt is the last chat turn. */
export function convertZeroEval(args: ConvertArgs): Recording {
  let data: unknown;
  try {
    data = JSON.parse(args.text);
  } catch (err) {
    throw new ConfigError({
      file: args.file,
      message: `not valid JSON: ${(err as Error).message}`,
      fix: "pass a ZeroEval result file (a JSON array of records)",
    });
  }
  if (!Array.isArray(data))
    throw new ConfigError({
      file: args.file,
      line: 1,
      message: "a ZeroEval result file is a JSON array of records",
      fix: "pass result_dirs/<task>/<model>.json",
    });
  const records: ReplayRecord[] = [];
  let generator: string | undefined;
  let configs: Record<string, z.infer<ReturnType<typeof z.json>>> | undefined;
  const at = (i: number) => lineOfArrayElement(args.text, i);
  data.forEach((raw, i) => {
    const r = ZeroEvalRecord.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new ConfigError({ file: args.file, line: at(i), field: `[${i}].${formatPath(issue.path)}`, message: issue.message });
    }
    const id = r.data.id !== undefined ? String(r.data.id) : r.data.session_id;
    if (id === undefined)
      throw new ConfigError({ file: args.file, line: at(i), field: `[${i}].id`, message: "no `id` or `session_id`: answers cannot be joined to items" });
    if (generator !== undefined && r.data.generator !== generator) {
      throw new ConfigError({
        file: args.file,
        line: at(i),
        field: `[${i}].generator`,
        message: `"${r.data.generator}" differs from "${generator}" earlier in the file: one recording holds one model`,
      });
    }
    generator = r.data.generator;
    configs ??= r.data.configs;
    const prompt = r.data.chat_history[r.data.chat_history.length - 1]!;
    records.push({ id, prompt_hash: promptHash(prompt), ...(args.withPrompt ? { prompt } : {}), output: r.data.output[0]! });
  });
  if (generator === undefined) throw new ConfigError({ file: args.file, line: 1, message: "no records", fix: "pass a non-empty ZeroEval result file" });
  checkUniqueIds(records, args.file, at);
  const header = makeHeader(args, {
    model: generator.split("/").pop()!,
    source: `ZeroEval result file ${baseName(args.file)}`,
    license: "Apache-2.0",
    attribution: "ZeroEval (WildEval), Apache-2.0",
    decoding: configs,
  });
  return { header, records };
}

const JsonlRecord = z.looseObject({
  id: z.union([z.string().min(1), z.number()], { error: "required: the item id (a string or number)" }),
  model: z.string().min(1, "must name the model that answered"),
  output: z.string({ error: "required: the model's answer as a string" }),
  prompt: z.string().optional(),
});

/**
 * A JSONL of `{id, model, output[, prompt]}` (other fields ignored) → one recording. A file that
 * mixes models needs `model` to pick one: one recording holds one model's answers.
 */
export function convertJsonl(args: ConvertArgs): Recording {
  const byModel = new Map<string, { line: number; record: ReplayRecord }[]>();
  const lines = args.text.replace(/^\uFEFF/, "").split("\n");
  lines.forEach((raw, i) => {
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new ConfigError({ file: args.file, line: i + 1, message: `not valid JSON: ${(err as Error).message}` });
    }
    const r = JsonlRecord.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new ConfigError({ file: args.file, line: i + 1, field: formatPath(issue.path), message: issue.message });
    }
    const { id, model, output, prompt } = r.data;
    const record: ReplayRecord = {
      id: String(id),
      ...(prompt !== undefined ? { prompt_hash: promptHash(prompt), ...(args.withPrompt ? { prompt } : {}) } : {}),
      output,
    };
    const list = byModel.get(model);
    if (list) list.push({ line: i + 1, record });
    else byModel.set(model, [{ line: i + 1, record }]);
  });
  if (byModel.size === 0)
    throw new ConfigError({ file: args.file, line: 1, message: "no records", fix: "each line is a JSON object {id, model, output[, prompt]}" });
  const models = [...byModel.keys()];
  const model = args.model ?? (models.length === 1 ? models[0]! : undefined);
  if (model === undefined)
    throw new ConfigError({
      file: args.file,
      field: "model",
      message: `the file holds answers of ${models.length} models (${models.join(", ")})`,
      fix: "pass --model <name> to convert one; run once per model",
    });
  const rows = byModel.get(model);
  if (!rows) throw new ConfigError({ file: args.file, field: "model", message: `no answers of model "${model}"; the file has ${models.join(", ")}` });
  const records = rows.map((r) => r.record);
  checkUniqueIds(records, args.file, (i) => rows[i]!.line);
  return {
    header: makeHeader({ ...args, model }, { model, source: `converted from ${baseName(args.file)}`, license: "NOASSERTION", attribution: "" }),
    records,
  };
}

/** The recording as text: header line, then one record per line. */
export function formatRecording(r: Recording): string {
  return [r.header, ...r.records].map((x) => JSON.stringify(x)).join("\n") + "\n";
}

/** Writes atomically; a name ending in .gz is gzip-compressed (deterministic: no name or time in the gzip header). */
export function writeRecording(file: string, r: Recording): void {
  const text = formatRecording(r);
  const bytes = file.endsWith(".gz") ? gzipSync(Buffer.from(text, "utf8"), { level: 9 }) : Buffer.from(text, "utf8");
  writeFileAtomic(file, bytes);
}

function makeHeader(
  args: HeaderInit,
  defaults: HeaderInit & { model: string; source: string; license: string; attribution: string; decoding?: ReplayHeader["decoding"] },
): ReplayHeader {
  return ReplayHeader.parse({
    format: REPLAY_FORMAT,
    version: REPLAY_FORMAT_VERSION,
    model: args.model ?? defaults.model,
    source: args.source ?? defaults.source,
    license: args.license ?? defaults.license,
    attribution: args.attribution ?? defaults.attribution,
    ...(args.task ? { task: args.task } : {}),
    ...(defaults.decoding ? { decoding: defaults.decoding } : {}),
    ...(args.derivation ? { derivation: args.derivation } : {}),
  });
}

function checkUniqueIds(records: readonly ReplayRecord[], file: string, lineOf: (i: number) => number | undefined): void {
  const seen = new Map<string, number>();
  records.forEach((r, i) => {
    if (r.id === undefined) return;
    const first = seen.get(r.id);
    if (first !== undefined)
      throw new ConfigError({
        file,
        line: lineOf(i),
        field: "id",
        message: `duplicate id "${r.id}" (first on line ${lineOf(first) ?? "?"})`,
        fix: "one answer per item: keep one of them",
      });
    seen.set(r.id, i);
  });
}

const baseName = (file: string) => file.split(/[\\/]/).pop() ?? file;

/** 1-based line where the `index`-th element of a top-level JSON array starts (only computed for errors). */
export function lineOfArrayElement(text: string, index: number): number | undefined {
  let depth = 0;
  let inString = false;
  let line = 1;
  let element = -1;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") line++;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expectValue && !/\s/.test(c)) {
      element++;
      expectValue = false;
      if (element === index) return line;
    }
    if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 1) expectValue = true;
  }
  return undefined;
}
