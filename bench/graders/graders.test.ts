import { describe, expect, it } from "vitest";
import { ConfigError } from "../../core/errors.js";
import type { DatasetItem } from "../dataset/schema.js";
import { finalNumber, labelOf } from "../../router/answers/normalise.js";
import { checkGraderRef, getGrader, grade, knownGraderIds } from "./registry.js";

const item = (expected: DatasetItem["expected"], grader: DatasetItem["grader"]): DatasetItem => ({ id: "t", action: "a", input: "q", expected, grader });
const passes = async (answer: string, it: DatasetItem) => (await grade(answer, it)).pass;

describe("registry", () => {
  it("lists every grader and finds each by id", () => {
    expect(knownGraderIds()).toEqual(["answer_literal", "answer_number", "exact_label", "json_fields", "label_in_set", "numeric", "regex", "unit_tests"]);
    for (const id of knownGraderIds()) expect(getGrader(id)?.id).toBe(id);
    expect(getGrader("nope")).toBeUndefined();
  });

  it("grade() refuses an item the loader would reject", async () => {
    await expect(grade("x", item("a", "nope"))).rejects.toBeInstanceOf(ConfigError);
    await expect(grade("x", item(5, "exact_label"))).rejects.toThrow(/expected: exact_label needs/);
    expect(checkGraderRef({ id: "label_in_set" }, null)).toEqual([{ path: ["grader"], message: expect.stringContaining("needs accepted labels") }]);
  });
});

describe("exact_label", () => {
  const it1 = item("card_arrival", "exact_label");
  it.each([
    "card_arrival",
    "  Card_Arrival. ",
    '"card_arrival"',
    "`card_arrival`",
    "**card_arrival**",
    '{"label": "card_arrival"}',
    '{"intent":"card_arrival","confidence":0.9}',
    '```json\n{"label": "card_arrival"}\n```',
    "Label: card_arrival",
    '{"x": "card_arrival"}',
  ])("passes %j", async (answer) => {
    expect(await passes(answer, it1)).toBe(true);
  });
  it.each(["card_linking", "card arrival", "card_arrival_delay", "", "The label is card_arrival", '{"label": "oos"}'])("fails %j", async (answer) => {
    const r = await grade(answer, it1);
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('expected "card_arrival"');
  });
  it("handles yes/no with punctuation", async () => {
    expect(await passes("Yes.", item("yes", "exact_label"))).toBe(true);
    expect(await passes("No", item("yes", "exact_label"))).toBe(false);
  });
});

describe("label_in_set", () => {
  it("accepts any label of the expected array", async () => {
    const i = item(["todo", "feature"], "label_in_set");
    expect(await passes("Feature", i)).toBe(true);
    expect(await passes('{"tag": "todo"}', i)).toBe(true);
    const r = await grade("bug", i);
    expect(r).toMatchObject({ pass: false, reason: 'label "bug" not in [todo, feature]' });
  });
  it("accepts params.labels as well as expected", async () => {
    const i = item(null, { id: "label_in_set", labels: ["yes", "y"] });
    expect(await passes("Y", i)).toBe(true);
    expect(await passes("no", i)).toBe(false);
  });
});

describe("numeric", () => {
  const gsm = item(18, { id: "numeric", tolerance: 0 });
  it.each([
    ["18", true],
    ["She makes $18 every day.", true],
    ["9 eggs * $2 = 18", true],
    ["#### 18", true],
    ["#### 18\nso about 20 in total", true],
    ["18.0", true],
    ["The answer is 18.", true],
    ["17", false],
    ["18 eggs, 3 days: 54", false],
    ["no idea", false],
    ["-18", false],
  ] as const)("%j → %s", async (answer, pass) => {
    expect(await passes(answer, gsm)).toBe(pass);
  });
  it("reads thousands separators, negatives and decimals; applies the tolerance", async () => {
    expect(await passes("Total: $1,000,000", item(1000000, "numeric"))).toBe(true);
    expect(await passes("It drops to -5 degrees", item(-5, "numeric"))).toBe(true);
    expect(await passes("between 3-5 hours", item(-5, "numeric"))).toBe(false);
    expect(await passes("about 3.14", item("3.1", { id: "numeric", tolerance: 0.05 }))).toBe(true);
    expect(await passes("about 3.2", item("3.1", { id: "numeric", tolerance: 0.05 }))).toBe(false);
    expect(await passes("0.3", item(0.3, "numeric"))).toBe(true);
  });
  it("finalNumber prefers the number after ####", () => {
    expect(finalNumber("step 1: 4\n#### 12\nfootnote 3")).toBe(12);
    expect(finalNumber("values 1,2,3")).toBe(3);
    expect(finalNumber("nothing")).toBeUndefined();
  });
});

