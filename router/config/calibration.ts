/**
 * config/calibration.json: what `bench calibrate` learned from labelled bench records, read by the router
 * and the simulator (through router/policy/, never field by field elsewhere).
 *
 * Version 2 adds, next to the self-check thresholds of version 1:
 * - `scorers`: a learned P(correct | signals) per (action, cell), cross-fitted and calibrated;
 * - `policies`: per action, the cells a route walks (a tier, or the consensus pair), the threshold on
 *   P(correct) that Learn-then-Test chose for each, the counts the simulator turns into Beta draws, and
 *   which policy `bench calibrate` recommends and why;
 * - `final_accuracy`: how often the last tier's answer is right, with its evidence.
 * A version 1 file is still read: it becomes a version 2 file with no scorers and no policies.
 */
import { existsSync } from "node:fs";
import { z } from "zod";
import { ScorerModelSchema } from "../confidence/scorer-model.js";
import { parseAndValidate, readTextFile } from "../../core/validate-source.js";

export const CALIBRATION_VERSION = 2;

export const CalibratedThreshold = z.strictObject({
  action: z.string(),
  /** Tier the scores were measured on; omitted = applies to every tier of the action. */
  tier: z.string().optional(),
  threshold: z.number().min(0).max(1),
  method: z.enum(["risk_control", "escalation_share", "default"]),
  n: z.number().int().min(0),
  expected_escalation_rate: z.number().min(0).max(1).optional(),
  expected_accepted_accuracy: z.number().min(0).max(1).nullable().optional(),
});
export type CalibratedThreshold = z.infer<typeof CalibratedThreshold>;

/** k of n: successes and trials, so readers can form a Beta(k + 1, n − k + 1) or a Wilson interval. */
export const Counts = z.strictObject({ k: z.number().int().min(0), n: z.number().int().min(0) }).refine((c) => c.k <= c.n, { message: "k must not exceed n" });
export type Counts = z.infer<typeof Counts>;

/** Where labelled evidence came from: answers replayed from recordings, or answers measured live. */
export const Evidence = z.enum(["replayed", "measured"]);
export type Evidence = z.infer<typeof Evidence>;

/** The consensus pair's cell id; every other cell id is a tier name. */
export const CONSENSUS_CELL = "consensus";

export const ScorerEntry = z.strictObject({
  action: z.string(),
  /**
   * The policy whose cell this scorer serves: one tier is reached by different items, with different
   * peers, under different policies, so each policy's cell has its own scorer. Omitted: any policy.
   */
  policy: z.enum(["cascade", "consensus", "api_first"]).optional(),
  /** A tier name, or "consensus" for the pair of local models called in parallel. */
  cell: z.string(),
  /** Model ids whose answers this scorer scores (consensus: the pair, the first one's answer is kept). */
  models: z.array(z.string()).min(1),
  model: ScorerModelSchema,
  /** Out-of-fold AUROC of each signal alone, with a seeded bootstrap 95 % interval (null: signal absent or one class). */
  signal_auroc: z.record(
    z.string(),
    z.strictObject({ auroc: z.number().nullable(), lower: z.number().nullable(), upper: z.number().nullable(), n: z.number().int().min(0) }),
  ),
});
export type ScorerEntry = z.infer<typeof ScorerEntry>;

export const PolicyCell = z.strictObject({
  /** A tier name, or "consensus". */
  cell: z.string(),
  tier: z.string(),
  local: z.boolean(),
  /** Model ids called at this cell, in order (consensus: both, in parallel). */
  models: z.array(z.string()).min(1),
  /** Calls this cell makes when reached (consensus: 2); the simulator charges each. */
  calls: z.number().int().min(1),
  /**
   * Keep the answer when P(correct) ≥ threshold (basis p_correct) or the self-check confidence ≥ threshold
   * (basis self_check); null on the last cell, which always answers (basis final).
   */
  threshold: z.number().min(0).max(1).nullable(),
  basis: z.enum(["p_correct", "self_check", "final"]),
  /** Of the fit items that reached this cell, how many it kept. */
  accept: Counts,
  /** Of the kept ones, how many were right (the last cell: of all that reached it). */
  correct_if_accepted: Counts,
});
export type PolicyCell = z.infer<typeof PolicyCell>;

