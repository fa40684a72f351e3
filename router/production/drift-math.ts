/**
 * The interval math of the drift alarm: a Wilson interval on the kept-answer error of a rolling
 * window, the alarm rule (enough labels, interval entirely above α), and the number of labels after
 * a step change in the error rate at which the rule fires on the expected counts: the prediction
 * the scripted-drift experiment checks.
 */
import { probit } from "simple-statistics";
import { wilsonInterval, wilsonIntervalOfRate, type Interval } from "../../bench/stats/proportion.js";

export interface AlarmRule {
  alpha: number;
  /** Two-sided level of the interval. */
  confidence: number;
  minSamples: number;
}

export const zFor = (confidence: number): number => probit(1 - (1 - confidence) / 2);

export function errorInterval(wrong: number, n: number, confidence: number): Interval {
  return wilsonInterval(wrong, n, { z: zFor(confidence) });
}

/** The alarm: at least minSamples labels and the whole interval above α. */
export function alarmOn(wrong: number, n: number, rule: AlarmRule): boolean {
  return n >= rule.minSamples && errorInterval(wrong, n, rule.confidence).lower > rule.alpha;
}

/**
 * Labels after the change until the alarm fires on expected counts: a full window of `window`
 * labels at error `before`, then labels at error `after` replace the oldest one by one. After k new
 * labels the window holds before·(window − k) + after·k wrong answers in expectation; the answer is
 * the smallest k whose Wilson lower end is above α, or null when even a window all at `after`
 * never gets there. A window that starts empty (no history) is the case fromEmpty.
 */
export function predictedLabelsToAlarm(args: AlarmRule & { before: number; after: number; window: number; fromEmpty?: boolean }): number | null {
  const z = zFor(args.confidence);
  for (let k = 1; k <= args.window; k++) {
    const n = args.fromEmpty ? k : args.window;
    if (n < args.minSamples) continue;
    const rate = args.fromEmpty ? args.after : (args.before * (args.window - k) + args.after * k) / args.window;
    if (wilsonIntervalOfRate(rate, n, { z }).lower > args.alpha) return k;
  }
  return null;
}
