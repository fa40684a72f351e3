/**
 * The options a bench run was started with, as meta.json stores them (so `--resume` repeats them)
 * and summary.json repeats its SLO. zod first: writers and readers share these types.
 */
import { z } from "zod";

/** Goodput targets in ms; an absent one is not checked. */
export const SloSchema = z.strictObject({
  ttftMs: z.number().positive().optional(),
  tpotMs: z.number().positive().optional(),
  e2eMs: z.number().positive().optional(),
});

export const RunOptionsSchema = z.strictObject({
  tier: z.string().nullable(),
  models: z.array(z.string()).nullable(),
  engine: z.string().nullable(),
  cascade: z.boolean(),
  limit: z.number().int().min(1).nullable(),
  seed: z.number().int(),
  action: z.string().nullable(),
  concurrency: z.number().int().min(1),
  rate: z.number().positive().nullable(),
  warmup: z.number().int().min(0),
  timeout_ms: z.number().int().min(1).nullable(),
  slo: SloSchema,
  store_answers: z.boolean(),
  /** The calibration file given with --calibration, if any. */
  calibration: z.string().nullable(),
});
export type RunOptions = z.infer<typeof RunOptionsSchema>;