const Interval = z.strictObject({ lower: z.number(), upper: z.number() });

export const PolicyEntry = z.strictObject({
  action: z.string(),
  kind: z.enum(["cascade", "consensus", "api_first"]),
  /** Exactly one policy per action is recommended; the router uses it unless the action table names another. */
  recommended: z.boolean(),
  cells: z.array(PolicyCell).min(1),
  /** Target error among kept local answers and the allowed failure probability of that guarantee (Learn-then-Test). */
  alpha: z.number().gt(0).lt(1),
  delta: z.number().gt(0).lt(1),
  evidence: Evidence,
  /** On the fit items (out-of-fold scores). */
  expected: z.strictObject({
    n: z.number().int().min(0),
    accuracy: z.number().min(0).max(1),
    accuracy_ci95: Interval,
    api_share: z.number().min(0).max(1),
    cost_per_1k_usd: z.number().min(0),
    /** Error among kept local answers; null when none is kept. */
    kept_error: z.number().min(0).max(1).nullable(),
    /** One-sided Clopper–Pearson (1 − δ) bound on it; null when none is kept. */
    kept_error_upper: z.number().min(0).max(1).nullable(),
  }),
  /** The same rule judged on held-out items it was not fitted on (null when no split was held out). */
  held_out: z
    .strictObject({
      n: z.number().int().min(0),
      accuracy: z.number().min(0).max(1),
      api_share: z.number().min(0).max(1),
      kept: z.number().int().min(0),
      kept_error: z.number().min(0).max(1).nullable(),
      kept_error_upper: z.number().min(0).max(1).nullable(),
      within_alpha: z.boolean(),
    })
    .nullable(),
  /** Why this policy is (or is not) the recommended one, in words a person can check. */
  reason: z.string(),
});
export type PolicyEntry = z.infer<typeof PolicyEntry>;

export const FinalAccuracy = z.strictObject({
  action: z.string(),
  tier: z.string(),
  model_id: z.string(),
  correct: Counts,
  evidence: Evidence,
});
export type FinalAccuracy = z.infer<typeof FinalAccuracy>;

export const CalibrationSchema = z.strictObject({
  version: z.literal(CALIBRATION_VERSION),
  created_at: z.string(),
  source_run: z.string(),
  method: z.enum(["risk_control", "escalation_share"]),
  params: z.record(z.string(), z.number()),
  thresholds: z.array(CalibratedThreshold),
  scorers: z.array(ScorerEntry).default([]),
  policies: z.array(PolicyEntry).default([]),
  final_accuracy: z.array(FinalAccuracy).default([]),
  /** Metrics behind the choice (ECE, Brier, AUROC, curves) for reports. */
  diagnostics: z.record(z.string(), z.unknown()).optional(),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

/** Version 1 (self-check thresholds only), upgraded on read. */
const CalibrationV1Schema = z.strictObject({
  version: z.literal(1),
  created_at: z.string(),
  source_run: z.string(),
  method: z.enum(["risk_control", "escalation_share"]),
  params: z.record(z.string(), z.number()),
  thresholds: z.array(CalibratedThreshold),
  diagnostics: z.record(z.string(), z.unknown()).optional(),
});

/** Every calibration file this tierlab reads, as version 2. */
export const AnyCalibrationSchema = z
  .discriminatedUnion("version", [CalibrationSchema, CalibrationV1Schema], {
    error: "version must be 1 or 2 (a calibration file written by `bench calibrate`)",
  })
  .transform((c): Calibration => (c.version === 1 ? { ...c, version: CALIBRATION_VERSION, scorers: [], policies: [], final_accuracy: [] } : c));

export function loadCalibration(file: string): Calibration | undefined {
  return readCalibration(file)?.value;
}

/** The calibration file with a way to find the line of any of its fields (for cross-reference errors). */
export function readCalibration(file: string): { value: Calibration; locate: (path: ReadonlyArray<PropertyKey>) => number | undefined } | undefined {
  if (!existsSync(file)) return undefined;
  return parseAndValidate({ text: readTextFile(file, "calibration file"), file, schema: AnyCalibrationSchema });
}
