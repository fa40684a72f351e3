/**
 * The drift alarm's state: per action and tier, a rolling window of labels on kept answers (a shadow
 * check that disagreed, or feedback "wrong", is a wrong answer kept), its error estimate with a
 * Wilson interval, and the alarm when that interval lies above the action's α. The same estimates
 * come from the ledger's rows (doctor) or from live labels (the gateway's /metrics).
 */
import type { Interval } from "../../bench/stats/proportion.js";
import { alarmOn, errorInterval } from "./drift-math.js";
import type { Feedback, ShadowCheck } from "./records.js";

export interface Label {
  ts: string;
  action: string;
  tier: string;
  wrong: boolean;
  source: "shadow" | "feedback";
}

export interface DriftEstimate {
  action: string;
  tier: string;
  /** Labels in the window, and how many came from each source. */
  n: number;
  shadow: number;
  feedback: number;
  wrong: number;
  /** wrong / n; null with no labels. */
  error: number | null;
  interval: Interval;
  alpha: number;
  alarm: boolean;
}

export interface DriftOptions {
  window: number;
  minSamples: number;
  confidence: number;
  alphaFor: (action: string) => number;
}

/** Shadow verdicts and feedback as labels, oldest first. A shadow check without a verdict is no label. */
export function labelsFrom(shadow: readonly ShadowCheck[], feedback: readonly Feedback[]): Label[] {
  const out: Label[] = [];
  for (const s of shadow) if (s.agree !== null) out.push({ ts: s.ts, action: s.action, tier: s.tier, wrong: !s.agree, source: "shadow" });
  for (const f of feedback) out.push({ ts: f.ts, action: f.action, tier: f.tier, wrong: !f.right, source: "feedback" });
  // Stable: equal times keep shadow-then-feedback order.
  return out.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

interface Window {
  action: string;
  tier: string;
  labels: Label[];
  wrong: number;
  alarm: boolean;
}

export class DriftMonitor {
  private readonly windows = new Map<string, Window>();
  constructor(private readonly opts: DriftOptions) {}

  /** Adds a label; returns the estimate when this label turned the alarm on (else undefined). */
  add(label: Label): DriftEstimate | undefined {
    const key = `${label.action}\u0000${label.tier}`;
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = { action: label.action, tier: label.tier, labels: [], wrong: 0, alarm: false }));
    w.labels.push(label);
    if (label.wrong) w.wrong++;
    if (w.labels.length > this.opts.window) {
      const old = w.labels.shift()!;
      if (old.wrong) w.wrong--;
    }
    const e = this.estimateOf(w);
    const fired = e.alarm && !w.alarm;
    w.alarm = e.alarm;
    return fired ? e : undefined;
  }

  /** Forgets a window's labels: they describe kept answers under a threshold that no longer applies. */
  reset(action: string, tier: string): void {
    this.windows.delete(`${action}\u0000${tier}`);
  }

  clear(): void {
    this.windows.clear();
  }

  estimate(action: string, tier: string): DriftEstimate | undefined {
    const w = this.windows.get(`${action}\u0000${tier}`);
    return w && this.estimateOf(w);
  }

  estimates(): DriftEstimate[] {
    return [...this.windows.values()].map((w) => this.estimateOf(w)).sort((a, b) => (a.action + a.tier < b.action + b.tier ? -1 : 1));
  }

  private estimateOf(w: Window): DriftEstimate {
    const n = w.labels.length;
    const alpha = this.opts.alphaFor(w.action);
    const shadow = w.labels.filter((l) => l.source === "shadow").length;
    return {
      action: w.action,
      tier: w.tier,
      n,
      shadow,
      feedback: n - shadow,
      wrong: w.wrong,
      error: n ? w.wrong / n : null,
      interval: errorInterval(w.wrong, n, this.opts.confidence),
      alpha,
      alarm: alarmOn(w.wrong, n, { alpha, confidence: this.opts.confidence, minSamples: this.opts.minSamples }),
    };
  }
}

/** The estimates a set of ledger rows gives (doctor; a gateway's start). */
export function estimatesFrom(labels: readonly Label[], opts: DriftOptions): DriftEstimate[] {
  const m = new DriftMonitor(opts);
  for (const l of labels) m.add(l);
  return m.estimates();
}
