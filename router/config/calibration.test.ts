import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CALIBRATION_VERSION, loadCalibration } from "./calibration.js";

const v1 = {
  version: 1,
  created_at: "2026-12-01T00:00:00.000Z",
  source_run: "run-a",
  method: "risk_control",
  params: { alpha: 0.05, delta: 0.1 },
  thresholds: [{ action: "classify_memory", tier: "LOCAL_FAST", threshold: 0.8, method: "risk_control", n: 60 }],
};

function write(obj: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), "tierlab-cal-")), "calibration.json");
  writeFileSync(file, JSON.stringify(obj));
  return file;
}

describe("loadCalibration", () => {
  it("reads a version 1 file as version 2 with no scorers, policies or final accuracies", () => {
    const c = loadCalibration(write(v1))!;
    expect(c.version).toBe(CALIBRATION_VERSION);
    expect(c.thresholds).toEqual(v1.thresholds);
    expect(c.scorers).toEqual([]);
    expect(c.policies).toEqual([]);
    expect(c.final_accuracy).toEqual([]);
  });

  it("names the field of a bad version 2 policy cell", () => {
    const bad = {
      ...v1,
      version: 2,
      policies: [
        {
          action: "a",
          kind: "cascade",
          recommended: true,
          alpha: 0.05,
          delta: 0.1,
          evidence: "replayed",
          reason: "r",
          held_out: null,
          expected: { n: 1, accuracy: 1, accuracy_ci95: { lower: 0, upper: 1 }, api_share: 0, cost_per_1k_usd: 0, kept_error: 0, kept_error_upper: 0.9 },
          cells: [
            {
              cell: "LOCAL_FAST",
              tier: "LOCAL_FAST",
              local: true,
              models: ["m"],
              calls: 1,
              threshold: 0.5,
              basis: "p_correct",
              accept: { k: 5, n: 4 },
              correct_if_accepted: { k: 1, n: 1 },
            },
          ],
        },
      ],
    };
    expect(() => loadCalibration(write(bad))).toThrow(/calibration\.json:1: policies\[0\]\.cells\[0\]\.accept: k must not exceed n/);
  });

  it("refuses an unknown version with what is allowed", () => {
    expect(() => loadCalibration(write({ ...v1, version: 3 }))).toThrow(/version must be 1 or 2/);
  });
});
