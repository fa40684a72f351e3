import { describe, expect, it } from "vitest";
import { loadDataset } from "../../bench/dataset/load.js";
import { runDriftExperiment, type DriftExperimentOptions } from "./drift-experiment.js";
import { renderDriftReport, summariseDrift } from "./drift-report.js";

const problems = loadDataset("datasets/gsm8k-replay.jsonl")
  .items.slice(0, 200)
  .map((i): [string, number] => [i.input, Number(i.expected)]);
const options: DriftExperimentOptions = {
  problems,
  seeds: [1, 2, 3],
  before: 0.05,
  after: 0.15,
  warmup: 250,
  maxAfter: 500,
  shadowRate: 0.5,
  window: 200,
  minSamples: 30,
  confidence: 0.95,
  alpha: 0.05,
};

describe("scripted drift through the real shadow path", () => {
  it("detects a 5 % → 15 % step in every run, the same way for the same seeds, and the report shows predicted next to observed", async () => {
    const a = await runDriftExperiment(options);
    expect(a.predicted).toEqual({ alarmCount: 17, expected: 61, p90: 121 });
    expect(a.runs.every((r) => r.labelsToAlarm !== null && r.labelsToAlarm > 0)).toBe(true);
    expect(await runDriftExperiment(options)).toEqual(a);
    const s = summariseDrift(a);
    expect(s.missed).toBe(0);
    const md = renderDriftReport(a);
    expect(md).toContain("| predicted, expected counts (window mean crosses the alarm line of 17 wrong in 200) | 61 |");
    expect(md).toContain(`| observed median (p90, max) | ${Math.round(s.median!)} `);
    // No detection before the change can count: a step to the old rate is never detected.
    const flat = await runDriftExperiment({ ...options, seeds: [1], after: 0.05, maxAfter: 150 });
    expect(flat.runs[0]!.labelsToAlarm === null || flat.runs[0]!.alarmBeforeChange).toBe(true);
  }, 60_000);
});
