/**
 * The decision report's inputs, produced when not given: bench the config's local tiers on a seeded
 * sample (on a replay config, every replayed model: their answers cost nothing), calibrate from that
 * run, evaluate the policies on a held-out part of the dataset (the cost–quality frontier), simulate the
 * profile from the run. Each step writes what it made into the run folder (calibration.json,
 * evaluate.json, simulation.json), so the report's inputs are files a person can reopen.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { calibrateRecords, type CalibrationReport } from "../../bench/calibrate/calibrate.js";
import { configOfRun } from "../../bench/run/run-folder.js";
import { writeJsonAtomic } from "../../core/atomic-write.js";
import { runBench } from "../../bench/run/runner.js";
import type { EvaluateReport } from "../../bench/evaluate/frontier-types.js";
import type { Calibration } from "../../router/config/calibration.js";
import { allModels, loadRouterConfig } from "../../router/config/load.js";
import { UsageError } from "../../core/errors.js";
import type { SimulationResults } from "../../simulator/results.js";
import { sha256File } from "./context.js";
import { EvaluateUnavailableError, evaluateStep, loadEvaluateReport } from "./decision-evaluate.js";
import type { FrontierState } from "./decision-frontier.js";
import { loadCalibrationFile, loadRun, loadSimulation, type LoadedRun } from "./inputs.js";
import type { ScenarioContext } from "./scenario.js";
import { simulateAndRecord } from "./simulate.js";

export interface DecisionArgs {
  run?: string;
  simulation?: string;
  calibration?: string;
  /** An existing `bench evaluate --json` file instead of evaluating now. */
  evaluate?: string;
  /** Share of the dataset the evaluate step fits on; the rest judges. */
  split: number;
  /** The API model the frontier sentence compares with (default: the demo's, else the pure-API baseline's). */
  reference?: string;
  config: string;
  profiles: string;
  /** Defaults depend on the config: see demoPlan. */
  dataset?: string;
  limit?: number;
  seed: number;
  usage?: string;
  days: number;
  trials: number;
  "sensitivity-trials": number;
  "results-dir": string;
}

export interface DecisionInputs {
  run: LoadedRun | undefined;
  calibration: { report: CalibrationReport; calibration: Calibration | undefined; file: string | undefined; computed: boolean } | undefined;
  /** The calibration in effect (given or computed), also a hand-written one without diagnostics: its policies are what the router walks. */
  calibrated: Calibration | undefined;
  sim: SimulationResults;
  /** The cost–quality frontier from the evaluate step, or why there is none. */
  frontier: FrontierState;
  /** What ran here, with wall times, for the report's method section. */
  steps: { step: string; detail: string; seconds: number }[];
  /** When the inputs were made: the bench run's start, else the calibration's, else undefined. */
  madeAt: string | undefined;
}

/**
 * What the demo benches and simulates when not told, on a config that replays recorded answers: a seeded
 * 400 of GSM8K's 1,319 items on every model (±5 points at 95 % per model), so bench → calibrate → simulate
 * stays well inside a minute on a shared 2-core machine; `--limit 1319` benches them all.
 */
export const REPLAY_DEMO = { dataset: "datasets/gsm8k-replay.jsonl", limit: 400, usage: "gsm8k-like", reference: "gpt-4o" } as const;
/** ...and on a live config (the embedded engine, Ollama, APIs): a small sample, since each answer costs time or money. */
export const LIVE_DEMO = { dataset: "datasets/seed-actions.jsonl", limit: 60, usage: "medium", reference: undefined } as const;

export interface DemoPlan {
  dataset: string;
  limit: number | undefined;
  usage: string;
  /** The API model the frontier sentence compares with; undefined = the simulation's pure-API baseline. */
  reference: string | undefined;
  /** Every local model replays recorded answers (so API models are replayed too, at no cost). */
  replay: boolean;
}

