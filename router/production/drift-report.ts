/** The drift experiment's result as markdown: predicted alarm latency next to what the runs showed. */
import { quantileSorted } from "simple-statistics";
import type { DriftExperimentResult } from "./drift-experiment.js";

export interface DriftSummary {
  /** Runs whose alarm was off when the change came (the others measure nothing). */
  judged: number;
  falseAlarmRuns: number;
  missed: number;
  median: number | null;
  p90: number | null;
  max: number | null;
  withinExpected: number;
  withinP90: number;
}

export function summariseDrift(r: DriftExperimentResult): DriftSummary {
  const judged = r.runs.filter((x) => !x.alarmAtChange);
  const lat = judged
    .map((x) => x.labelsToAlarm)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  const within = (k: number | null) => (k === null ? 0 : lat.filter((x) => x <= k).length);
  return {
    judged: judged.length,
    falseAlarmRuns: r.runs.filter((x) => x.alarmBeforeChange).length,
    missed: judged.length - lat.length,
    median: lat.length ? quantileSorted(lat, 0.5) : null,
    p90: lat.length ? quantileSorted(lat, 0.9) : null,
    max: lat.at(-1) ?? null,
    withinExpected: within(r.predicted.expected),
    withinP90: within(r.predicted.p90),
  };
}

export function renderDriftReport(r: DriftExperimentResult): string {
  const o = r.options;
  const s = summariseDrift(r);
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const fmt = (x: number | null) => (x === null ? "n/a" : String(Math.round(x)));
  const share = (n: number) => (s.judged ? `${n} of ${s.judged} (${pct(n / s.judged)})` : "n/a");
  return [
    "# Drift alarm: labels to detection, predicted and observed",
    "",
    `Scripted drift on a replayed stream (${o.problems} GSM8K problems from datasets/gsm8k-replay.jsonl, cycled): the local model keeps ${pct(o.before)} wrong answers, then ${pct(o.after)} after ${o.warmup} shadow labels. Shadow rate ${pct(o.shadowRate)}, window ${o.window} labels, ${pct(o.confidence)} Wilson interval, alarm when its lower end is above α = ${o.alpha} with at least ${o.minSamples} labels. ${o.seeds.length} seeded runs (seeds ${o.seeds[0]}–${o.seeds.at(-1)}). The answers are **scripted** (right or off by one at the set rate) and compared by the real shadow path (router/answers); the counts are **measured** on these runs, the predictions **computed** from the interval math (router/production/drift-math.ts).`,
    "",
    "| | shadow labels after the change |",
    "| --- | --- |",
    `| predicted, expected counts (window mean crosses the alarm line of ${r.predicted.alarmCount} wrong in ${o.window}) | ${r.predicted.expected ?? "never"} |`,
    `| predicted bound: fired with probability ≥ 90 % | ${r.predicted.p90 ?? "never"} |`,
    `| observed median (p90, max) | ${fmt(s.median)} (${fmt(s.p90)}, ${fmt(s.max)}) |`,
    `| runs detected within the expected-count prediction | ${share(s.withinExpected)} |`,
    `| runs detected within the 90 % bound | ${share(s.withinP90)} |`,
    `| runs never detected within ${o.maxAfter} labels | ${s.missed} |`,
    `| runs with a false alarm before the change (at ${pct(o.before)} = α) | ${s.falseAlarmRuns} of ${r.runs.length}${r.runs.length - s.judged ? `; ${r.runs.length - s.judged} still on at the change, left out above` : ""} |`,
    `Requests routed per run: ${Math.round(r.runs.reduce((t, x) => t + x.requests, 0) / Math.max(1, r.runs.length))} on average (each accepted local answer is shadow-checked with probability ${o.shadowRate}).`,
    "",
  ].join("\n");
}
