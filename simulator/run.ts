/**
 * One simulation, end to end: load and cross-check the configs, fit bench data, build and compile the
 * inputs, run the trials (in parallel), summarise, run the sensitivity analysis, and return the
 * versioned results object. No printing here: cli.ts formats, results.ts writes.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { relative, sep } from "node:path";
import { loadRouterConfig, type RouterConfig } from "../router/config/load.js";
import { withActions } from "../bench/dataset/actions.js";
import { declaredActionsOfRun } from "../bench/run/run-folder.js";
import { fitBench, resolveBenchRecords, type BenchFit } from "./bench-fit.js";
import { compileInputs, LOCAL_MANY, LOCAL_ONE, type CompiledSim } from "./compile.js";
import { basePerturbation, type SimMode, type TrialBlock } from "./engine-common.js";
import type { CorrectBeta } from "./correctness-inputs.js";
import { buildInputs, type CellInput, type SimInputs } from "./inputs.js";
import { defaultThreads, SimPool } from "./parallel.js";
import { DEFAULT_PROFILES, loadUsageProfiles, type LoadedProfiles } from "./profiles.js";
import { RESULTS_VERSION, type ChainCell, type CorrectBetaResult, type SimulationResults } from "./results.js";
import { runSensitivity } from "./sensitivity.js";
import { deferralPlan, withDeferral } from "./deferrable.js";
import { batchSummary, type BatchSummary } from "./deferrable-summary.js";
import { budgetResults, exceedance, histogram, monthMetrics, perDayBands, sig, summarize, summarizeWindow, weekMetrics, windowSeries } from "./summary.js";

/** Trials of the run with the deferrable share (its P50 is compared with the main run's first as many trials). */
export const DEFAULT_BATCH_TRIALS = 2000;

/** Trials per sensitivity run: every run shares the seed, so differences between runs are precise with few trials. */
export const DEFAULT_SENSITIVITY_TRIALS = 250;

export interface SimulateOptions {
  usage: string;
  days: number;
  trials: number;
  seed: number;
  mode: SimMode;
  /** Threads including the calling one (1 = no workers). Never changes the results. */
  threads?: number;
  config: string;
  calibration?: string;
  profiles?: string;
  fromBench?: string;
  sensitivity?: boolean;
  sensitivityTrials?: number;
  delta?: number;
}

export interface Prepared {
  config: RouterConfig;
  profiles: LoadedProfiles;
  bench: BenchFit | undefined;
  inputs: SimInputs;
  compiled: CompiledSim;
}

export function prepareSimulation(opts: Pick<SimulateOptions, "usage" | "days" | "config" | "calibration" | "profiles" | "fromBench">): Prepared {
  const loaded = loadRouterConfig(opts.config, opts.calibration ? { calibration: opts.calibration } : {});
  const profiles = loadUsageProfiles(opts.profiles ?? DEFAULT_PROFILES);
  const records = opts.fromBench ? resolveBenchRecords(opts.fromBench) : undefined;
  // Actions a bench run took from its dataset's header are as good as the config's own for this simulation.
  const config = records ? withActions(loaded, declaredActionsOfRun(records)) : loaded;
  const bench = records ? fitBench(config, records) : undefined;
  const inputs = buildInputs({ config, profiles, profile: opts.usage, days: opts.days, bench });
  return { config, profiles, bench, inputs, compiled: compileInputs(inputs) };
}

export async function runSimulation(opts: SimulateOptions): Promise<SimulationResults> {
  // Workers boot while the configs load; the calling thread works too.
  const pool = SimPool.start(opts.threads ?? defaultThreads());
  try {
    const prepared = prepareSimulation(opts);
    pool.load(prepared.compiled);
    // The main run and the sensitivity runs are independent; together they keep every thread busy.
    const [block, sensitivity] = await Promise.all([
      pool.run({ mode: opts.mode, seed: opts.seed, trials: opts.trials, perturbation: basePerturbation(prepared.compiled) }),
      opts.sensitivity === false
        ? null
        : runSensitivity({
            pool,
            compiled: prepared.compiled,
            inputs: prepared.inputs,
            seed: opts.seed,
            trials: Math.min(opts.trials, opts.sensitivityTrials ?? DEFAULT_SENSITIVITY_TRIALS),
            delta: opts.delta ?? 0.2,
          }),
    ]);
    // The batch tier's what-if runs after the others: the pool holds one compiled simulation at a time.
    const plan = deferralPlan(prepared.config, prepared.inputs.profile, prepared.profiles.data.assumptions.batch_latency_hours);
    let batch: BatchSummary | null = null;
    if (Object.keys(plan.shares).length > 0) {
      const deferred = withDeferral(prepared, plan);
      pool.load(deferred.compiled);
      const trials = Math.min(opts.trials, DEFAULT_BATCH_TRIALS);
      const b = await pool.run({ mode: opts.mode, seed: opts.seed, trials, perturbation: basePerturbation(deferred.compiled) });
      batch = batchSummary({ live: block, deferred: b, days: prepared.inputs.days, plan, mix: prepared.inputs.profile.action_mix });
    }
    return { ...assembleResults({ opts, prepared, block, sensitivity }), batch };
  } finally {
    await pool.close();
  }
}

function fileRef(file: string): { path: string; sha256: string } {
  const rel = relative(process.cwd(), file).split(sep).join("/");
  return { path: rel || file, sha256: createHash("sha256").update(readFileSync(file)).digest("hex") };
}

