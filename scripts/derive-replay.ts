/**
 * Derives the replay datasets and recordings in datasets/ from ZeroEval's recorded answers in
 * ../shared/replay/zeroeval (inputs pinned by sha256): for GSM8K and CRUXEval-O, a tierlab dataset
 * whose items keep ZeroEval's item id, the gold answer and the exact prompt the models saw (so the
 * replay's prompt-hash lookup matches), and one gzip recording per model. Deterministic: a re-run
 * gives the same files, and `--check` tells whether the committed ones are current.
 *
 *   npx tsx scripts/derive-replay.ts [--shared ../shared/replay/zeroeval] [--out datasets] [--check]
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { DATASET_FORMAT, DATASET_FORMAT_VERSION, type DatasetHeader, type DatasetItem } from "../bench/dataset/schema.js";
import { convertZeroEval, formatRecording } from "../router/providers/replay-convert.js";

const ZEROEVAL = "github WildEval/ZeroEval @8c1485edf12c6efb5f69135a562927c5ad484059";
const ATTRIBUTION = "ZeroEval (WildEval), Apache-2.0";

// ../shared/replay/README.md: the files are byte-identical to the commit above.
const INPUT_SHA256: Record<string, string> = {
  "crux/Meta-Llama-3-8B-Instruct.json": "18d047641a5a471fd561f7229d17b9fda24ed3ca321144912fe92c6c16cda525",
  "crux/Mixtral-8x7B-Instruct-v0.1.json": "81d94e6307d297546ed3b632e26e1675db54050b58142c1b3d49c75b29336b84",
  "crux/Phi-3-mini-4k-instruct.json": "26e069d567b78e703cfa76a34a21b7a38c581e2fa318338038e7f881cd6ff4a8",
  "crux/claude-3-5-sonnet-20241022.json": "85bad60fcf43ef681dec753ce7a446256edbe7daba639bb97b313f8833a23744",
  "crux/gpt-4o-2024-08-06.json": "d7cfee3540a76747818445778b281d79472a6cde681af328a6df0832fa3e322f",
  "crux/gpt-4o-mini-2024-07-18.json": "41e3446c313185e7bdba7a7b993fb2d365019e9255e887cb916031edc1d0692b",
  "gsm/Meta-Llama-3-8B-Instruct.json": "d94c9110080255cc268ca902f4f308b6118ba759969868e97f99ad8fd302ac6f",
  "gsm/Mixtral-8x7B-Instruct-v0.1.json": "ea24dc901aa4ddfe1234e75fbe83691538a7ec7a0133701475074da54824215f",
  "gsm/Phi-3.5-mini-instruct.json": "c694b0abc535f52317cb1b4548c0c45426559d30a91360983e6978ca7699ca56",
  "gsm/claude-3-5-sonnet-20241022.json": "b0094648de911b53cfebb2d159a2ec8861201d8b0281575bf1e18dca57004450",
  "gsm/gpt-4o-2024-08-06.json": "c6a10991a08439f0b096ead60f9850f4f373b9ae6acc859bd5014c02f6fcee57",
  "gsm/gpt-4o-mini-2024-07-18.json": "b8c38e23fd496db103e072e80dacf3e1a0b491b407a59d816403719c4f496fbb",
};

interface Task {
  dir: "gsm" | "crux";
  name: string;
  action: string;
  /** The gold answer as the grader expects it. */
  expected(answer: string, id: string): DatasetItem["expected"];
  grader: DatasetItem["grader"];
  header: Omit<DatasetHeader, "format" | "version" | "name" | "derivation">;
}

const TASKS: Task[] = [
  {
    dir: "gsm",
    name: "gsm8k-replay",
    action: "grade_school_math",
    expected(answer, id) {
      const m = /^#\s*(-?[\d,]+(?:\.\d+)?)$/.exec(answer.trim());
      const value = m ? Number(m[1]!.replace(/,/g, "")) : NaN;
      if (!Number.isFinite(value)) throw new Error(`gsm: item ${id} has no numeric gold answer (${JSON.stringify(answer)})`);
      return value;
    },
    grader: { id: "answer_number", tolerance: 0 },
    header: {
      description:
        "GSM8K test split, all 1,319 problems, in the prompt ZeroEval sent every model (answer as JSON {reasoning, answer}); expected is the final number. Recorded answers of 6 models in replay/gsm8k/.",
      source: `${ZEROEVAL} result_dirs/gsm/*.json (task: openai/gsm8k test)`,
      license: "MIT",
      attribution: `Items: GSM8K, Cobbe et al. 2021, https://arxiv.org/abs/2110.14168, Copyright (c) 2021 OpenAI (MIT). Prompts and recorded answers: ${ATTRIBUTION}.`,
      actions: {
        grade_school_math: {
          description: "a grade-school math word problem; the prompt asks for JSON {reasoning, answer} with a number",
          answer: "number",
          template: "{input}",
          max_tokens: 4096,
          // The router's checks score format, not correctness: an answer field, a finished answer, no loop.
          checks: [{ id: "required_fields", fields: ["answer"] }, { id: "finish_reason" }, { id: "repetition" }],
        },
      },
    },
  },
  {
    dir: "crux",
    name: "cruxeval-replay",
    action: "code_output_prediction",
    expected: (answer) => answer,
    grader: "answer_literal",
    header: {
      description:
        "CRUXEval-O, all 800 problems: predict a Python function's output for a given input, in the prompt ZeroEval sent every model (answer as JSON {reasoning, answer}); expected is the output as a Python literal. Recorded answers of 6 models in replay/cruxeval/.",
      source: `${ZEROEVAL} result_dirs/crux/*.json (task: cruxeval-org/cruxeval test)`,
      license: "MIT",
      attribution: `Items: CRUXEval, Gu et al. 2024, https://arxiv.org/abs/2401.03065 (MIT). Prompts and recorded answers: ${ATTRIBUTION}.`,
      actions: {
        code_output_prediction: {
          description: "predict a Python function's output; the prompt asks for JSON {reasoning, answer} with a Python literal",
          answer: "python_literal",
          template: "{input}",
          max_tokens: 4096,
          checks: [{ id: "required_fields", fields: ["answer"] }, { id: "finish_reason" }, { id: "repetition" }],
        },
      },
    },
  },
];

