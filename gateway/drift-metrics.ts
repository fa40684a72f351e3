/**
 * The drift alarm and shadow checks on /metrics, read from the router's Production at each scrape:
 * kept-answer error per action and tier with its interval, the action's α, the alarm, and counts of
 * shadow checks by outcome.
 */
import { Gauge, type Registry } from "prom-client";
import type { Production } from "../router/production/production.js";

export function driftGauges(production: Production, registers: Registry[]): void {
  const perWindow = (name: string, help: string, value: (e: ReturnType<Production["estimates"]>[number]) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ["action", "tier"],
      registers,
      collect() {
        this.reset();
        for (const e of production.estimates()) {
          const v = value(e);
          if (v !== null) this.set({ action: e.action, tier: e.tier }, v);
        }
      },
    });
  perWindow("tierlab_drift_labels", "labels (shadow verdicts and feedback) in the rolling window", (e) => e.n);
  perWindow("tierlab_drift_error", "kept-answer error in the window: wrong labels / labels", (e) => e.error);
  perWindow("tierlab_drift_error_lower", "lower end of the Wilson interval on the kept-answer error", (e) => e.interval.lower);
  perWindow("tierlab_drift_error_upper", "upper end of the Wilson interval on the kept-answer error", (e) => e.interval.upper);
  perWindow("tierlab_drift_alpha", "the action's target error α", (e) => e.alpha);
  perWindow("tierlab_drift_alarm", "1 when the whole interval lies above α (and the window has min_samples labels)", (e) => (e.alarm ? 1 : 0));
  new Gauge({
    name: "tierlab_shadow_checks",
    help: "shadow checks since start, by outcome: sampled, checked, skipped_budget, skipped_busy, failed",
    labelNames: ["outcome"],
    registers,
    collect() {
      const s = production.shadow?.stats;
      if (!s) return;
      this.set({ outcome: "sampled" }, s.sampled);
      this.set({ outcome: "checked" }, s.checked);
      this.set({ outcome: "skipped_budget" }, s.skippedBudget);
      this.set({ outcome: "skipped_busy" }, s.skippedBusy);
      this.set({ outcome: "failed" }, s.failed);
    },
  });
}
