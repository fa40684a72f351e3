import { describe, expect, it } from "vitest";
import type { CheckInput } from "../contracts/quality.js";
import { extractJson, extractLabel } from "./extract.js";
import { getCheck, knownCheckIds } from "./registry.js";
import { prepareChecks, scoreAnswer } from "./score.js";

const input = (text: string, extra: Partial<CheckInput> = {}): CheckInput => ({ text, finishReason: "stop", action: "a", prompt: "p", ...extra });
const run = (id: string, text: string, params: Record<string, unknown> = {}, extra: Partial<CheckInput> = {}) => getCheck(id).run(input(text, extra), params);

describe("answer extraction", () => {
  it.each([
    ['{"label": "Auth"}', "auth"],
    ['```json\n{"topic":"ui"}\n```', "ui"],
    ["Label: docs.", "docs"],
    ['"database"', "database"],
    ["  Security\nbecause the token leaked", "security"],
  ])("extractLabel(%j) = %s", (text, label) => expect(extractLabel(text)).toBe(label));

  it("finds JSON after prose and inside fences, and gives undefined otherwise", () => {
    expect(extractJson('Here you go: {"a": 1}')).toEqual({ a: 1 });
    expect(extractJson("```\n[1,2]\n```")).toEqual([1, 2]);
    expect(extractJson("no json here")).toBeUndefined();
  });
});

describe("quality checks", () => {
  it("registers each check family", () => {
    expect(knownCheckIds()).toEqual(
      expect.arrayContaining(["json_schema", "label_set", "regex", "finish_reason", "required_fields", "min_length", "non_empty", "repetition", "refusal"]),
    );
  });

  it("json_schema: full score for valid JSON, partial for a schema slip, zero for prose", () => {
    const schema = { type: "object", properties: { label: { type: "string", enum: ["a", "b"] } }, required: ["label"] };
    expect(run("json_schema", '{"label":"a"}', {}, { schema }).score).toBe(1);
    const slip = run("json_schema", '{"label":"c"}', {}, { schema });
    expect(slip.score).toBe(0.3);
    expect(slip.reason).toContain("label");
    expect(run("json_schema", "sure! a", {}, { schema }).score).toBe(0);
  });

  it("label_set accepts only allowed labels, case-insensitively", () => {
    expect(run("label_set", "AUTH", { labels: ["auth", "ui"] }).pass).toBe(true);
    expect(run("label_set", "billing", { labels: ["auth", "ui"] }).pass).toBe(false);
  });

  it("regex honours must_match", () => {
    expect(run("regex", "#### 42", { pattern: "####\\s*\\d+" }).score).toBe(1);
    expect(run("regex", "TODO", { pattern: "TODO", must_match: false }).score).toBe(0);
  });

  it("finish_reason fails answers cut at the token limit", () => {
    expect(run("finish_reason", "x", {}, { finishReason: "length" }).score).toBe(0);
    expect(run("finish_reason", "x").score).toBe(1);
  });

  it("required_fields gives partial credit per field", () => {
    const r = run("required_fields", '{"name":"Dana","email":""}', { fields: ["name", "email"] });
    expect(r.score).toBe(0.5);
    expect(r.pass).toBe(false);
    expect(r.reason).toContain("email");
  });

  it("min_length scales with the word count", () => {
    expect(run("min_length", "one two", { words: 4 }).score).toBe(0.5);
    expect(run("min_length", "one two three four five", { words: 4 }).score).toBe(1);
  });

  it("coherence: empty, looping, refusing and noisy answers score low", () => {
    expect(run("non_empty", "   ").score).toBe(0);
    expect(run("non_empty", "ok\u0000\u0001\u0002").score).toBeLessThan(0.5);
    expect(run("repetition", "the cat sat the cat sat the cat sat the cat sat the cat sat").score).toBeLessThan(0.3);
    expect(run("repetition", "A short answer that says something new in every phrase here").score).toBe(1);
    expect(run("refusal", "I'm sorry, but I can't help with that.").score).toBe(0);
    expect(run("refusal", "auth").score).toBe(1);
  });

  it("rejects bad params with a message naming the param", () => {
    expect(() => run("label_set", "x", { labels: [] })).toThrow(/labels/);
    expect(() => run("min_length", "x", { words: -1 })).toThrow(/words/);
  });
});

describe("combined confidence", () => {
  it("is the weighted mean capped by failing gates, with the breakdown kept", () => {
    const prepared = prepareChecks([{ id: "label_set", labels: ["auth"] }, { id: "non_empty" }, { id: "refusal", weight: 2 }]);
    const good = scoreAnswer(prepared, input("auth"), 0.7);
    expect(good.confidence).toBe(1);
    expect(good.pass).toBe(true);
    const wrongLabel = scoreAnswer(prepared, input("billing"), 0.7);
    // Mean would be 0.75, but label_set is a format gate scoring 0.
    expect(wrongLabel.confidence).toBe(0);
    expect(wrongLabel.checks.map((c) => c.id)).toEqual(["label_set", "non_empty", "refusal"]);
    const ungated = scoreAnswer(
      prepareChecks([{ id: "label_set", labels: ["auth"], gate: false }, { id: "non_empty" }, { id: "refusal", weight: 2 }]),
      input("billing"),
      0.7,
    );
    expect(ungated.confidence).toBe(0.75);
    expect(ungated.pass).toBe(true);
  });

  it("uses the seed's three generic families when an action lists no checks", () => {
    const v = scoreAnswer(prepareChecks([]), input("", { finishReason: "length" }), 0.7);
    expect(v.checks.map((c) => c.id)).toEqual(["non_empty", "finish_reason", "repetition", "refusal"]);
    expect(v.pass).toBe(false);
  });
});
