import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { calibrateRecords } from "../bench/calibrate/calibrate.js";
import { tempDir, makeRecords, writeRunFolder, HOSTILE_ANSWER } from "../test-support/scenario-fixtures.js";
import { build, chartTitles, headlineOf, tableWith } from "../test-support/scenario-helpers.js";

let dir: string;
let run: string;

beforeAll(() => {
  dir = tempDir();
  run = writeRunFolder(dir, { runId: "fixture-run", hostile: true });
});

describe("bench report", () => {
  it("computes pass rates from the run's records, and a changed record changes them", async () => {
    const a = await build("bench", ["--run", run], join(dir, "out-a"));
    const records = makeRecords({ runId: "fixture-run", hostile: true });
    const fast = records.filter((r) => r.model_id === "fast-a");
    const expected = (fast.filter((r) => r.grade!.pass).length / fast.length) * 100;
    expect(headlineOf(a.notebook, "Pass rate, fast-a").value).toBeCloseTo(expected, 10);
    expect(chartTitles(a.notebook)).toEqual([
      "End-to-end latency, cumulative",
      "Time to first token, cumulative",
      "Time per output token, cumulative",
      "Pass rate per action and model, with 95 % intervals",
    ]);
    // Flip every fast-a answer to right: the headline must follow the input file.
    const flipped = records.map((r) => (r.model_id === "fast-a" ? { ...r, grade: { pass: true, reason: "matches", unparseable: null, extracted: null } } : r));
    const run2 = writeRunFolder(join(dir, "changed"), { runId: "fixture-run", hostile: true }, flipped);
    const b = await build("bench", ["--run", run2], join(dir, "out-b"));
    expect(headlineOf(b.notebook, "Pass rate, fast-a").value).toBe(100);
    expect(a.notebook.inputs[0]!.sha256).not.toBe(b.notebook.inputs[0]!.sha256);
  });

  it("lists failed answers as text and renders the same bytes twice", async () => {
    const a = await build("bench", ["--run", run], join(dir, "twice-a"));
    const b = await build("bench", ["--run", run], join(dir, "twice-b"));
    expect(a.markdown).toBe(b.markdown);
    expect(readFileSync(a.htmlPath, "utf8")).toBe(readFileSync(b.htmlPath, "utf8"));
    expect(a.notebook.generatedAt).toBe("2026-01-01T10:00:00.000Z");
    const answers = tableWith(a.notebook, "Up to 12 per model");
    expect(answers.rows.some((r) => r[2] === HOSTILE_ANSWER)).toBe(true);
    // Escaped for markdown: no raw tag reaches a PR comment.
    expect(a.markdown).not.toContain("<script>");
    expect(a.markdown).toContain("\\<script\\>alert(1)\\</script\\>");
  });
});

describe("calibration report", () => {
  it("recomputes thresholds from the run and shows what they cost", async () => {
    const r = await build("calibration", ["--run", run], join(dir, "cal"));
    const records = makeRecords({ runId: "fixture-run", hostile: true });
    const { report } = calibrateRecords(records, { sourceRun: "fixture-run", now: () => new Date("2026-01-01T10:00:00.000Z") });
    expect(report.written).toBeGreaterThan(0);
    expect(headlineOf(r.notebook, "Thresholds chosen").value).toBe(`${report.written} of ${report.groups.length} groups`);
    expect(chartTitles(r.notebook)).toEqual(["Reliability diagram", "Risk–coverage curve"]);
    const chosen = report.groups.filter((g) => !g.risk_control.refused);
    const rows = r.notebook.cells.find((c) => c.kind === "table" && c.columns[1]?.label === "Threshold");
    expect(rows && rows.kind === "table" ? rows.rows.length : 0).toBe(chosen.length);
  });

  it("reads a calibration file's diagnostics, and refuses honestly for a small sample", async () => {
    const small = writeRunFolder(join(dir, "small"), { runId: "small-run", items: 8 });
    const records = makeRecords({ runId: "small-run", items: 8 });
    const { calibration } = calibrateRecords(records, { sourceRun: "small-run", now: () => new Date("2026-01-02T00:00:00.000Z") });
    const file = join(dir, "cal.json");
    writeFileSync(file, JSON.stringify(calibration));
    const fromFile = await build("calibration", ["--calibration", file], join(dir, "cal-file"));
    const fromRun = await build("calibration", ["--run", small], join(dir, "cal-run"));
    for (const r of [fromFile, fromRun]) {
      const h = headlineOf(r.notebook, "Thresholds chosen");
      expect(h.status).toBe("fails");
      expect(h.value).toBe("0 of 6 groups");
      expect(r.markdown).toContain("need at least 30 labelled items");
    }
    expect(fromFile.notebook.generatedAt).toBe("2026-01-02T00:00:00.000Z");
  });
});