describe("json_fields", () => {
  const exp = { name: "Dana Whitfield", total: 1249.5, tags: ["a", "b"], address: { city: "Springfield" } };
  it("passes bare, fenced and embedded JSON with formatting differences", async () => {
    const i = item(exp, "json_fields");
    expect(await passes(JSON.stringify(exp), i)).toBe(true);
    expect(await passes('```json\n{"name": " dana  whitfield", "total": "1249.50", "tags": ["b", "a"], "address": {"city": "springfield"}}\n```', i)).toBe(
      true,
    );
    expect(await passes(`Here you go: ${JSON.stringify({ ...exp, extra: 1 })} Hope that helps.`, i)).toBe(true);
  });
  it("fails on a wrong or missing field, non-JSON and non-objects, with partial credit", async () => {
    const i = item(exp, "json_fields");
    const r = await grade(JSON.stringify({ ...exp, total: 1249 }), i);
    expect(r).toMatchObject({ pass: false, score: 0.75 });
    expect(r.reason).toContain("total: got 1249, expected 1249.5");
    expect((await grade(JSON.stringify({ name: "Dana Whitfield" }), i)).reason).toContain("(missing)");
    expect((await grade("name: Dana", i)).reason).toBe("answer is not JSON");
    expect((await grade("[1, 2]", i)).reason).toBe("answer is JSON but not an object");
  });
  it("compares only params.fields, by dotted path", async () => {
    const i = item(exp, { id: "json_fields", fields: ["address.city"] });
    expect(await passes('{"address": {"city": "Springfield"}, "name": "wrong"}', i)).toBe(true);
    expect(await passes('{"address": {"city": "Shelbyville"}}', i)).toBe(false);
    expect(checkGraderRef({ id: "json_fields", fields: ["zip"] }, exp)[0]?.message).toContain("fields not in expected: zip");
  });

  it("a missing key does not match an expected null; missing_is_null: true says it may", async () => {
    // An item whose slots are all empty: {} used to pass it, as it would pass every such item.
    const slots = { name: null, date: null };
    const strict = item(slots, "json_fields");
    const r = await grade("{}", strict);
    expect(r).toMatchObject({ pass: false, score: 0 });
    expect(r.reason).toContain("name: got (missing), expected null");
    expect(await passes('{"name": null, "date": null}', strict)).toBe(true);
    expect(await passes('{"name": null}', strict)).toBe(false);
    const lenient = item(slots, { id: "json_fields", missing_is_null: true });
    expect(await passes("{}", lenient)).toBe(true);
    expect(await passes('{"name": "Dana"}', lenient)).toBe(false);
    // A missing parent is missing too.
    expect(await passes('{"address": null}', item({ address: { city: null } }, { id: "json_fields", fields: ["address.city"] }))).toBe(false);
  });
});

describe("regex", () => {
  it("matches one pattern with flags", async () => {
    const i = item(null, { id: "regex", pattern: "^roll(ed)? ?back", flags: "im" });
    expect(await passes("Summary:\nRolled back at 14:31", i)).toBe(true);
    expect(await passes("reverted the deploy", i)).toBe(false);
  });
  it("needs every pattern of a list, scores the share found, and enforces max_chars", async () => {
    const i = item(null, { id: "regex", pattern: ["redis", "sticky", "cookie"], flags: "i", max_chars: 80 });
    expect(await passes("Move sessions to Redis: no sticky sessions; cookies too small.", i)).toBe(true);
    const r = await grade("Move sessions to Redis.", i);
    expect(r.pass).toBe(false);
    expect(r.score).toBeCloseTo(1 / 3);
    expect(r.reason).toContain("/sticky/, /cookie/");
    expect((await grade(`Redis sticky cookie ${"x".repeat(100)}`, i)).reason).toContain("over max_chars 80");
  });
  it("rejects stateful flags at load time", () => {
    expect(checkGraderRef({ id: "regex", pattern: "a", flags: "g" }, null)[0]?.path).toEqual(["grader", "flags"]);
  });
});

describe("labelOf", () => {
  it("unwraps the usual wrappers", () => {
    expect(labelOf("```\nauth\n```")).toBe("auth");
    expect(labelOf("Topic: Security!")).toBe("security");
    expect(labelOf('"oos"')).toBe("oos");
  });
});
