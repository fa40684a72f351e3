import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REAL_REPLIES } from "../../router/answers/real-replies.fixture.js";
import { ConfigError } from "../../core/errors.js";
import { loadDataset } from "../dataset/load.js";
import type { DatasetItem } from "../dataset/schema.js";
import { checkGraderRef, grade } from "./registry.js";

const dir = mkdtempSync(join(tmpdir(), "tierlab-answer-graders-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const item = (expected: DatasetItem["expected"], grader: DatasetItem["grader"]): DatasetItem => ({ id: "t", action: "a", input: "q", expected, grader });
const reply = (answer: string) => JSON.stringify({ reasoning: "r", answer });

describe("answer_number", () => {
  const gsm = item(18, "answer_number");
  it.each([
    [reply("18"), true, "18 = 18", "18"],
    [reply("$18.00"), true, "18 = 18", "18"],
    ["```json\n" + reply("18 dollars") + "\n```", true, "18 = 18", "18"],
    [`So:\n${reply("18")}`, true, "18 = 18 (JSON object inside prose)", "18"],
    [reply("17"), false, "17 != 18", "17"],
    [reply("9 * 2 = 18"), true, "18 = 18 (value after the last '=')", "18"],
    ["The answer is 18.", false, "no JSON object in the reply; expected 18", null],
    ['{"reasoning": "cut off', false, "no answer field in the reply's JSON; expected 18", null],
    [reply("9 eggs, 2 dollars"), false, "2 numbers (9, 2) and no single result; expected 18", null],
  ] as const)("%j → %s", async (answer, pass, reason, extracted) => {
    const r = await grade(answer, gsm);
    expect(r).toEqual({ pass, reason, score: pass ? 1 : 0, unparseable: extracted === null, extracted });
  });

  it("applies the tolerance and validates params and expected up front", async () => {
    const i = item(3.1, { id: "answer_number", tolerance: 0.05 });
    expect((await grade(reply("3.14"), i)).pass).toBe(true);
    expect(await grade(reply("3.2"), i)).toMatchObject({ pass: false, reason: "3.2 != 3.1 ± 0.05" });
    expect((await grade(reply("0.3"), item(0.3, "answer_number"))).pass).toBe(true);
    expect(checkGraderRef({ id: "answer_number", tolerance: -1 }, 1)[0]).toMatchObject({ path: ["grader", "tolerance"], message: "must be 0 or more" });
    expect(checkGraderRef("answer_number", "18")[0]).toMatchObject({ path: ["expected"], message: "answer_number needs expected as a number" });
  });
});

describe("answer_literal", () => {
  it.each([
    ["[1, 2]", "[1, 2]", true, "[1, 2] == [1, 2]"],
    ["[1, 2.0]", "[1, 2]", true, "[1, 2.0] == [1, 2]"],
    ["[1, 2]", "(1, 2)", false, "[1, 2] != (1, 2): list vs tuple"],
    ["{'b': 2, 'a': 1}", "{'a': 1, 'b': 2}", true, "{'b': 2, 'a': 1} == {'a': 1, 'b': 2}"],
    ["abc", "'abc'", true, "'abc' == 'abc' (unquoted text read as a str)"],
    ["'1'", "1", false, "'1' != 1: str vs int"],
    ["[1, [2, 3]]", "[1, [2, 4]]", false, "[1, [2, 3]] != [1, [2, 4]]: item [1]: [2, 3] != [2, 4] (item [1]: 3 != 4)"],
    ["[1, 2", "[1, 2]", false, "not a Python literal: unexpected end, expected ',' or ']' at position 5; expected [1, 2]"],
  ])("answer %s, gold %s", async (answer, gold, pass, reason) => {
    const r = await grade(reply(answer), item(gold, "answer_literal"));
    expect(r).toMatchObject({ pass, reason, score: pass ? 1 : 0, unparseable: reason.includes("; expected") });
  });

  it("reports the canonical answer, and null with unparseable for a reply without one", async () => {
    expect(await grade(reply("{2, 1}"), item("{1, 2}", "answer_literal"))).toMatchObject({ pass: true, extracted: "{1, 2}", unparseable: false });
    expect(await grade("no json here", item("1", "answer_literal"))).toEqual({
      pass: false,
      reason: "no JSON object in the reply; expected 1",
      score: 0,
      unparseable: true,
      extracted: null,
    });
  });

  it("a gold that is not a Python literal rejects the item when the dataset loads, with its line and position", () => {
    const header = { format: "tierlab-dataset", version: 1, name: "t", description: "", source: "hand-written", license: "CC0-1.0", attribution: "" };
    const good = { id: "a", action: "crux", input: "q", expected: "[(4, 1)]", grader: "answer_literal" };
    const bad = { ...good, id: "b", expected: "[(4, 1)" };
    const file = join(dir, "crux.jsonl");
    writeFileSync(file, [header, good, bad].map((l) => JSON.stringify(l)).join("\n") + "\n");
    expect(() => loadDataset(file)).toThrow(ConfigError);
    expect(() => loadDataset(file)).toThrow(/:3: expected: expected is not a Python literal: unexpected end, expected ',' or '\]' at position 7/);
    expect(checkGraderRef("answer_literal", 5)[0]?.message).toContain("answer_literal needs expected as a Python literal written as a string");
  });
});

describe("both graders on the real replies of real-replies.fixture.ts", () => {
  it.each(REAL_REPLIES.map((c) => [`${c.model} ${c.id}`, c] as const))("%s", async (_name, c) => {
    const expected = c.kind === "number" ? Number(c.gold.replace(/^#\s*/, "").replace(/,/g, "")) : c.gold;
    const r = await grade(c.output, item(expected, c.kind === "number" ? "answer_number" : "answer_literal"));
    expect(r.pass).toBe(c.pass);
    expect(r.unparseable).toBe(c.status === "unparseable");
    expect(r.extracted).toBe(c.canonical);
    expect(r.reason).not.toContain("\n");
  });
});
