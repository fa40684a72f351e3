import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { CalibrationSchema } from "../../router/config/calibration.js";
import { loadRouterConfig } from "../../router/config/load.js";
import { thresholdFor } from "../../router/policy/escalation.js";
import { clopperPearsonUpper } from "../stats/proportion.js";
import type { BenchRecord } from "../contracts/bench-record.js";
import { calibrateRecords, type GroupReport } from "./calibrate.js";
import { runCommandModule } from "../../test-support/calibrate-cli.js";
import { makeRecord, writeRun } from "../../test-support/bench-records.js";

/**
 * 100 right answers scoring 0.8, 0.802, …, 0.998 and 100 wrong ones scoring 0.79, 0.788, …, 0.592:
 * with alpha 0.04 and delta 0.05 risk control stops at 0.8 (checked below), and the 0.5 quantile
 * lies halfway between the two groups, at 0.795.
 */
function split(over: { action?: string; tier?: string } = {}): BenchRecord[] {
  return [
    ...Array.from({ length: 100 }, (_, i) => makeRecord({ ...over, item_id: `r${i}`, confidence: 0.8 + 0.002 * i, pass: true })),
    ...Array.from({ length: 100 }, (_, i) => makeRecord({ ...over, item_id: `w${i}`, confidence: 0.79 - 0.002 * i, pass: false })),
  ];
}

const OPTS = { sourceRun: "run-test", alpha: 0.04, delta: 0.05, share: 0.5, now: () => new Date("2026-01-02T03:04:05Z") };

function group(groups: GroupReport[], action: string, tier: string | null): GroupReport {
  const g = groups.find((x) => x.action === action && x.tier === tier);
  if (!g) throw new Error(`no group ${action}/${tier}`);
  return g;
}

