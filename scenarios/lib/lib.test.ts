import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { headline, notebook } from "../../reports/notebook.js";
import { ecdf, exceedanceChart } from "./charts.js";
import { createContext, sha256File } from "./context.js";
import { summaryText } from "./execute.js";
import { runScenario } from "./registry.js";
import { tempDir } from "../../test-support/scenario-fixtures.js";
import { overallVerdict } from "./seed-checks.js";

describe("scenario context", () => {
  it("stamps from the inputs unless --generated-at is given; `now` uses the injected clock", () => {
    const base = { "out-dir": "x" };
    expect(createContext({ args: base, gitCommit: null }).stamp("2026-01-01T00:00:00Z")).toBe("2026-01-01T00:00:00Z");
    expect(createContext({ args: { ...base, "generated-at": "release 1.2" }, gitCommit: null }).stamp("x")).toBe("release 1.2");
    expect(createContext({ args: { ...base, "generated-at": "now" }, gitCommit: null, now: () => new Date("2030-05-05T05:05:05Z") }).stamp("x")).toBe(
      "2030-05-05T05:05:05.000Z",
    );
  });

  it("hashes inputs, lists a file once, prefers the entry hashed here, and ends with tierlab's commit", () => {
    const dir = tempDir();
    const file = join(dir, "a.json");
    writeFileSync(file, "{}\n");
    const ctx = createContext({ args: { "out-dir": "x" }, cwd: dir, gitCommit: "1234567abc" });
    ctx.input({ name: "relayed", path: file, sha256: sha256File(file) });
    ctx.input({ name: "hashed here", path: "a.json", seed: 4 });
    ctx.input({ name: "again", path: file });
    const inputs = ctx.inputs();
    expect(inputs).toEqual([
      { name: "hashed here", path: "a.json", sha256: sha256File(file), seed: 4 },
      { name: "tierlab", path: ".", gitCommit: "1234567abc", note: "the code that computed every figure in this report" },
    ]);
    expect(() => ctx.input({ name: "missing", path: "nope.json" })).toThrow(/does not exist/);
  });
});

describe("helpers", () => {
  it("ecdf gives the share at or below each distinct value and thins long series keeping both ends", () => {
    expect(ecdf([3, 1, 2, 2])).toEqual([
      { value: 1, p: 0.25 },
      { value: 2, p: 0.75 },
      { value: 3, p: 1 },
    ]);
    const long = ecdf(
      Array.from({ length: 1000 }, (_x, i) => i),
      50,
    );
    expect(long).toHaveLength(50);
    expect(long[0]).toEqual({ value: 0, p: 0.001 });
    expect(long[49]).toEqual({ value: 999, p: 1 });
  });

  it("exceedance uses a log axis only for wide ranges", () => {
    const narrow = exceedanceChart({
      title: "t",
      rows: [
        { profile: "a", routing: "hybrid", usd: 10, p: 1 },
        { profile: "a", routing: "hybrid", usd: 12, p: 0 },
      ],
      costLabel: "Cost",
    });
    const wide = exceedanceChart({
      title: "t",
      rows: [
        { profile: "a", routing: "hybrid", usd: 1, p: 1 },
        { profile: "b", routing: "hybrid", usd: 300, p: 0 },
      ],
      costLabel: "Cost",
    });
    const scale = (c: typeof narrow) => ((c.spec.encoding as Record<string, Record<string, unknown>>).x!.scale as { type?: string } | undefined)?.type;
    expect(scale(narrow)).toBeUndefined();
    expect(scale(wide)).toBe("log");
  });

  it("a seed claim inconsistent with its own arithmetic stays inconsistent whatever the simulation says", () => {
    const mix = "the assumed mix",
      profile = "the medium profile";
    expect(overallVerdict({ verdict: "inconsistent", text: "" }, { verdict: "holds", text: "" }, mix)).toEqual({
      status: "inconsistent",
      text: "inconsistent",
    });
    // A simulation runs on our assumptions: what it rules out says so.
    expect(overallVerdict({ verdict: "holds", text: "" }, { verdict: "fails", text: "" }, mix)).toEqual({
      status: "fails",
      text: "fails under the assumed mix",
    });
    expect(overallVerdict(null, { verdict: "fails", text: "" }, profile)).toEqual({ status: "implausible", text: "implausible, assuming the medium profile" });
    expect(overallVerdict({ verdict: "fails", text: "" }, null, "")).toEqual({ status: "fails", text: "fails" });
    expect(overallVerdict(null, { verdict: "uncertain", text: "" }, mix)).toEqual({ status: "info", text: "uncertain" });
    expect(overallVerdict({ verdict: "holds", text: "" }, null, "")).toEqual({ status: "holds", text: "holds" });
    // Nothing to check against is its own verdict, never "uncertain".
    expect(overallVerdict({ verdict: "not_checked", text: "" }, null, "")).toEqual({ status: "not_checked", text: "not checked" });
    expect(overallVerdict(null, null, "")).toEqual({ status: "not_checked", text: "not checked" });
  });

  it("prints headline figures with their status, then the notes and both paths", () => {
    const nb = notebook({
      id: "x",
      title: "T",
      generatedAt: "g",
      inputs: [],
      cells: [
        headline({ label: "Cost", value: 12.5, unit: "USD", digits: 2, status: "info" }),
        headline({ label: "Savings", value: 40, unit: "%", status: "fails" }),
      ],
    });
    expect(summaryText(nb, { html: "o/x.html", md: "o/x.md" }, ["P(a) = 1 %"])).toBe(
      "T\n  Cost     12.50 USD\n  Savings  40 %  [fails]\n\n  P(a) = 1 %\n\nHTML report:     o/x.html\nMarkdown report: o/x.md\n",
    );
  });

  it("runScenario names what is wrong instead of exiting: unknown report, missing flag", async () => {
    const quiet = { print: () => undefined, log: () => undefined };
    await expect(runScenario("nope", [], quiet)).rejects.toThrow(/no report named "nope".*/);
    await expect(runScenario("regression", ["--base", "x"], quiet)).rejects.toThrow(/Missing required argument: head/);
  });
});
