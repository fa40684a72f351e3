import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { ConfigError } from "../../core/errors.js";
import { planAction } from "../../router/action-plan.js";
import { withDatasetActions } from "./actions.js";
import { loadDataset } from "./load.js";

function dataset(dir: string, actions: unknown, action = "spot_number"): string {
  const header = { format: "tierlab-dataset", version: 1, name: "own-action", description: "", source: "test", license: "CC0-1.0", attribution: "", actions };
  const file = join(dir, "own.jsonl");
  writeFileSync(file, [header, { id: "a", action, input: "What is 2+2?", expected: 4, grader: "numeric" }].map((x) => JSON.stringify(x)).join("\n") + "\n");
  return file;
}

function error(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("actions a dataset declares", () => {
  it("run without a router config edit: the config's tiers in order, the template, checks and answer kind", () => {
    const fx = writeTestConfig();
    const ds = loadDataset(dataset(fx.dir, { spot_number: { answer: "number", template: "Q: {input}", max_tokens: 99, checks: [{ id: "non_empty" }] } }));
    const { config, declared } = withDatasetActions(fx.load(), ds);
    expect(Object.keys(declared)).toEqual(["spot_number"]);
    expect(config.data.actions.spot_number).toMatchObject({
      tier: "LOCAL_FAST",
      escalate: ["LOCAL_QUALITY", "API_FALLBACK"],
      template: "Q: {input}",
      max_tokens: 99,
      answer: "number",
    });
    const plan = planAction(config, "spot_number");
    expect(plan.messages("2+2").at(-1)!.content).toBe("Q: 2+2");
    expect(plan.tiers.map((t) => t.name)).toEqual(["LOCAL_FAST", "LOCAL_QUALITY", "API_FALLBACK"]);
    // The loaded config itself is untouched: the merge is per run.
    expect(fx.load().data.actions.spot_number).toBeUndefined();
  });

  it("a label task gets a label_set check from its labels; its own chain starts where it says", () => {
    const fx = writeTestConfig();
    const ds = loadDataset(dataset(fx.dir, { spot_number: { answer: "label", labels: ["4", "5"], tier: "LOCAL_QUALITY" } }));
    const a = withDatasetActions(fx.load(), ds).config.data.actions.spot_number!;
    expect(a.escalate).toEqual(["API_FALLBACK"]);
    expect(a.checks[0]).toMatchObject({ id: "label_set", labels: ["4", "5"] });
  });

  it("never overrides the config's own action of that name", () => {
    const fx = writeTestConfig();
    const ds = loadDataset(dataset(fx.dir, { classify: { answer: "text", tier: "API_FALLBACK" } }, "classify"));
    const { config, declared } = withDatasetActions(fx.load(), ds);
    expect(declared).toEqual({});
    expect(config.data.actions.classify!.tier).toBe("LOCAL_FAST");
  });

  it("a bad header is refused at the header's line with the field: shape at load, tiers and checks at merge", () => {
    const fx = writeTestConfig();
    const shape = error(() => loadDataset(dataset(fx.dir, { spot_number: { answer: "label" } })));
    expect(shape.message).toContain("own.jsonl:1: actions.spot_number.labels: `labels` goes with `answer: label`");
    expect(error(() => loadDataset(dataset(fx.dir, { spot_number: { answer: "float" } }))).message).toMatch(/own\.jsonl:1: actions\.spot_number\.answer: /);
    const ds = loadDataset(dataset(fx.dir, { spot_number: { answer: "number", tier: "GPU_TIER", checks: [{ id: "no_such_check" }] } }));
    const merged = error(() => withDatasetActions(fx.load(), ds));
    expect(merged.message).toContain('own.jsonl:1: actions.spot_number.tier: unknown tier "GPU_TIER"');
    expect(merged.message).toMatch(/actions\.spot_number\.checks\[0\]\.id: unknown check "no_such_check"/);
  });
});