describe("calibrateRecords", () => {
  it("picks the known risk-control threshold and reports both methods", () => {
    expect(clopperPearsonUpper(0, 100)).toBeLessThan(0.04);
    expect(clopperPearsonUpper(1, 101)).toBeGreaterThan(0.04);
    const { calibration, report } = calibrateRecords(split(), OPTS);
    expect(calibration.thresholds).toEqual([
      { action: "classify", tier: "LOCAL_FAST", threshold: 0.8, method: "risk_control", n: 200, expected_escalation_rate: 0.5, expected_accepted_accuracy: 1 },
    ]);
    const g = group(report.groups, "classify", "LOCAL_FAST");
    expect(g.escalation_share).toMatchObject({ refused: false, coverage: 0.5, accepted_accuracy: 1 });
    if (!g.escalation_share.refused) expect(g.escalation_share.threshold).toBeCloseTo(0.795, 12);
    expect(g.auroc).toBe(1);
    expect(g.reliability).toHaveLength(15);
    expect(g.risk_coverage).toHaveLength(200);
    expect(calibration).toMatchObject({ source_run: "run-test", created_at: "2026-01-02T03:04:05.000Z", params: { alpha: 0.04, delta: 0.05, share: 0.5 } });
  });

  it("writes the escalation-share threshold when asked", () => {
    const { calibration } = calibrateRecords(split(), { ...OPTS, method: "escalation_share" });
    expect(calibration.method).toBe("escalation_share");
    expect(calibration.thresholds).toHaveLength(1);
    expect(calibration.thresholds[0]!.method).toBe("escalation_share");
    expect(calibration.thresholds[0]!.threshold).toBeCloseTo(0.795, 12);
  });

  it("leaves warm-up, failed and ungraded records out of the statistics and counts them", () => {
    // Each of these, if counted, puts a wrong answer at the top and makes risk control refuse.
    const noise = [
      makeRecord({ item_id: "warm", warmup: true, confidence: 0.9999, pass: false }),
      makeRecord({ item_id: "err", error: "TimeoutError" }),
      makeRecord({ item_id: "ungraded", confidence: 0.9999, pass: null }),
    ];
    const { calibration, report } = calibrateRecords([...noise, ...split()], OPTS);
    expect(calibration.thresholds[0]?.threshold).toBe(0.8);
    expect(report.excluded).toEqual({ warmup: 1, errors: 1, ungraded: 1, without_confidence: 0 });
    expect(group(report.groups, "classify", "LOCAL_FAST")).toMatchObject({ n: 200, errors: 1, ungraded: 1 });
  });

  it("refuses an action with too few items, gives the reason and writes nothing for it", () => {
    const few = Array.from({ length: 12 }, (_, i) => makeRecord({ action: "summarize", item_id: `s${i}`, confidence: 0.9, pass: true }));
    const { calibration, report } = calibrateRecords([...split(), ...few], OPTS);
    expect(calibration.thresholds.map((t) => t.action)).toEqual(["classify"]);
    expect(report.refused_actions).toEqual(["summarize"]);
    const g = group(report.groups, "summarize", "LOCAL_FAST");
    expect(g.written).toBe(false);
    expect(g.risk_control).toMatchObject({ refused: true });
    if (g.risk_control.refused) expect(g.risk_control.reason).toMatch(/need at least 30 labelled items for action summarize on tier LOCAL_FAST.*have 12/);
    expect(g.fallback).toMatch(/config's threshold for summarize/);
  });

  it("writes per-tier entries and an action-wide one when the action was measured on several tiers", () => {
    const records = [...split({ tier: "LOCAL_FAST" }), ...split({ tier: "LOCAL_QUALITY" })];
    const { calibration, report } = calibrateRecords(records, OPTS);
    expect(calibration.thresholds.map((t) => [t.tier ?? "*", t.n])).toEqual([
      ["LOCAL_FAST", 200],
      ["LOCAL_QUALITY", 200],
      ["*", 400],
    ]);
    expect(report.groups.map((g) => g.tier)).toEqual(["LOCAL_FAST", "LOCAL_QUALITY", null]);
  });

  it("rejects options the stats functions cannot use", () => {
    expect(() => calibrateRecords(split(), { ...OPTS, alpha: 1.5 })).toThrow(/--alpha must be in \(0, 1\)/);
  });
});

describe("calibrate command", () => {
  const COMMAND = { modulePath: "cli/bench/calibrate-command.ts", exportName: "calibrateCommand" };

  it("writes a file the router loads and thresholdFor returns, at the config's calibration path", () => {
    const fx = writeTestConfig();
    const run = writeRun(split());
    const r = runCommandModule({ ...COMMAND, argv: ["calibrate", run, "--config", fx.file, "--alpha", "0.04", "--delta", "0.05"] });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/classify\s+LOCAL_FAST\s+200\s+50\.0 %\s+1\.000\s+\S+\s+0\.800\s+50\.0 %/);
    const file = join(fx.dir, "calibration.json");
    expect(CalibrationSchema.safeParse(JSON.parse(readFileSync(file, "utf8"))).success).toBe(true);
    const config = loadRouterConfig(fx.file, { calibration: file });
    expect(thresholdFor(config, "classify", "LOCAL_FAST")).toEqual({ threshold: 0.8, source: "calibration" });
    // The entry is tier-specific: another tier keeps the config's threshold.
    expect(thresholdFor(config, "classify", "LOCAL_QUALITY")).toEqual({ threshold: 0.7, source: "default" });
  });

  it("exits 2 and leaves the file alone when nothing can be calibrated", () => {
    const fx = writeTestConfig();
    const run = writeRun(split().slice(0, 20));
    const out = join(fx.dir, "cal.json");
    const r = runCommandModule({ ...COMMAND, argv: ["calibrate", run, "--out", out, "--json"] });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing could be calibrated/);
    const printed = JSON.parse(r.stdout) as { file: string | null; calibration: { thresholds: unknown[] } };
    expect(printed).toMatchObject({ file: null, calibration: { thresholds: [] } });
    expect(() => readFileSync(out)).toThrow(/ENOENT/);
  });
});
