import { describe, expect, it } from "vitest";
import { wilsonInterval } from "../../bench/stats/proportion.js";
import { alarmCount, alarmOn, errorInterval, labelsToAlarmWithProbability, predictedLabelsToAlarm, zFor } from "./drift-math.js";

const rule = { alpha: 0.05, confidence: 0.95, minSamples: 30 };

describe("drift alarm math", () => {
  it("the interval is the bench's Wilson interval at the level's z; the alarm needs min_samples and the whole interval above α", () => {
    expect(zFor(0.95)).toBeCloseTo(1.959964, 5);
    const [ours, bench] = [errorInterval(7, 40, 0.95), wilsonInterval(7, 40)];
    expect(ours.lower).toBeCloseTo(bench.lower, 8);
    expect(ours.upper).toBeCloseTo(bench.upper, 8);
    expect(alarmOn(29, 29, rule)).toBe(false); // all wrong, but too few labels
    expect(alarmOn(17, 200, rule)).toBe(true);
    expect(alarmOn(16, 200, rule)).toBe(false);
    expect(alarmCount(200, rule)).toBe(17);
  });

  it("predicts fewer labels to detection for a larger jump, and a 90 % bound beyond the expected-count crossing", () => {
    const at = (after: number) => predictedLabelsToAlarm({ ...rule, before: 0.05, after, window: 200 })!;
    expect(at(0.15)).toBe(61);
    expect(at(0.3)).toBeLessThan(at(0.15));
    expect(predictedLabelsToAlarm({ ...rule, before: 0.05, after: 0.06, window: 200 })).toBeNull();
    const p90 = labelsToAlarmWithProbability({ ...rule, before: 0.05, after: 0.15, window: 200, probability: 0.9 })!;
    expect(p90).toBeGreaterThan(at(0.15));
    expect(labelsToAlarmWithProbability({ ...rule, before: 0.05, after: 0.15, window: 200, probability: 0.5 })!).toBeLessThanOrEqual(p90);
    // From an empty window the alarm can fire once min_samples labels exist and their interval clears α.
    expect(predictedLabelsToAlarm({ ...rule, before: 0, after: 0.5, window: 200, fromEmpty: true })).toBe(30);
  });
});
