/**
 * `bench calibrate`, the pure part: from a run's records (router confidence vs grader verdict) compute
 * calibration metrics per action and tier, choose thresholds by risk control and by escalation share,
 * and build the calibration file the router reads through `thresholdFor`. Given the run's config and
 * records that carry signals (bench run since issue 12), it also fits the version-2 part: scorers,
 * per-cell thresholds on P(correct), policies with their counts and the recommended one, and the final
 * tier's accuracy (calibrate-policies.ts). Runs without signals keep the self-check thresholds only.
 */
import type { BenchRecord } from "../contracts/bench-record.js";
import {
  DEFAULT_BINS,
  type ScoredOutcome,
  aurc,
  auroc,
  brierScore,
  expectedCalibrationError,
  reliabilityBins,
  riskCoverageCurve,
} from "../stats/calibration-metrics.js";
import {
  DEFAULT_MIN_ITEMS,
  type Refusal,
  type ThresholdChoice,
  escalationShareThreshold,
  riskControlMinItems,
  riskControlThreshold,
} from "../stats/thresholds.js";
import { CALIBRATION_VERSION, type CalibratedThreshold, type Calibration } from "../../router/config/calibration.js";
import { UsageError } from "../../core/errors.js";
import type { RouterConfig } from "../../router/config/load.js";
import { calibrateRunPolicies, type PolicyReport } from "./calibrate-policies.js";

export type { PolicyReport } from "./calibrate-policies.js";

export type CalibrationMethod = "risk_control" | "escalation_share";

/** Defaults follow the seed's success criteria: quality pass > 95 %, local calls > 60 %. */
export const CALIBRATE_DEFAULTS = { alpha: 0.05, delta: 0.1, share: 0.4, method: "risk_control" as CalibrationMethod };

export interface CalibrateOptions {
  /** Run id written as `source_run`. */
  sourceRun: string;
  alpha?: number;
  delta?: number;
  share?: number;
  method?: CalibrationMethod;
  minItems?: number;
  bins?: number;
  /** Injected clock for `created_at`. */
  now?: () => Date;
  /**
   * The config the run used, with the dataset's declared actions: enables scorers and policies. α and δ
   * per action come from `alpha` / `delta` above when given, else the action table, else the defaults.
   */
  config?: RouterConfig;
  /** Seed of the scorers' folds and the AUROC bootstrap; default 1. */
  seed?: number;
  /** Folds of the scorers' cross-fitting; default 5. */
  folds?: number;
}

export type ChoiceReport =
  | { refused: false; threshold: number; coverage: number; escalation_rate: number; accepted_accuracy: number | null; accepted: number; upper_bound?: number }
  | { refused: true; reason: string };

export type GroupReport = {
  action: string;
  /** null = every tier of the action pooled. */
  tier: string | null;
  /** Usable (confidence, verdict) pairs. */
  n: number;
  errors: number;
  ungraded: number;
  without_confidence: number;
  accuracy: number | null;
  auroc: number | null;
  ece: number | null;
  brier: number | null;
  aurc: number | null;
  reliability: { lower: number; upper: number; count: number; mean_score: number | null; accuracy: number | null }[];
  risk_coverage: { threshold: number; accepted: number; errors: number; coverage: number; risk: number }[];
  risk_control: ChoiceReport;
  escalation_share: ChoiceReport;
  /** The chosen method's result became a calibration entry. */
  written: boolean;
  /** For a group with no entry: what the router uses instead. */
  fallback: string | null;
};

export type CalibrationReport = {
  source_run: string;
  method: CalibrationMethod;
  bins: number;
  min_items: number;
  /** Labelled items a group needs before the chosen method can pick a threshold: min_items, or more for risk control at alpha, δ. */
  items_needed: number;
  excluded: { warmup: number; errors: number; ungraded: number; without_confidence: number };
  groups: GroupReport[];
  /** Actions with no entry at all: the router uses the config's threshold for them. */
  refused_actions: string[];
  written: number;
  /** Version 2: per action, what the scorer and policy fit did (absent without a config). */
  policies?: PolicyReport[];
};

export interface CalibrationResult {
  /** Valid against CalibrationSchema; `diagnostics` holds the report. */
  calibration: Calibration;
  report: CalibrationReport;
}

interface Bucket {
  action: string;
  tier: string | null;
  pairs: ScoredOutcome[];
  errors: number;
  ungraded: number;
  without_confidence: number;
}

