/**
 * The simulation results file (`simulate --out`, `--json`): versioned, validated with zod, and fully
 * determined by the inputs and the seed (no timestamps, no worker count), so the same seed gives the
 * same bytes. Reports read it through `readSimulationResults`, which checks the version first.
 *
 * Version 2: the quality figure is the share of answers that are RIGHT (`accuracy`, null when some cell
 * has no correctness evidence); the router's own check is `self_check_pass_rate`; `mean_p_correct` is the
 * learned scorer's P(correct) where a cell has one; each cell says how many calls it makes and where its
 * keep and correctness probabilities come from (calibration counts, bench, prior).
 */
import { writeFileAtomic } from "../core/atomic-write.js";
import { z } from "zod";
import { BatchSummarySchema } from "./deferrable-summary.js";
import { parseAndValidate, readTextFile } from "../core/validate-source.js";

export const RESULTS_VERSION = 2 as const;

const Num = z.number();
const Int = z.number().int();

/** Distribution of one quantity over trials. */
export const QuantileSummarySchema = z.strictObject({ mean: Num, sd: Num, min: Num, p5: Num, p25: Num, p50: Num, p75: Num, p95: Num, max: Num });
export type QuantileSummary = z.infer<typeof QuantileSummarySchema>;
export const BandSchema = z.strictObject({ p5: Num, p25: Num, p50: Num, p75: Num, p95: Num });
export type Band = z.infer<typeof BandSchema>;

/** Figures over a window of days; ratios are totals over the window (cost-weighted savings, request-weighted shares). */
export const WindowSummarySchema = z.strictObject({
  from_day: Int,
  days: Int,
  requests: QuantileSummarySchema,
  hybrid_cost_usd: QuantileSummarySchema,
  api_cost_usd: QuantileSummarySchema,
  /** 1 − hybrid / pure API, per trial (common random numbers). */
  savings: QuantileSummarySchema,
  /** Share of requests answered without any paid call. */
  local_share: QuantileSummarySchema,
  /** Quality: share of returned answers that are right; null when some cell has no correctness evidence. */
  accuracy: QuantileSummarySchema.nullable(),
  /** Share of returned answers their cell kept by its own rule (self-check confidence or scorer P(correct) ≥ threshold); not correctness. */
  self_check_pass_rate: QuantileSummarySchema,
  mean_latency_ms: QuantileSummarySchema,
  /** Mean learned-scorer P(correct) of the answers kept by scored cells; null when no cell has a scorer. */
  mean_p_correct: QuantileSummarySchema.nullable(),
  /** Share of requests answered by a cell with a learned scorer. */
  scored_share: QuantileSummarySchema,
});
export type WindowSummary = z.infer<typeof WindowSummarySchema>;

const FileRefSchema = z.strictObject({ path: z.string(), sha256: z.string() });

const TokenSpecSchema = z.strictObject({ median: Num, log_sd: Num, mean: Num, source: z.string(), n: Int.nullable() });

/** A Beta over P(right) with where it came from: evidence replayed, measured, or a prior. */
export const CorrectBetaSchema = z.strictObject({
  alpha: Num,
  beta: Num,
  mean: Num,
  source: z.enum(["calibration", "final_accuracy", "bench", "prior"]),
  evidence: z.enum(["replayed", "measured", "prior"]),
  k: Int.nullable(),
  n: Int.nullable(),
});
export type CorrectBetaResult = z.infer<typeof CorrectBetaSchema>;

export const ChainCellSchema = z.strictObject({
  /** A tier name, or "consensus". */
  cell: z.string(),
  tier: z.string(),
  calls: Int,
  basis: z.enum(["self_check", "p_correct", "final"]),
  /** null: the last cell of a calibrated policy, which keeps every answer. */
  threshold: Num.nullable(),
  threshold_source: z.string(),
  /** P(the cell keeps its answer | reached): Beta(pass_alpha, pass_beta); pass_beta 0 = always. */
  pass_alpha: Num,
  pass_beta: Num,
  pass_mean: Num,
  pass_source: z.string(),
  passes: Int.nullable(),
  fails: Int.nullable(),
  /** P(right | kept) and P(right | returned unkept); null = unknown or never returned. */
  correct_if_kept: CorrectBetaSchema.nullable(),
  correct_if_unkept: CorrectBetaSchema.nullable(),
  latency_source: z.string(),
  latency_mean_ms: Num,
  /** Local busy time per visit (the sum over parallel calls); 0 on a paid cell. */
  busy_mean_ms: Num,
});
export type ChainCell = z.infer<typeof ChainCellSchema>;

export const BudgetResultSchema = z.strictObject({
  scope: z.string(),
  key: z.string().nullable(),
  period: z.enum(["day", "week", "month"]),
  limit_usd: Num,
  on_exceed: z.string(),
  /** P(some period of the simulated horizon costs more than the limit); null when not simulated. */
  p_overrun: Num.nullable(),
  expected_overrun_periods: Num.nullable(),
  periods_in_horizon: Int,
  note: z.string().nullable(),
});
export type BudgetResult = z.infer<typeof BudgetResultSchema>;

export const MetricResultSchema = z.strictObject({
  id: z.string(),
  label: z.string(),
  target: z.string(),
  probability: Num.nullable(),
  note: z.string().nullable(),
});
export type MetricResult = z.infer<typeof MetricResultSchema>;
const SuccessBlockSchema = z.strictObject({ from_day: Int, days: Int, metrics: z.array(MetricResultSchema), p_all: Num.nullable() });
export type SuccessBlock = z.infer<typeof SuccessBlockSchema>;