interface Output {
  path: string;
  bytes: Buffer;
  text: string;
}

interface ZeroEvalRow {
  id: string;
  chat_history: string[];
  answer: string;
}

function readInput(shared: string, rel: string): string {
  const file = join(shared, rel);
  if (!existsSync(file)) throw new Error(`${file}: missing; pass --shared <dir> pointing at the zeroeval folder`);
  const bytes = readFileSync(file);
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== INPUT_SHA256[rel])
    throw new Error(`${file}: sha256 ${sha} differs from the pinned ${INPUT_SHA256[rel]}; review the source before updating INPUT_SHA256`);
  return bytes.toString("utf8");
}

function deriveTask(shared: string, task: Task): Output[] {
  const files = Object.keys(INPUT_SHA256)
    .filter((f) => f.startsWith(`${task.dir}/`))
    .sort();
  const out: Output[] = [];
  let items: DatasetItem[] | undefined;
  let prompts: Map<string, string> | undefined;
  for (const rel of files) {
    const text = readInput(shared, rel);
    const rows = JSON.parse(text) as ZeroEvalRow[];
    const mine = new Map(rows.map((r) => [r.id, r.chat_history[r.chat_history.length - 1]!]));
    if (!items || !prompts) {
      prompts = mine;
      items = rows.map((r) => ({ id: r.id, action: task.action, input: mine.get(r.id)!, expected: task.expected(r.answer, r.id), grader: task.grader }));
    } else {
      // Every model must have seen the same prompt for the same id, or the replay compares nothing.
      if (mine.size !== prompts.size) throw new Error(`${rel}: ${mine.size} items, the first file has ${prompts.size}`);
      for (const [id, p] of prompts) if (mine.get(id) !== p) throw new Error(`${rel}: item ${id} has a different prompt than the first file`);
    }
    const recording = convertZeroEval({
      text,
      file: rel,
      task: task.name,
      source: `${ZEROEVAL} result_dirs/${rel}`,
      attribution: `${ATTRIBUTION}; task items ${task.header.license} (see the dataset ${task.name}.jsonl)`,
      derivation: `scripts/derive-replay.ts from ../shared/replay/zeroeval/${rel} (sha256 ${INPUT_SHA256[rel]!.slice(0, 16)})`,
    });
    const body = formatRecording(recording);
    out.push({
      path: `replay/${task.name.replace(/-replay$/, "")}/${recording.header.model}.jsonl.gz`,
      text: body,
      bytes: gzipSync(Buffer.from(body, "utf8"), { level: 9 }),
    });
  }
  const header: DatasetHeader = {
    format: DATASET_FORMAT,
    version: DATASET_FORMAT_VERSION,
    name: task.name,
    ...task.header,
    derivation: `scripts/derive-replay.ts: every item of ${files[0]} in file order; input = the last chat_history turn (identical across the ${files.length} model files)`,
  };
  const text = [header, ...items!].map((x) => JSON.stringify(x)).join("\n") + "\n";
  return [{ path: `${task.name}.jsonl`, text, bytes: Buffer.from(text, "utf8") }, ...out];
}

export function deriveReplay(shared: string): Output[] {
  return TASKS.flatMap((t) => deriveTask(shared, t));
}

/** The text of a file as derived: gzip files are compared by content, so another zlib build is not "stale". */
function currentText(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  return (file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
}

function main(argv: string[]): number {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const unknown = argv.filter(
    (a, i) => a.startsWith("--") && !["--shared", "--out", "--check"].includes(a) && !["--shared", "--out"].includes(argv[i - 1] ?? ""),
  );
  if (unknown.length) throw new Error(`unknown option(s) ${unknown.join(" ")}; usage: derive-replay [--shared DIR] [--out DIR] [--check]`);
  const shared = resolve(flag("--shared") ?? join(repo, "../shared/replay/zeroeval"));
  const out = resolve(flag("--out") ?? join(repo, "datasets"));
  const check = argv.includes("--check");
  let stale = 0;
  let total = 0;
  for (const o of deriveReplay(shared)) {
    const file = join(out, o.path);
    const same = currentText(file) === o.text;
    total += o.bytes.length;
    if (check) {
      if (!same) {
        stale++;
        console.error(`stale: ${file}`);
      }
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    if (!same) writeFileSync(file, o.bytes);
    console.log(`${same ? "unchanged" : "wrote"} ${file} (${o.bytes.length} bytes)`);
  }
  console.log(
    check
      ? stale
        ? `${stale} file(s) differ; run npx tsx scripts/derive-replay.ts`
        : "replay datasets are up to date"
      : `${(total / 1e6).toFixed(2)} MB in all`,
  );
  return stale ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`derive-replay: ${(err as Error).message}`);
    process.exitCode = 2;
  }
}