export function calibrateRecords(records: readonly BenchRecord[], opts: CalibrateOptions): CalibrationResult {
  const o: Resolved = {
    sourceRun: opts.sourceRun,
    alpha: opts.alpha ?? CALIBRATE_DEFAULTS.alpha,
    delta: opts.delta ?? CALIBRATE_DEFAULTS.delta,
    share: opts.share ?? CALIBRATE_DEFAULTS.share,
    method: opts.method ?? CALIBRATE_DEFAULTS.method,
    minItems: opts.minItems ?? DEFAULT_MIN_ITEMS,
    bins: opts.bins ?? DEFAULT_BINS,
    now: opts.now,
  };
  checkOptions(o);
  const buckets = bucketRecords(records);
  const groups: GroupReport[] = [];
  const thresholds: CalibratedThreshold[] = [];
  for (const actionBuckets of groupBy(buckets, (b) => b.action).values()) {
    const rows = actionBuckets.map((b) => ({ b, ...chooseFor(b, o) }));
    const pooled = rows.find((r) => r.b.tier === null);
    const pooledWritten = pooled !== undefined && !pooled.chosen.refused;
    for (const { b, rc, es, chosen } of rows) {
      const written = !chosen.refused;
      if (!chosen.refused) {
        thresholds.push({
          action: b.action,
          ...(b.tier === null ? {} : { tier: b.tier }),
          threshold: chosen.threshold,
          method: o.method,
          n: b.pairs.length,
          expected_escalation_rate: chosen.escalationRate,
          expected_accepted_accuracy: chosen.acceptedAccuracy ?? null,
        });
      }
      groups.push({
        ...metricsOf(b, o.bins),
        risk_control: choiceReport(rc),
        escalation_share: choiceReport(es),
        written,
        fallback: fallbackOf(b, written, pooledWritten),
      });
    }
  }
  const v2 = opts.config
    ? calibrateRunPolicies({
        records,
        config: opts.config,
        alpha: opts.alpha,
        delta: opts.delta,
        defaults: { alpha: o.alpha, delta: o.delta },
        seed: opts.seed ?? 1,
        folds: opts.folds,
      })
    : undefined;
  const writtenActions = new Set(thresholds.map((t) => t.action));
  const report: CalibrationReport = {
    source_run: o.sourceRun,
    method: o.method,
    bins: o.bins,
    min_items: o.minItems,
    items_needed: o.method === "risk_control" ? Math.max(o.minItems, riskControlMinItems({ alpha: o.alpha, delta: o.delta })) : o.minItems,
    excluded: excludedCounts(records),
    groups,
    refused_actions: [...new Set(groups.map((g) => g.action))].filter((a) => !writtenActions.has(a)),
    written: thresholds.length,
    ...(v2 ? { policies: v2.report } : {}),
  };
  const calibration: Calibration = {
    version: CALIBRATION_VERSION,
    created_at: (o.now?.() ?? new Date()).toISOString(),
    source_run: o.sourceRun,
    method: o.method,
    params: { alpha: o.alpha, delta: o.delta, share: o.share },
    thresholds,
    scorers: v2?.results.flatMap((r) => r.scorers) ?? [],
    policies: v2?.results.flatMap((r) => r.policies) ?? [],
    final_accuracy: v2?.results.flatMap((r) => r.finalAccuracy) ?? [],
    diagnostics: report,
  };
  return { calibration, report };
}

/**
 * One bucket per (action, tier), plus a pooled one per action measured on two or more tiers. A
 * single-tier action gets no pooled entry: it would only repeat the tier's threshold and, having no
 * tier, silently apply it to tiers that were never measured.
 */
function bucketRecords(records: readonly BenchRecord[]): Bucket[] {
  const measured = records.filter((r) => !r.warmup);
  const out: Bucket[] = [];
  // Code-unit order, not locale order: the file must not change with the machine's locale.
  const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);
  const actions = [...groupBy(measured, (r) => r.action).entries()].sort(byKey);
  for (const [action, rows] of actions) {
    const tiers = [...groupBy(rows, (r) => r.tier).entries()].sort(byKey);
    for (const [tier, tierRows] of tiers) out.push(toBucket(action, tier, tierRows));
    if (tiers.length > 1) out.push(toBucket(action, null, rows));
  }
  return out;
}

