import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../core/exit-codes.js";
import { makeRecords, tempDir, writeRunFolder } from "../test-support/scenario-fixtures.js";
import { build, headlineOf } from "../test-support/scenario-helpers.js";

describe("regression report", () => {
  it("a head run that got worse fails the check with exit code 5, as bench compare does", async () => {
    const dir = tempDir();
    const base = writeRunFolder(dir, { runId: "base", createdAt: "2026-01-01T00:00:00.000Z" });
    // Same items and seed, but every answer wrong and 40 ms slower: a regression on both counts.
    const worse = makeRecords({ runId: "head" }).map((r) => ({
      ...r,
      e2e_ms: r.e2e_ms + 40,
      grade: { pass: false, reason: "differs", unparseable: null, extracted: null },
    }));
    const head = writeRunFolder(dir, { runId: "head", createdAt: "2026-01-02T00:00:00.000Z" }, worse);
    const r = await build("regression", ["--base", base, "--head", head, "--iterations", "500"], join(dir, "out"));
    expect(r.exitCode).toBe(EXIT.regression);
    const h = headlineOf(r.notebook, "Regression check");
    expect(h.status).toBe("fails");
    expect(h.value).toBe("regression in 4 of 4 groups");
    expect(r.notebook.generatedAt).toBe("2026-01-02T00:00:00.000Z");
    const again = await build("regression", ["--base", base, "--head", head, "--iterations", "500"], join(dir, "out2"));
    expect(again.markdown).toBe(r.markdown);
  });

  it("the same run against itself passes with exit code 0", async () => {
    const dir = tempDir();
    const base = writeRunFolder(dir, { runId: "same" });
    const r = await build("regression", ["--base", base, "--head", base, "--iterations", "200"], join(dir, "out"));
    expect(r.exitCode).toBe(EXIT.ok);
    expect(headlineOf(r.notebook, "Regression check").status).toBe("holds");
  });
});
