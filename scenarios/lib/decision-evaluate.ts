/**
 * The decision pipeline's evaluate step: the cost–quality frontier of `bench evaluate` (an EvaluateReport,
 * bench/evaluate/frontier-types.ts) for the dataset the demo benched, fitted on one part and judged on
 * the rest. `evaluateStep` is the one place the pipeline gets it from. Until `bench evaluate` exists it
 * is `benchEvaluateNotAvailableYet`, which throws: the report then says the frontier is not available
 * and shows no number for it. `--evaluate <file>` reads a report `bench evaluate --json` wrote.
 */
import { resolve } from "node:path";
import { EvaluateReport, EVALUATE_REPORT_VERSION } from "../../bench/evaluate/frontier-types.js";
import { parseAndValidate, readTextFile } from "../../router/config/validate-source.js";
import { UsageError } from "../../router/errors.js";
import type { ScenarioContext } from "./scenario.js";

export interface EvaluateStepArgs {
  /** Router config file (absolute). */
  config: string;
  /** Labelled dataset file the policies are fitted and judged on (absolute). */
  dataset: string;
  /** The bench run folder of that dataset, when the pipeline made or was given one. */
  run: string | undefined;
  /** Share of items the scorer and thresholds are fitted on; the rest judge them. */
  split: number;
  seed: number;
  signal?: AbortSignal;
}

export type EvaluateStep = (args: EvaluateStepArgs) => Promise<EvaluateReport>;

/** The evaluate step cannot run here (not built yet); the report says so instead of showing a frontier. */
export class EvaluateUnavailableError extends UsageError {}

/** Placeholder until `bench evaluate` lands (issue 12): the lead replaces `evaluateStep` with it. No numbers are made up. */
export const benchEvaluateNotAvailableYet: EvaluateStep = () =>
  Promise.reject(new EvaluateUnavailableError({ message: "bench evaluate not available yet", fix: "pass the JSON of `bench evaluate --json` with --evaluate <file>" }));

export const evaluateStep: EvaluateStep = benchEvaluateNotAvailableYet;

/** Reads and validates an EvaluateReport file (version first), and lists it among the report's inputs. */
export function loadEvaluateReport(ctx: ScenarioContext<unknown>, file: string): EvaluateReport {
  const abs = resolve(ctx.cwd, file);
  const report = parseAndValidate({ text: readTextFile(abs, "evaluate report"), file: abs, schema: EvaluateReport }).value;
  ctx.input({ name: "evaluate report", path: abs, seed: report.split.seed, note: `bench evaluate v${EVALUATE_REPORT_VERSION} on ${report.dataset}: ${report.split.fit} items fitted, ${report.split.eval} judged, ${report.policies.length} policies` });
  return report;
}