/** The bench and simulation settings: the flags where given, else the defaults for this kind of config. */
export function demoPlan(ctx: ScenarioContext<DecisionArgs>): DemoPlan {
  const a = ctx.args;
  const config = loadRouterConfig(resolve(ctx.cwd, a.config));
  const local = allModels(config).filter((m) => m.local);
  const replay = local.length > 0 && local.every((m) => config.data.providers[m.provider]?.kind === "replay");
  const d = replay ? REPLAY_DEMO : LIVE_DEMO;
  return { dataset: a.dataset ?? d.dataset, limit: a.limit ?? d.limit, usage: a.usage ?? d.usage, reference: a.reference ?? d.reference, replay };
}

export async function decisionInputs(ctx: ScenarioContext<DecisionArgs>): Promise<DecisionInputs> {
  const a = ctx.args;
  const plan = demoPlan(ctx);
  const steps: DecisionInputs["steps"] = [];
  const timed = async <T>(step: string, detail: (x: T) => string, f: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    ctx.log(`${step}…`);
    const x = await f();
    const seconds = (performance.now() - t0) / 1000;
    steps.push({ step, detail: detail(x), seconds });
    ctx.log(`${step}: ${detail(x)} (${seconds.toFixed(1)} s)`);
    return x;
  };
  let runDir = a.run;
  let given: SimulationResults | undefined;
  if (a.simulation) {
    given = loadSimulation(ctx, a.simulation);
    runDir ??= benchOfSimulation(given);
  } else if (!runDir) {
    const what = plan.replay ? "every replayed model" : "local tiers";
    const items = plan.limit === undefined ? "all items" : `${plan.limit} items (seed ${a.seed})`;
    runDir = await timed(
      "bench",
      (d: string) => `${what} on ${plan.dataset}, ${items} → ${d}`,
      () => benchDemoModels(ctx, plan),
    );
  }
  const run = runDir ? loadRun(ctx, runDir) : undefined;
  let calibration: DecisionInputs["calibration"];
  let calibrated: Calibration | undefined;
  if (a.calibration) {
    const f = loadCalibrationFile(ctx, a.calibration);
    calibrated = f.calibration;
    calibration = f.report ? { report: f.report, calibration: f.calibration, file: resolve(ctx.cwd, a.calibration), computed: false } : undefined;
  } else if (run) {
    calibration = await timed(
      "calibrate",
      (c: NonNullable<DecisionInputs["calibration"]>) => (c.file ? `${c.report.written} thresholds → ${c.file}` : `refused every group: nothing written`),
      () =>
        calibrate({
          ctx,
          run,
          config: resolve(ctx.cwd, a.config),
          file: a.run || a.simulation ? resolve(ctx.cwd, ctx.args["out-dir"], "decision-inputs", "calibration.json") : join(run.dir, "calibration.json"),
        }),
    );
  }
  const evidence = run ? (run.records.some((r) => r.provider === "replay") ? "replayed" : "measured") : plan.replay ? "replayed" : "measured";
  let frontier: FrontierState;
  if (a.evaluate) frontier = { status: "ok", report: loadEvaluateReport(ctx, a.evaluate), evidence };
  else {
    const dataset = resolve(ctx.cwd, run?.meta?.dataset.file ?? plan.dataset);
    try {
      const report = await timed(
        "evaluate",
        (r: EvaluateReport) => `${r.policies.length} policies on ${r.dataset}, ${r.split.fit} fitted / ${r.split.eval} judged`,
        () => evaluateStep({ config: resolve(ctx.cwd, a.config), dataset, run: run?.dir, split: a.split, seed: a.seed, signal: ctx.signal }),
      );
      const file = run && !a.run ? join(run.dir, "evaluate.json") : resolve(ctx.cwd, ctx.args["out-dir"], "decision-inputs", "evaluate.json");
      mkdirSync(dirname(file), { recursive: true });
      writeJsonAtomic(file, report);
      ctx.input({ name: "evaluate report (computed here)", path: file, seed: a.seed, note: `bench evaluate on ${dataset}, split ${a.split}` });
      frontier = { status: "ok", report, evidence };
    } catch (err) {
      if (!(err instanceof EvaluateUnavailableError)) throw err;
      ctx.log(`evaluate: ${err.message}; the report shows no frontier`);
      frontier = { status: "unavailable", reason: err.message };
    }
  }
  const sim =
    given ??
    (await timed(
      "simulate",
      (s: SimulationResults) => `${s.profile.name}, ${s.days} days, ${s.trials} trials, seed ${s.seed}`,
      () =>
        simulateAndRecord(ctx, {
          usage: plan.usage,
          days: a.days,
          trials: a.trials,
          seed: a.seed,
          config: a.config,
          profiles: a.profiles,
          calibration: a.calibration ? resolve(ctx.cwd, a.calibration) : calibration?.file,
          fromBench: run?.dir,
          sensitivity: true,
          sensitivityTrials: a["sensitivity-trials"],
          // A pipeline run keeps its simulation with its bench run; a report on given inputs writes next to the report.
          ...(run && !a.run ? { outFile: join(run.dir, "simulation.json") } : {}),
          scenarioId: "decision",
        }),
    ));
  if (frontier.status === "ok") frontier.reference = plan.reference ?? sim.inputs.tiers.find((t) => t.name === sim.inputs.baseline_tier)?.model;
  calibrated ??= calibration?.calibration;
  return { run, calibration, calibrated, sim, frontier, steps, madeAt: run?.startedAt ?? calibration?.calibration?.created_at };
}

