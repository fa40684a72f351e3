/** One reader and one finder for every consumer of a run: they agree on what a crash leaves behind. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRouterConfig } from "../../router/config/load.js";
import { findRunDir } from "../../scenarios/lib/inputs.js";
import { fitBench, readBenchRecords, resolveBenchRecords } from "../../simulator/bench-fit.js";
import { makeRecord } from "../../test-support/bench-records.js";
import { findRun, RunFolder } from "./run-folder.js";

function runWith(lines: string[]): { root: string; dir: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), "tierlab-runs-"));
  const dir = join(root, "results", "run-1");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "records.jsonl");
  writeFileSync(file, lines.join("\n"));
  return { root, dir, file };
}

const line = (id: string) => JSON.stringify(makeRecord({ item_id: id, action: "classify_memory" }));

describe("records.jsonl after a crash mid-append", () => {
  it("every reader (bench calibrate/compare/resume, simulate --from-bench, the reports) drops the torn last line alike", () => {
    const torn = line("c").slice(0, 40);
    const { root, dir, file } = runWith([line("a"), line("b"), torn]);
    expect(new RunFolder(dir).records().map((r) => r.item_id)).toEqual(["a", "b"]);
    expect(readBenchRecords(file).records.map((r) => r.item_id)).toEqual(["a", "b"]);
    const config = loadRouterConfig("config/router.embedded.yaml", { calibration: false });
    expect(fitBench(config, resolveBenchRecords("run-1", root)).records).toBe(2);
    expect(findRunDir(root, "run-1")).toBe(dir);
  });

  it("a bad line that is not the last is an error at its line in every reader", () => {
    const { dir, file } = runWith([line("a"), "{torn", line("c"), ""]);
    expect(() => new RunFolder(dir).records()).toThrow(`${file}:2: not valid JSON`);
    expect(() => readBenchRecords(file)).toThrow(`${file}:2: not valid JSON`);
  });
});

describe("findRun: a run id under results/, a run folder, or its records.jsonl", () => {
  it("finds the same run from each, relative to cwd", () => {
    const { root, dir, file } = runWith([line("a")]);
    for (const name of ["run-1", dir, "results/run-1", file, "results/run-1/records.jsonl"])
      expect(findRun(name, { cwd: root }), name).toEqual({ dir, recordsFile: file });
  });

  it("names every place it looked when nothing is there", () => {
    const { root } = runWith([line("a")]);
    expect(() => findRun("run-2", { cwd: root })).toThrow(/not a bench run: no records\.jsonl at .*run-2\/records\.jsonl or .*results\/run-2\/records\.jsonl/);
  });
});
