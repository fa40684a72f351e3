/**
 * config/calibration.json: thresholds chosen by `bench calibrate` from measured score/verdict pairs.
 * The router and the simulator both read it through `thresholdFor` in policy/, never directly.
 */
import { existsSync } from "node:fs";
import { z } from "zod";
import { parseAndValidate, readTextFile } from "./validate-source.js";

export const CALIBRATION_VERSION = 1;

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

export const CalibrationSchema = z.strictObject({
  version: z.literal(CALIBRATION_VERSION),
  created_at: z.string(),
  source_run: z.string(),
  method: z.enum(["risk_control", "escalation_share"]),
  params: z.record(z.string(), z.number()),
  thresholds: z.array(CalibratedThreshold),
  /** Metrics behind the choice (ECE, Brier, AUROC, curves) for reports. */
  diagnostics: z.record(z.string(), z.unknown()).optional(),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

export function loadCalibration(file: string): Calibration | undefined {
  if (!existsSync(file)) return undefined;
  return parseAndValidate({ text: readTextFile(file, "calibration file"), file, schema: CalibrationSchema }).value;
}