/** The bench run a simulation was fitted to, when its records are still there unchanged. */
function benchOfSimulation(sim: SimulationResults): string | undefined {
  const ref = sim.files.bench;
  if (!ref) return undefined;
  const file = resolve(ref.path);
  return existsSync(file) && sha256File(file) === ref.sha256 ? dirname(file) : undefined;
}

async function benchDemoModels(ctx: ScenarioContext<DecisionArgs>, plan: DemoPlan): Promise<string> {
  const a = ctx.args;
  const configFile = resolve(ctx.cwd, a.config);
  const config = loadRouterConfig(configFile);
  // Replayed API answers cost nothing, so a replay run measures the API tier too; a live run never pays for it.
  const local = allModels(config)
    .filter((m) => m.local || (plan.replay && config.data.providers[m.provider]?.kind === "replay"))
    .map((m) => m.id);
  if (local.length === 0)
    throw new UsageError({ message: `${a.config} has no local tier to bench`, fix: "pass a config with local models, or an existing run with --run" });
  const resultsDir = resolve(ctx.cwd, a["results-dir"]);
  const base = `demo-${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-")}`;
  let runId = base;
  for (let i = 2; existsSync(join(resultsDir, runId)); i++) runId = `${base}-${i}`;
  const result = await runBench({
    config: configFile,
    dataset: resolve(ctx.cwd, plan.dataset),
    models: local,
    cascade: false,
    limit: plan.limit,
    seed: a.seed,
    concurrency: 1,
    warmup: 1,
    slo: {},
    resultsDir,
    runId,
    storeAnswers: true,
    progress: false,
    signal: ctx.signal,
    command: "report decision",
  });
  if (result.interrupted)
    throw new UsageError({
      message: `bench interrupted; partial run in ${result.dir}`,
      fix: `finish it with bench run --resume ${runId}, then pass --run ${result.dir}`,
    });
  return result.dir;
}

/**
 * `bench calibrate` with its defaults. Like the command, it writes a file only when some threshold was
 * chosen: into the run folder this pipeline made, else next to the report (never into a given run).
 */
function calibrate({
  ctx,
  run,
  file,
  config,
}: {
  ctx: ScenarioContext<unknown>;
  run: LoadedRun;
  file: string;
  config: string;
}): NonNullable<DecisionInputs["calibration"]> {
  const { calibration, report } = calibrateRecords(run.records, {
    sourceRun: run.id,
    now: () => new Date(run.startedAt),
    config: configOfRun(config, run.dir),
  });
  if (report.written === 0 && calibration.policies.length === 0) return { report, calibration: undefined, file: undefined, computed: true };
  mkdirSync(dirname(file), { recursive: true });
  writeJsonAtomic(file, calibration);
  ctx.input({ name: "calibration (computed here)", path: file, note: `bench calibrate defaults on run ${run.id}` });
  return { report, calibration, file, computed: true };
}
