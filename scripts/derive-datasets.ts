/**
 * Derives the small labelled sets in datasets/ from the public datasets in ../shared/datasets.
 * Deterministic: fixed seed, inputs pinned by sha256, items in source order, so a re-run is
 * byte-identical and `--check` can tell whether the committed files are current.
 *
 *   npx tsx scripts/derive-datasets.ts [--shared ../shared/datasets] [--out datasets] [--check]
 *
 * datasets/seed-actions.jsonl and datasets/labels/classify_memory.json are hand-written, not derived here.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { sampleIndices } from "../bench/dataset/sample.js";
import { DATASET_FORMAT, DATASET_FORMAT_VERSION, type DatasetHeader, type DatasetItem } from "../bench/dataset/schema.js";
import { createRng, type Rng } from "../core/rng.js";

export const DERIVE_SEED = 20251201;
const SIZES = { banking77PerLabel: 2, clinc150PerIntent: 1, clinc150Oos: 50, gsm8k: 100, humaneval: 40 } as const;

// From ../shared/datasets/README.md: the derived sets are only reproducible from these exact bytes.
const INPUT_SHA256: Record<string, string> = {
  "banking77/test.csv": "d12d6e3bc4c3103966ae786dc435913c0c563dfa328f5a3646d0e62cfeeb474d",
  "banking77/categories.json": "53261da888122daf2d120d925458631d9619e15d82e56052e7a42e535ce32b63",
  "clinc150/data_small.json": "050e17476e6b4fa88f8518edaf09921c8f5e3a86dc8b63615361102a20b2ac01",
  "clinc150/domains.json": "b947b579d3b8e74b06f93b01083d8efaff2888b43a3e362533bd88a6e1211b3a",
  "gsm8k/test.jsonl": "3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14",
  "humaneval/HumanEval.jsonl.gz": "b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef",
};

type Header = Omit<DatasetHeader, "format" | "version">;
interface Output {
  path: string;
  text: string;
}

function readInput(shared: string, rel: string): Buffer {
  const file = join(shared, rel);
  if (!existsSync(file)) throw new Error(`${file}: missing; pass --shared <dir> pointing at the shared datasets folder`);
  const bytes = readFileSync(file);
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== INPUT_SHA256[rel])
    throw new Error(`${file}: sha256 ${sha} differs from the pinned ${INPUT_SHA256[rel]}; the source changed, review it before updating INPUT_SHA256`);
  return bytes;
}

function jsonl(header: Header, items: DatasetItem[]): string {
  const head: DatasetHeader = { format: DATASET_FORMAT, version: DATASET_FORMAT_VERSION, ...header };
  return [head, ...items].map((x) => JSON.stringify(x)).join("\n") + "\n";
}

const labelsJson = (labels: string[]) => JSON.stringify(labels, null, 2) + "\n";

function banking77(shared: string, rng: Rng): Output[] {
  const labels = JSON.parse(readInput(shared, "banking77/categories.json").toString("utf8")) as string[];
  const rows = parse(readInput(shared, "banking77/test.csv"), { columns: true, skip_empty_lines: true }) as Array<{ text: string; category: string }>;
  const chosen: number[] = [];
  for (const label of labels) {
    const rowsOf = rows.flatMap((r, i) => (r.category === label ? [i] : []));
    if (rowsOf.length < SIZES.banking77PerLabel) throw new Error(`banking77: label ${label} has only ${rowsOf.length} rows`);
    chosen.push(...sampleIndices({ n: rowsOf.length, k: SIZES.banking77PerLabel, rng }).map((k) => rowsOf[k]!));
  }
  const items = chosen
    .sort((a, b) => a - b)
    .map((i): DatasetItem => ({
      id: `banking77-test-${i}`,
      action: "intent_banking77",
      input: rows[i]!.text,
      expected: rows[i]!.category,
      grader: "exact_label",
    }));
  const header: Header = {
    name: "banking77",
    description: `BANKING77 test split, ${SIZES.banking77PerLabel} queries per intent (${items.length}); answer with one of the 77 labels in labels/banking77.json`,
    source: "https://github.com/PolyAI-LDN/task-specific-datasets @57ec275d8078af65b7731c2a98be812d844a6d6b banking_data/test.csv",
    license: "CC-BY-4.0",
    attribution: 'Casanueva et al. 2020, "Efficient Intent Detection with Dual Sentence Encoders", https://arxiv.org/abs/2003.04807 (PolyAI)',
    derivation: `scripts/derive-datasets.ts seed ${DERIVE_SEED} stream 1: ${SIZES.banking77PerLabel} rows per category, stratified; id suffix = 0-based data row of test.csv (header excluded)`,
  };
  return [
    { path: "banking77.jsonl", text: jsonl(header, items) },
    { path: "labels/banking77.json", text: labelsJson(labels) },
  ];
}

function clinc150(shared: string, rng: Rng): Output[] {
  const data = JSON.parse(readInput(shared, "clinc150/data_small.json").toString("utf8")) as Record<string, Array<[string, string]>>;
  const domains = JSON.parse(readInput(shared, "clinc150/domains.json").toString("utf8")) as Record<string, string[]>;
  const test = data.test ?? [];
  const oos = data.oos_test ?? [];
  const intents = Object.values(domains).flat();
  const domainOf = new Map(Object.entries(domains).flatMap(([d, xs]) => xs.map((x) => [x, d] as const)));
  if (intents.length !== 150 || test.some(([, l]) => !domainOf.has(l))) throw new Error("clinc150: domains.json does not cover the 150 test intents");
  const chosen: number[] = [];
  for (const intent of intents) {
    const rowsOf = test.flatMap(([, l], i) => (l === intent ? [i] : []));
    chosen.push(...sampleIndices({ n: rowsOf.length, k: SIZES.clinc150PerIntent, rng }).map((k) => rowsOf[k]!));
  }
  const inScope = chosen
    .sort((a, b) => a - b)
    .map((i): DatasetItem => {
      const [text, label] = test[i]!;
      return {
        id: `clinc150-test-${i}`,
        action: "intent_clinc150",
        input: text,
        expected: label,
        grader: "exact_label",
        meta: { domain: domainOf.get(label)! },
      };
    });
  const outOfScope = sampleIndices({ n: oos.length, k: SIZES.clinc150Oos, rng }).map((i): DatasetItem => {
    const [text, label] = oos[i]!;
    if (label !== "oos") throw new Error(`clinc150: oos_test row ${i} is labelled ${label}`);
    return { id: `clinc150-oos_test-${i}`, action: "intent_clinc150", input: text, expected: "oos", grader: "exact_label", meta: { oos: true } };
  });
  const items = [...inScope, ...outOfScope];
  const header: Header = {
    name: "clinc150",
    description: `CLINC150 (oos-eval, small): ${inScope.length} in-scope test queries (1 per intent) + ${outOfScope.length} out-of-scope (expected "oos", meta.oos); labels in labels/clinc150.json`,
    source: "https://github.com/clinc/oos-eval @828f8093932c8fe6ca7936c3d2e52903b1c523de data/data_small.json (test, oos_test)",
    license: "CC-BY-3.0",
    attribution: 'Larson et al. 2019, "An Evaluation Dataset for Intent Classification and Out-of-Scope Prediction", EMNLP-IJCNLP 2019 (Clinc)',
    derivation: `scripts/derive-datasets.ts seed ${DERIVE_SEED} stream 2: 1 test row per intent, then ${SIZES.clinc150Oos} oos_test rows; id suffix = 0-based index in the split`,
  };
  return [
    { path: "clinc150.jsonl", text: jsonl(header, items) },
    { path: "labels/clinc150.json", text: labelsJson([...intents, "oos"]) },
  ];
}

function gsm8k(shared: string, rng: Rng): Output[] {
  const rows = readInput(shared, "gsm8k/test.jsonl")
    .toString("utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { question: string; answer: string });
  const items = sampleIndices({ n: rows.length, k: SIZES.gsm8k, rng }).map((i): DatasetItem => {
    const final = rows[i]!.answer.split("#### ")[1]?.trim().replace(/,/g, "") ?? "";
    const value = Number(final);
    if (!/^-?\d+(\.\d+)?$/.test(final) || !Number.isFinite(value)) throw new Error(`gsm8k: row ${i} has no numeric final answer`);
    return { id: `gsm8k-test-${i}`, action: "reasoning", input: rows[i]!.question, expected: value, grader: { id: "numeric", tolerance: 0 } };
  });
  const header: Header = {
    name: "gsm8k",
    description: `GSM8K test split, ${items.length} problems; expected is the final answer (the number after "#### ", separators removed)`,
    source: "https://github.com/openai/grade-school-math @3101c7d5072418e28b9008a6636bde82a006892c grade_school_math/data/test.jsonl",
    license: "MIT",
    attribution: 'Cobbe et al. 2021, "Training Verifiers to Solve Math Word Problems", https://arxiv.org/abs/2110.14168; Copyright (c) 2021 OpenAI',
    derivation: `scripts/derive-datasets.ts seed ${DERIVE_SEED} stream 3: ${SIZES.gsm8k} of ${rows.length} problems; id suffix = 0-based line of test.jsonl`,
  };
  return [{ path: "gsm8k.jsonl", text: jsonl(header, items) }];
}

interface HumanEvalRow {
  task_id: string;
  prompt: string;
  entry_point: string;
  canonical_solution: string;
  test: string;
}

function humaneval(shared: string, rng: Rng): Output[] {
  const rows = gunzipSync(readInput(shared, "humaneval/HumanEval.jsonl.gz"))
    .toString("utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as HumanEvalRow);
  const items = sampleIndices({ n: rows.length, k: SIZES.humaneval, rng }).map((i): DatasetItem => {
    const r = rows[i]!;
    return {
      id: `humaneval-${r.task_id.split("/")[1]}`,
      action: "code",
      input: r.prompt,
      expected: null,
      grader: { id: "unit_tests", entry_point: r.entry_point, test: r.test },
      // The canonical body is the oracle the dataset test runs; never shown to a model.
      meta: { task_id: r.task_id, canonical_solution: r.canonical_solution },
    };
  });
  const header: Header = {
    name: "humaneval",
    description: `HumanEval, ${items.length} of ${rows.length} problems: complete the Python function in input; graded by its unit tests (meta.canonical_solution is the reference body)`,
    source: "https://github.com/openai/human-eval @6d43fb980f9fee3c892a914eda09951f772ad10d data/HumanEval.jsonl.gz",
    license: "MIT",
    attribution: 'Chen et al. 2021, "Evaluating Large Language Models Trained on Code", https://arxiv.org/abs/2107.03374; Copyright (c) OpenAI',
    derivation: `scripts/derive-datasets.ts seed ${DERIVE_SEED} stream 4: ${SIZES.humaneval} of ${rows.length} problems; id suffix = task number`,
  };
  return [{ path: "humaneval.jsonl", text: jsonl(header, items) }];
}

export function deriveAll(shared: string): Output[] {
  const root = createRng(DERIVE_SEED);
  // One stream per set, so resizing one set leaves the others' samples unchanged.
  return [banking77(shared, root.fork(1)), clinc150(shared, root.fork(2)), gsm8k(shared, root.fork(3)), humaneval(shared, root.fork(4))].flat();
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
  if (unknown.length) throw new Error(`unknown option(s) ${unknown.join(" ")}; usage: derive-datasets [--shared DIR] [--out DIR] [--check]`);
  const shared = resolve(flag("--shared") ?? join(repo, "../shared/datasets"));
  const out = resolve(flag("--out") ?? join(repo, "datasets"));
  const check = argv.includes("--check");
  let stale = 0;
  for (const o of deriveAll(shared)) {
    const file = join(out, o.path);
    const current = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    if (check) {
      if (current !== o.text) {
        stale++;
        console.error(`stale: ${file}`);
      }
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    if (current !== o.text) writeFileSync(file, o.text);
    const items = o.path.endsWith(".jsonl") ? `, ${o.text.split("\n").length - 2} items` : "";
    console.log(`${current === o.text ? "unchanged" : "wrote"} ${file} (${Buffer.byteLength(o.text)} bytes${items})`);
  }
  if (check) console.log(stale ? `${stale} file(s) differ; run npx tsx scripts/derive-datasets.ts` : "derived datasets are up to date");
  return stale ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`derive-datasets: ${(err as Error).message}`);
    process.exitCode = 2;
  }
}