export function assembleResults(args: {
  opts: SimulateOptions;
  prepared: Prepared;
  block: TrialBlock;
  sensitivity: SimulationResults["sensitivity"];
}): SimulationResults {
  const { opts, prepared, block } = args;
  const { inputs, config, profiles, bench } = prepared;
  const days = inputs.days;
  const targets = profiles.data.success_metrics;
  const horizon = windowSeries(block, days, 0, days);
  const week = days >= 7 ? windowSeries(block, days, 0, 7) : null;
  const month = days >= 30 ? windowSeries(block, days, 0, 30) : null;
  const budgets = budgetResults(block, days, inputs.budgets, Math.min(30, days));
  const notes = [...inputs.notes];
  if (!week) notes.push("week figures need --days ≥ 7");
  if (!month) notes.push("month figures need --days ≥ 30");
  notes.push("budgets are evaluated on unconstrained demand: the cost the traffic would incur, not what a degrading router would spend");
  if (args.sensitivity)
    notes.push(
      `sensitivity: ${args.sensitivity.trials} trials per run in aggregated mode, seed ${opts.seed} in every run (common random numbers); pass rates move across the Beta's 90 % interval`,
    );
  const p = inputs.profile;
  return {
    version: RESULTS_VERSION,
    kind: "tierlab.simulation",
    seed: opts.seed,
    trials: opts.trials,
    mode: opts.mode,
    days,
    profile: {
      name: inputs.profileName,
      description: p.description ?? null,
      iterations_per_day: p.iterations_per_day,
      calls_per_iteration: p.calls_per_iteration,
      dispersion: p.dispersion,
      growth_per_month: p.growth_per_month,
      action_mix: p.action_mix,
    },
    files: {
      router_config: fileRef(config.file),
      profiles: fileRef(profiles.file),
      prices: fileRef(config.pricesFile),
      calibration: config.calibration ? fileRef(config.calibrationFile) : null,
      bench: bench ? { ...fileRef(bench.file), records: bench.records, warmup_skipped: bench.warmupSkipped } : null,
    },
    inputs: {
      baseline_tier: inputs.baselineTier,
      tiers: inputs.tiers.map((t) => ({
        name: t.name,
        local: t.local,
        model: t.model,
        input_usd_per_mtok: t.price ? sig(t.price.input_cost_per_token * 1e6) : null,
        output_usd_per_mtok: t.price ? sig(t.price.output_cost_per_token * 1e6) : null,
      })),
      actions: inputs.actions.map((a, ai) => ({
        name: a.name,
        share: a.share,
        tokens: {
          input: {
            median: sig(a.tokens.input.median),
            log_sd: sig(a.tokens.input.log_sd),
            mean: sig(prepared.compiled.tokInMean[ai]!),
            source: a.tokens.input.source,
            n: a.tokens.input.n ?? null,
          },
          output: {
            median: sig(a.tokens.output.median),
            log_sd: sig(a.tokens.output.log_sd),
            mean: sig(prepared.compiled.tokOutMean[ai]!),
            source: a.tokens.output.source,
            n: a.tokens.output.n ?? null,
          },
        },
        policy: a.policy,
        chain: a.cells.map((c, pos) => chainCell(c, prepared.compiled, ai * prepared.compiled.maxChain + pos)),
      })),
      missing_correctness: inputs.missingCorrectness,
      volume: {
        mean_requests_per_day: sig(inputs.dayMean.reduce((s, x) => s + x, 0) / days),
        dispersion: inputs.dispersion,
        growth_per_month: p.growth_per_month,
        first_weekday: inputs.weekdays[0]!,
      },
      local_cost: { usd_per_busy_second: sig(inputs.localUsdPerSecond), fixed_usd_per_day: inputs.localFixedUsdPerDay },
    },
    notes,
    horizon: { ...summarizeWindow(horizon, 0, days), p95_latency_ms: summarize(block.p95LatencyMs) },
    week: week ? summarizeWindow(week, 0, 7) : null,
    month: month ? summarizeWindow(month, 0, 30) : null,
    budgets: budgets.results,
    success_metrics: {
      week: week ? weekMetrics(week, targets.week, 0, 7) : null,
      month: month ? monthMetrics(month, targets.month, budgets.clean, 0, 30) : null,
    },
    per_day: perDayBands(block, days, inputs.weekdays),
    exceedance: { hybrid_cost_usd: exceedance(horizon.hybrid), api_cost_usd: exceedance(horizon.api) },
    savings_samples: { summary: summarize(horizon.savings), histogram: histogram(horizon.savings) },
    sensitivity: args.sensitivity,
  };
}

function chainCell(c: CellInput, compiled: CompiledSim, k: number): ChainCell {
  const passMean = c.pass.beta === 0 ? 1 : c.pass.alpha / (c.pass.alpha + c.pass.beta);
  const local = compiled.cellPaidTier[k] === LOCAL_ONE || compiled.cellPaidTier[k] === LOCAL_MANY;
  return {
    cell: c.cell,
    tier: c.tier,
    calls: c.calls,
    basis: c.basis,
    threshold: c.threshold?.threshold ?? null,
    threshold_source: c.threshold?.source ?? "last_cell",
    pass_alpha: sig(c.pass.alpha),
    pass_beta: sig(c.pass.beta),
    pass_mean: sig(passMean),
    pass_source: c.pass.source,
    passes: c.pass.passes ?? null,
    fails: c.pass.fails ?? null,
    correct_if_kept: correctBeta(c.correct.ifPass),
    correct_if_unkept: correctBeta(c.correct.ifFail),
    latency_source: c.latency.source,
    latency_mean_ms: sig(compiled.latMean[k]!),
    busy_mean_ms: local ? sig(compiled.busyMean[k]!) : 0,
  };
}

function correctBeta(b: CorrectBeta | null): CorrectBetaResult | null {
  return b ? { alpha: sig(b.alpha), beta: sig(b.beta), mean: sig(b.alpha / (b.alpha + b.beta)), source: b.source, evidence: b.evidence, k: b.k, n: b.n } : null;
}