/** Mirrors thresholdFor's precedence: (action, tier) entry, then the action-wide one, then the config. */
function fallbackOf(b: Bucket, written: boolean, pooledWritten: boolean): string | null {
  if (written) return null;
  if (b.tier === null) return `no action-wide threshold written; tiers of ${b.action} without their own entry use the config's threshold`;
  if (pooledWritten) return `the router uses the action-wide calibrated threshold for ${b.action} on ${b.tier}`;
  return `no threshold written; the router uses the config's threshold for ${b.action} on ${b.tier}`;
}

function toBucket(action: string, tier: string | null, rows: readonly BenchRecord[]): Bucket {
  const b: Bucket = { action, tier, pairs: [], errors: 0, ungraded: 0, without_confidence: 0 };
  for (const r of rows) {
    if (r.error !== null) b.errors++;
    else if (r.grade === null) b.ungraded++;
    else if (r.confidence === null) b.without_confidence++;
    else b.pairs.push({ score: r.confidence, correct: r.grade.pass });
  }
  return b;
}

type Resolved = Required<Omit<CalibrateOptions, "now" | "config" | "seed" | "folds">> & { now?: () => Date };

function chooseFor(b: Bucket, o: Resolved) {
  const label = `action ${b.action}${b.tier === null ? " (all tiers)" : ` on tier ${b.tier}`}`;
  const rc = riskControlThreshold(b.pairs, { alpha: o.alpha, delta: o.delta, minItems: o.minItems, label });
  const es = escalationShareThreshold(b.pairs, { share: o.share, minItems: o.minItems, label });
  const chosen: ThresholdChoice | Refusal = o.method === "risk_control" ? rc : es;
  return { rc, es, chosen };
}

function metricsOf(b: Bucket, bins: number): Omit<GroupReport, "risk_control" | "escalation_share" | "written" | "fallback"> {
  const n = b.pairs.length;
  return {
    action: b.action,
    tier: b.tier,
    n,
    errors: b.errors,
    ungraded: b.ungraded,
    without_confidence: b.without_confidence,
    accuracy: n === 0 ? null : b.pairs.filter((p) => p.correct).length / n,
    auroc: auroc(b.pairs) ?? null,
    ece: expectedCalibrationError(b.pairs, { bins }) ?? null,
    brier: brierScore(b.pairs) ?? null,
    aurc: aurc(b.pairs) ?? null,
    reliability: reliabilityBins(b.pairs, { bins }).map((r) => ({
      lower: r.lower,
      upper: r.upper,
      count: r.count,
      mean_score: r.meanScore ?? null,
      accuracy: r.accuracy ?? null,
    })),
    risk_coverage: riskCoverageCurve(b.pairs),
  };
}

function choiceReport(c: ThresholdChoice | Refusal): ChoiceReport {
  if (c.refused) return { refused: true, reason: c.reason };
  return {
    refused: false,
    threshold: c.threshold,
    coverage: c.coverage,
    escalation_rate: c.escalationRate,
    accepted_accuracy: c.acceptedAccuracy ?? null,
    accepted: c.accepted,
    ...("upperBound" in c && typeof c.upperBound === "number" ? { upper_bound: c.upperBound } : {}),
  };
}

function excludedCounts(records: readonly BenchRecord[]): CalibrationReport["excluded"] {
  const measured = records.filter((r) => !r.warmup);
  const ok = measured.filter((r) => r.error === null);
  const graded = ok.filter((r) => r.grade !== null);
  return {
    warmup: records.length - measured.length,
    errors: measured.length - ok.length,
    ungraded: ok.length - graded.length,
    without_confidence: graded.filter((r) => r.confidence === null).length,
  };
}

function checkOptions(o: Resolved): void {
  const bad = (flag: string, want: string, got: unknown) => new UsageError({ message: `--${flag} must be ${want}, got ${String(got)}` });
  if (!(o.alpha > 0 && o.alpha < 1)) throw bad("alpha", "in (0, 1)", o.alpha);
  if (!(o.delta > 0 && o.delta < 1)) throw bad("delta", "in (0, 1)", o.delta);
  if (!(o.share >= 0 && o.share <= 1)) throw bad("escalation-share", "in [0, 1]", o.share);
  if (!(Number.isInteger(o.minItems) && o.minItems >= 1)) throw bad("min-items", "a positive integer", o.minItems);
  if (o.method !== "risk_control" && o.method !== "escalation_share") throw bad("method", "risk_control or escalation_share", o.method);
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return m;
}
