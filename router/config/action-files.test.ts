import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { REPO_ROOT } from "../../test-support/models.js";
import { testConfigData, writeTestConfig } from "../../test-support/router-fixture.js";
import { ConfigError } from "../../core/errors.js";
import { loadRouterConfig } from "./load.js";

/** The fixture config with its action table split over files. */
function withActionFiles(files: Record<string, unknown>, list: string[]): () => unknown {
  const fx = writeTestConfig();
  for (const [name, table] of Object.entries(files)) writeFileSync(join(fx.dir, name), stringify(table));
  writeFileSync(fx.file, stringify({ ...testConfigData(), actions: list }));
  return () => loadRouterConfig(fx.file);
}

const classify = (testConfigData().actions as Record<string, unknown>).classify;

describe("a list of action files", () => {
  it("merges them in order: the replay config gets the seed's actions and the replay tasks with their targets", () => {
    const c = loadRouterConfig(join(REPO_ROOT, "config/router.replay.yaml"), { calibration: false });
    expect(c.data.actions.classify_memory).toBeDefined();
    expect(c.data.actions.grade_school_math).toMatchObject({ answer: "number", alpha: 0.05, delta: 0.1, accuracy_reference: "gpt-4o" });
    expect(c.data.actions.code_output_prediction).toMatchObject({ answer: "python_literal" });
  });

  it("refuses an action defined in two files, naming the config line", () => {
    const load = withActionFiles({ "a.yaml": { classify }, "b.yaml": { classify } }, ["a.yaml", "b.yaml"]);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/router\.yaml:\d+: actions\.1: b\.yaml defines classify again/);
  });

  it("points a bad field at its own file and line", () => {
    const load = withActionFiles({ "a.yaml": { classify }, "b.yaml": { other: { tier: "NOPE" } } }, ["a.yaml", "b.yaml"]);
    expect(load).toThrow(/b\.yaml:2: other\.tier: unknown tier "NOPE"/);
  });

  it("checks a verifier's model id against the tiers", () => {
    const load = withActionFiles({ "a.yaml": { classify: { ...(classify as object), verifier: { model: "judge" } } } }, ["a.yaml"]);
    expect(load).toThrow(/classify\.verifier\.model: unknown model id "judge"/);
  });
});
