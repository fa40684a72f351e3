/**
 * The replay sets in datasets/: they load with their declared actions and attribution, stay small enough
 * to ship, hold recordings of six models for every item, and each item's gold answer passes its grader
 * when written the way the models were asked to answer, while a wrong one fails.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { promptHash } from "../../router/providers/replay-format.js";
import { loadRecordings } from "../../router/providers/replay-store.js";
import { deriveReplay } from "../../scripts/derive-replay.js";
import { grade } from "../graders/registry.js";
import { loadDataset } from "./load.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DIR = join(repo, "datasets");
const SETS = [
  { file: "gsm8k-replay.jsonl", dir: "gsm8k", n: 1319, action: "grade_school_math", answer: "number", grader: "answer_number", items: "MIT" },
  {
    file: "cruxeval-replay.jsonl",
    dir: "cruxeval",
    n: 800,
    action: "code_output_prediction",
    answer: "python_literal",
    grader: "answer_literal",
    items: "MIT",
  },
] as const;

const sizeOf = (path: string): number =>
  statSync(path).isDirectory() ? readdirSync(path).reduce((s, f) => s + sizeOf(join(path, f)), 0) : statSync(path).size;

describe("replay datasets", () => {
  it("ship in at most 15 MB, recordings included", () => {
    const bytes = sizeOf(join(DIR, "replay")) + SETS.reduce((s, x) => s + statSync(join(DIR, x.file)).size, 0);
    expect(bytes).toBeLessThan(15_000_000);
  });

  it.each(SETS)("$file: every item, its declared action, its grader, and ZeroEval's attribution", (s) => {
    const ds = loadDataset(join(DIR, s.file));
    expect(ds.items).toHaveLength(s.n);
    expect(ds.header.license).toBe(s.items);
    expect(ds.header.attribution).toContain("ZeroEval (WildEval), Apache-2.0");
    expect(ds.header.actions?.[s.action]).toMatchObject({ answer: s.answer, template: "{input}" });
    expect(ds.items.every((i) => i.action === s.action && (typeof i.grader === "string" ? i.grader : i.grader.id) === s.grader)).toBe(true);
  });

  it.each(SETS)("$file: six models recorded every item, for the very prompt in the dataset", (s) => {
    const ds = loadDataset(join(DIR, s.file));
    const files = readdirSync(join(DIR, "replay", s.dir)).filter((f) => f.endsWith(".jsonl.gz"));
    expect(files).toHaveLength(6);
    for (const f of files) {
      const path = join(DIR, "replay", s.dir, f);
      const rec = loadRecordings([path]);
      const head = JSON.parse(gunzipSync(readFileSync(path)).toString("utf8").split("\n")[0]!) as { license: string; attribution: string };
      expect(head.license).toBe("Apache-2.0");
      expect(head.attribution).toContain("ZeroEval (WildEval)");
      for (const item of ds.items) expect(rec.byId.get(item.id)?.promptHash, `${f} ${item.id}`).toBe(promptHash(item.input));
    }
  });

  it.each(SETS)("$file: the gold answer, as the models were asked to give it, passes; another fails", async (s) => {
    const { items } = loadDataset(join(DIR, s.file));
    for (const item of items) {
      const right = JSON.stringify({ reasoning: "…", answer: String(item.expected) });
      const wrong = JSON.stringify({ reasoning: "…", answer: typeof item.expected === "number" ? String(item.expected + 1) : `[${String(item.expected)}, 0]` });
      expect((await grade(right, item)).pass, `${item.id}: ${right}`).toBe(true);
      expect((await grade(wrong, item)).pass, `${item.id}: ${wrong}`).toBe(false);
    }
  });

  const shared = resolve(repo, "../shared/replay/zeroeval");
  it.skipIf(!existsSync(shared))(
    "are what scripts/derive-replay.ts makes from ../shared/replay",
    () => {
      for (const out of deriveReplay(shared)) {
        const path = join(DIR, out.path);
        const bytes = readFileSync(path);
        expect((path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"), out.path).toBe(out.text);
      }
    },
    60_000,
  );
});
