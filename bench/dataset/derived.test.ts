/**
 * The committed sets in datasets/: they load, have the promised sizes and label sets, and each item's
 * own oracle (its expected answer, a reference summary, a canonical solution) passes its grader while
 * a wrong answer fails, so a mislabelled item or a broken grader shows up here.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { deriveAll } from "../../scripts/derive-datasets.js";
import { grade } from "../graders/registry.js";
import { loadDataset, sampleItems } from "./load.js";
import { graderOf, type Dataset, type DatasetItem } from "./schema.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DIR = join(repo, "datasets");
const load = (name: string): Dataset => loadDataset(join(DIR, name));
const labels = (name: string) => JSON.parse(readFileSync(join(DIR, "labels", `${name}.json`), "utf8")) as string[];
const count = (items: DatasetItem[], f: (i: DatasetItem) => boolean) => items.filter(f).length;

/** The answer a perfect model would give, where the item carries one. */
function oracle(item: DatasetItem): string | undefined {
  const m = item.meta ?? {};
  if (typeof m.reference === "string") return m.reference;
  if (typeof m.canonical_solution === "string") return m.canonical_solution;
  if (typeof item.expected === "string") return item.expected;
  if (typeof item.expected === "number") return `The answer is ${item.expected}.`;
  if (Array.isArray(item.expected)) return String(item.expected[0]);
  if (item.expected && typeof item.expected === "object") return JSON.stringify(item.expected);
  return undefined;
}

/** An answer that must fail: another label, another number, an empty object. */
function wrong(item: DatasetItem, pool: string[]): string {
  if (typeof item.expected === "number") return String(item.expected + 1);
  if (item.expected && typeof item.expected === "object" && !Array.isArray(item.expected)) return "{}";
  if (graderOf(item.grader).id === "regex") return "No summary.";
  if (graderOf(item.grader).id === "unit_tests") return "    return None\n";
  const accepted = new Set([item.expected].flat().map((x) => String(x).toLowerCase()));
  return pool.find((l) => !accepted.has(l)) ?? "no-such-label";
}

// The replay sets (*-replay.jsonl, with recordings under replay/) have their own tests: replay-sets.test.ts.
const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".jsonl") && !f.endsWith("-replay.jsonl"))
  .sort();

describe("datasets/", () => {
  it("holds the expected files, well under 1 MB in total", () => {
    expect(files).toEqual(["banking77.jsonl", "clinc150.jsonl", "gsm8k.jsonl", "humaneval.jsonl", "seed-actions.jsonl"]);
    const bytes = [...files.map((f) => join(DIR, f)), ...readdirSync(join(DIR, "labels")).map((f) => join(DIR, "labels", f)), join(DIR, "README.md")].reduce(
      (sum, f) => sum + statSync(f).size,
      0,
    );
    expect(bytes).toBeLessThan(400_000);
  });

  it.each(files)("%s loads, with a licence and attribution in its header", (f) => {
    const ds = load(f);
    expect(ds.header.license).toMatch(/^(CC-BY-4\.0|CC-BY-3\.0|MIT|CC0-1\.0)$/);
    expect(ds.header.attribution.length + ds.header.source.length).toBeGreaterThan(20);
  });

  it("banking77: 2 items for each of the 77 labels", () => {
    const { items } = load("banking77.jsonl");
    const set = labels("banking77");
    expect(set).toHaveLength(77);
    expect(items).toHaveLength(154);
    for (const l of set) expect(count(items, (i) => i.expected === l)).toBe(2);
    expect(items.every((i) => i.action === "intent_banking77" && i.grader === "exact_label")).toBe(true);
  });

  it("clinc150: 1 item per intent plus 50 out-of-scope items marked in meta", () => {
    const { items } = load("clinc150.jsonl");
    const set = labels("clinc150");
    expect(set).toHaveLength(151);
    expect(set.at(-1)).toBe("oos");
    for (const l of set.slice(0, -1)) expect(count(items, (i) => i.expected === l)).toBe(1);
    expect(count(items, (i) => i.expected === "oos" && i.meta?.oos === true)).toBe(50);
    expect(count(items, (i) => i.meta?.oos === true)).toBe(50);
  });

  it("gsm8k and humaneval have their sizes and graders", () => {
    const gsm = load("gsm8k.jsonl").items;
    expect(gsm).toHaveLength(100);
    expect(gsm.every((i) => Number.isInteger(i.expected) && graderOf(i.grader).id === "numeric")).toBe(true);
    const he = load("humaneval.jsonl").items;
    expect(he).toHaveLength(40);
    expect(he.every((i) => i.expected === null && typeof i.meta?.canonical_solution === "string")).toBe(true);
  });

  it("seed-actions covers the seed's actions with labels from the label files", () => {
    const { items } = load("seed-actions.jsonl");
    const by = (a: string) => items.filter((i) => i.action === a);
    expect([by("classify_memory").length, by("tag").length, by("yes_no").length, by("extract").length, by("summarize").length]).toEqual([40, 20, 30, 15, 10]);
    const topics = labels("classify_memory");
    for (const t of topics) expect(count(by("classify_memory"), (i) => i.expected === t)).toBeGreaterThanOrEqual(3);
    expect(
      by("tag")
        .flatMap((i) => i.expected as string[])
        .every((t) => labels("tag").includes(t)),
    ).toBe(true);
    expect(count(by("yes_no"), (i) => i.expected === "yes")).toBe(15);
  });

  const instant = files.filter((f) => f !== "humaneval.jsonl");
  it.each(instant)("%s: every item's oracle passes its grader and a wrong answer fails", async (f) => {
    const { items } = load(f);
    const pool = [...new Set(items.flatMap((i) => [i.expected].flat()).filter((x): x is string => typeof x === "string"))];
    for (const item of items) {
      const answer = oracle(item);
      expect(answer, `${item.id} has no oracle`).toBeDefined();
      const good = await grade(answer!, item);
      expect(good.pass, `${item.id}: ${good.reason}`).toBe(true);
      const bad = await grade(wrong(item, pool), item);
      expect(bad.pass, `${item.id} passed a wrong answer: ${bad.reason}`).toBe(false);
    }
  });

  it("humaneval: canonical solutions pass and a stub fails (4 seeded items)", async () => {
    for (const item of sampleItems(load("humaneval.jsonl").items, { limit: 4, seed: 11 })) {
      const good = await grade(oracle(item)!, item);
      expect(good.pass, `${item.id}: ${good.reason}`).toBe(true);
      expect((await grade(wrong(item, []), item)).pass, item.id).toBe(false);
    }
  });

  const shared = resolve(repo, "../shared/datasets");
  it.skipIf(!existsSync(shared))("the derived files are what scripts/derive-datasets.ts makes from ../shared", () => {
    for (const out of deriveAll(shared)) expect(readFileSync(join(DIR, out.path), "utf8"), out.path).toBe(out.text);
  });
});