export const PerDaySchema = z.strictObject({
  day: Int,
  weekday: z.string(),
  requests: BandSchema,
  hybrid_cost_usd: BandSchema,
  api_cost_usd: BandSchema,
  cumulative_hybrid_usd: BandSchema,
  cumulative_api_usd: BandSchema,
});
export type PerDay = z.infer<typeof PerDaySchema>;

const PointSchema = z.strictObject({ usd: Num, p: Num });
const SensitivityMetricsSchema = z.strictObject({ hybrid_p50_usd: Num, hybrid_p95_usd: Num, savings_p50: Num });
export type SensitivityMetrics = z.infer<typeof SensitivityMetricsSchema>;

export const TornadoRowSchema = z.strictObject({
  input: z.string(),
  description: z.string(),
  low_label: z.string(),
  high_label: z.string(),
  low: SensitivityMetricsSchema,
  high: SensitivityMetricsSchema,
  /** |high − low| of the P50 hybrid cost; rows are sorted by it. */
  swing_usd: Num,
});
export type TornadoRow = z.infer<typeof TornadoRowSchema>;

export const BreakEvenSchema = z.strictObject({
  input: z.string(),
  description: z.string(),
  /** Multiplier on the input at which P50 savings reach 0; null when none in the searched range. */
  factor: Num.nullable(),
  value: Num.nullable(),
  unit: z.string(),
  note: z.string(),
});
export type BreakEven = z.infer<typeof BreakEvenSchema>;

export const SensitivitySchema = z.strictObject({
  trials: Int,
  delta: Num,
  base: SensitivityMetricsSchema,
  tornado: z.array(TornadoRowSchema),
  break_even: z.array(BreakEvenSchema),
});
export type Sensitivity = z.infer<typeof SensitivitySchema>;

export const SimulationResultsSchema = z.strictObject({
  /** The batch tier's saving (deferrable-summary.ts); absent or null when the profile defers nothing. */
  batch: BatchSummarySchema.nullable().optional(),
  version: z.literal(RESULTS_VERSION, {
    error: `must be ${RESULTS_VERSION}: version 1 files predate the correctness metric; run \`tierlab simulate\` again to regenerate`,
  }),
  kind: z.literal("tierlab.simulation"),
  seed: Int,
  trials: Int,
  mode: z.enum(["exact", "aggregated"]),
  days: Int,
  profile: z.strictObject({
    name: z.string(),
    description: z.string().nullable(),
    iterations_per_day: Num,
    calls_per_iteration: Num,
    dispersion: Num,
    growth_per_month: Num,
    action_mix: z.record(z.string(), Num),
  }),
  files: z.strictObject({
    router_config: FileRefSchema,
    profiles: FileRefSchema,
    prices: FileRefSchema,
    calibration: FileRefSchema.nullable(),
    bench: FileRefSchema.extend({ records: Int, warmup_skipped: Int }).nullable(),
  }),
  inputs: z.strictObject({
    baseline_tier: z.string(),
    tiers: z.array(
      z.strictObject({ name: z.string(), local: z.boolean(), model: z.string(), input_usd_per_mtok: Num.nullable(), output_usd_per_mtok: Num.nullable() }),
    ),
    actions: z.array(
      z.strictObject({
        name: z.string(),
        share: Num,
        /** The calibrated policy walked (version 2 calibration), or null for the config's chain. */
        policy: z.strictObject({ kind: z.enum(["cascade", "consensus", "api_first"]), evidence: z.enum(["replayed", "measured"]) }).nullable(),
        tokens: z.strictObject({ input: TokenSpecSchema, output: TokenSpecSchema }),
        chain: z.array(ChainCellSchema),
      }),
    ),
    /** Return states (action@cell) without correctness evidence; non-empty = accuracy not computed. */
    missing_correctness: z.array(z.string()),
    volume: z.strictObject({ mean_requests_per_day: Num, dispersion: Num, growth_per_month: Num, first_weekday: z.string() }),
    local_cost: z.strictObject({ usd_per_busy_second: Num, fixed_usd_per_day: Num }),
  }),
  notes: z.array(z.string()),
  horizon: WindowSummarySchema.extend({ p95_latency_ms: QuantileSummarySchema }),
  week: WindowSummarySchema.nullable(),
  month: WindowSummarySchema.nullable(),
  budgets: z.array(BudgetResultSchema),
  success_metrics: z.strictObject({ week: SuccessBlockSchema.nullable(), month: SuccessBlockSchema.nullable() }),
  per_day: z.array(PerDaySchema),
  /** P(horizon cost > usd). */
  exceedance: z.strictObject({ hybrid_cost_usd: z.array(PointSchema), api_cost_usd: z.array(PointSchema) }),
  savings_samples: z.strictObject({
    summary: QuantileSummarySchema,
    histogram: z.array(z.strictObject({ lo: Num, hi: Num, count: Int })),
  }),
  sensitivity: SensitivitySchema.nullable(),
});
export type SimulationResults = z.infer<typeof SimulationResultsSchema>;

/** Validates and prints in the schema's key order, so equal results always give equal bytes. */
export function serializeResults(results: SimulationResults): string {
  return JSON.stringify(SimulationResultsSchema.parse(results), null, 2) + "\n";
}

/** Writes next to the target and renames, so readers never see half a file. */
export function writeResultsFile(file: string, results: SimulationResults): void {
  writeFileAtomic(file, serializeResults(results));
}

export function readSimulationResults(file: string): SimulationResults {
  return parseAndValidate({ text: readTextFile(file, "simulation results"), file, schema: SimulationResultsSchema }).value;
}
