/**
 * The scripted-drift experiment: a stream of GSM8K problems (datasets/gsm8k-replay.jsonl) through a
 * real Router with shadow checks on, whose local model keeps `before` wrong answers until `warmup`
 * shadow labels exist and `after` from then on. Each run reports after how many shadow labels past
 * the change the alarm is on; the interval math (drift-math.ts) predicts that number. Everything is
 * seeded: the same options give the same bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadRouterConfig } from "../config/load.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { Router } from "../router.js";
import { createRng } from "../../core/rng.js";
import { alarmCount, labelsToAlarmWithProbability, predictedLabelsToAlarm } from "./drift-math.js";
import { DriftingProvider } from "./drifting-provider.js";
import { Production } from "./production.js";

export const DRIFT_EXPERIMENT_VERSION = 1 as const;

export interface DriftExperimentOptions {
  /** [prompt, right answer] pairs, streamed in order and cycled. */
  problems: Array<[string, number]>;
  seeds: number[];
  before: number;
  after: number;
  /** Shadow labels before the change (the window fills first). */
  warmup: number;
  /** Give up on a run this many labels after the change. */
  maxAfter: number;
  shadowRate: number;
  window: number;
  minSamples: number;
  confidence: number;
  alpha: number;
}

export interface DriftRun {
  seed: number;
  requests: number;
  /** The alarm was on at some point before the change (a false alarm at the old rate). */
  alarmBeforeChange: boolean;
  /** It was still on when the change came: the run's latency says nothing about detection. */
  alarmAtChange: boolean;
  /** Shadow labels after the change until the alarm was on; null when it never was within maxAfter. */
  labelsToAlarm: number | null;
}

export interface DriftExperimentResult {
  version: typeof DRIFT_EXPERIMENT_VERSION;
  options: Omit<DriftExperimentOptions, "problems"> & { problems: number };
  predicted: { alarmCount: number | null; expected: number | null; p90: number | null };
  runs: DriftRun[];
}

export async function runDriftExperiment(o: DriftExperimentOptions): Promise<DriftExperimentResult> {
  const runs: DriftRun[] = [];
  for (const seed of o.seeds) runs.push(await oneRun(o, seed));
  const rule = { alpha: o.alpha, confidence: o.confidence, minSamples: o.minSamples };
  return {
    version: DRIFT_EXPERIMENT_VERSION,
    options: { ...o, problems: o.problems.length },
    predicted: {
      alarmCount: alarmCount(o.window, rule),
      expected: predictedLabelsToAlarm({ ...rule, before: o.before, after: o.after, window: o.window }),
      p90: labelsToAlarmWithProbability({ ...rule, before: o.before, after: o.after, window: o.window, probability: 0.9 }),
    },
    runs,
  };
}

async function oneRun(o: DriftExperimentOptions, seed: number): Promise<DriftRun> {
  const dir = mkdtempSync(join(tmpdir(), "tierlab-drift-"));
  const answers = new Map(o.problems);
  // Independent streams: the shadow sampler must not see the same draws as the model's errors.
  const streams = createRng(seed);
  const local = new DriftingProvider({ name: "local", answers, errorRate: o.before, seed: streams.fork(1).nextUint32() });
  const api = new DriftingProvider({ name: "api", answers, errorRate: 0, seed: streams.fork(2).nextUint32() });
  writeFileSync(
    join(dir, "prices.json"),
    JSON.stringify({
      version: 1,
      taken: "2026-12-05",
      source: "experiment",
      currency: "USD",
      models: { api: { input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5 } },
    }),
  );
  writeFileSync(
    join(dir, "router.yaml"),
    stringify({
      version: 1,
      providers: { local: { kind: "scripted" }, api: { kind: "scripted" } },
      tiers: {
        LOCAL: { local: true, models: [{ id: "local", provider: "local", model: "local" }] },
        API: { local: false, models: [{ id: "api", provider: "api", model: "api" }] },
      },
      actions: {
        grade_school_math: { tier: "LOCAL", escalate: ["API"], answer: "number", threshold: 0.5, checks: [{ id: "required_fields", fields: ["answer"] }] },
      },
      shadow: { rate: o.shadowRate, seed: streams.fork(3).nextUint32(), budget: { period: "day", limit_usd: 1e6 } },
      drift: { window: o.window, min_samples: o.minSamples, confidence: o.confidence },
    }),
  );
  const config = loadRouterConfig(join(dir, "router.yaml"));
  const ledger = new SqliteLedger(":memory:");
  const production = await Production.open({ config, ledger });
  const router = new Router({ config, ledger, production, providers: { providers: { local, api } }, newId: counterIds() });
  let changedAt: number | undefined;
  let alarmBeforeChange = false;
  let alarmAtChange = false;
  let requests = 0;
  try {
    for (let i = 0; ; i++) {
      const [prompt] = o.problems[i % o.problems.length]!;
      await router.route({ action: "grade_school_math", prompt });
      await production.drain();
      requests++;
      const labels = production.shadow!.stats.checked;
      const alarm = production.monitor.estimate("grade_school_math", "LOCAL")?.alarm ?? false;
      if (changedAt === undefined) {
        alarmBeforeChange ||= alarm;
        if (labels >= o.warmup) {
          changedAt = labels;
          alarmAtChange = alarm;
          local.errorRate = o.after;
        }
        continue;
      }
      const since = labels - changedAt;
      if (since > 0 && alarm) return { seed, requests, alarmBeforeChange, alarmAtChange, labelsToAlarm: since };
      if (since >= o.maxAfter) return { seed, requests, alarmBeforeChange, alarmAtChange, labelsToAlarm: null };
    }
  } finally {
    await router.close();
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function counterIds(): () => string {
  let n = 0;
  return () => `r${++n}`;
}
