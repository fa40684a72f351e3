/**
 * The interval math of the drift alarm: a Wilson interval on the kept-answer error of a rolling
 * window, the alarm rule (enough labels, interval entirely above α), and the number of labels after
 * a step change in the error rate at which the rule fires on the expected counts: the prediction
 * the scripted-drift experiment checks.
 */
import { wilsonInterval, wilsonIntervalOfRate, type Interval } from "../../bench/stats/proportion.js";
// Acklam's quantile (relative error < 1.2e-9); simple-statistics' probit is off by ~3e-3 at 0.975.
import { normalQuantile } from "../../simulator/distributions.js";

export interface AlarmRule {
  alpha: number;
  /** Two-sided level of the interval. */
  confidence: number;
  minSamples: number;
}

export const zFor = (confidence: number): number => normalQuantile(1 - (1 - confidence) / 2);

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

/** The fewest wrong labels in a full window of `window` at which the alarm fires. */
export function alarmCount(window: number, rule: AlarmRule): number | null {
  for (let c = 0; c <= window; c++) if (alarmOn(c, window, rule)) return c;
  return null;
}

function binomialPmf(n: number, p: number): Float64Array {
  const out = new Float64Array(n + 1);
  if (p <= 0) out[0] = 1;
  else if (p >= 1) out[n] = 1;
  else {
    // Recurrence from the mode outward would be steadier; from 0 in log space is exact enough for n ≤ 10^4.
    let logP = n * Math.log1p(-p);
    const r = p / (1 - p);
    for (let k = 0; k <= n; k++) {
      out[k] = Math.exp(logP);
      logP += Math.log(((n - k) / (k + 1)) * r);
    }
  }
  return out;
}

/**
 * A bound rather than a typical value: the labels after the change by which the alarm has fired
 * with probability at least `probability`. At k new labels a full window holds Binomial(window − k,
 * before) + Binomial(k, after) wrong ones; the alarm has surely fired by then if that count reached
 * alarmCount, so P(fired by k) ≥ P(count ≥ alarmCount), and the smallest k where the right side
 * reaches `probability` is returned (null if none within the window, or never at `after`).
 */
export function labelsToAlarmWithProbability(args: AlarmRule & { before: number; after: number; window: number; probability: number }): number | null {
  const c = alarmCount(args.window, args);
  if (c === null) return null;
  for (let k = 1; k <= args.window; k++) {
    const a = binomialPmf(args.window - k, args.before);
    const b = binomialPmf(k, args.after);
    let below = 0;
    for (let i = 0; i < a.length && i < c; i++) for (let j = 0; j < b.length && i + j < c; j++) below += a[i]! * b[j]!;
    if (1 - below >= args.probability) return k;
  }
  return null;
}
