/**
 * The decision pipeline's evaluate step: the cost–quality frontier of `bench evaluate` (an EvaluateReport,
 * bench/evaluate/frontier-types.ts) for the dataset the demo benched, fitted on one part and judged on
 * the rest. `evaluateStep` is the one place the pipeline gets it from: `bench evaluate --run` on the run the
 * pipeline benched. Without a run of every model there is no frontier: the report says so and shows no
 * number for it. `--evaluate <file>` reads a report `bench evaluate --json` wrote.
 */
import { resolve } from "node:path";
import { evaluateRun } from "../../bench/evaluate/evaluate-records.js";
import { EvaluateReport, EVALUATE_REPORT_VERSION } from "../../bench/evaluate/frontier-types.js";
import { parseAndValidate, readTextFile } from "../../core/validate-source.js";
import { UsageError } from "../../core/errors.js";
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

/** The evaluate step cannot run on these inputs; the report says so instead of showing a frontier. */
export class EvaluateUnavailableError extends UsageError {}

export const evaluateStep: EvaluateStep = async (a) => {
  if (!a.run)
    throw new EvaluateUnavailableError({
      message: "no bench run of every model on the dataset to evaluate",
      fix: "run the pipeline without --simulation, or pass --run or --evaluate <file>",
    });
  try {
    return evaluateRun({ configFile: a.config, runDir: a.run, dataset: a.dataset, split: a.split, seed: a.seed });
  } catch (err) {
    // Records without signals (an embedded run of the self-check only) cannot give a frontier; anything else is a real error.
    if (err instanceof UsageError && /carry no signals|leaves a part empty|no usable answers|holds? \d+ actions/.test(err.message))
      throw new EvaluateUnavailableError({ message: err.message, fix: err.fix });
    throw err;
  }
};

/** Reads and validates an EvaluateReport file (version first), and lists it among the report's inputs. */
export function loadEvaluateReport(ctx: ScenarioContext<unknown>, file: string): EvaluateReport {
  const abs = resolve(ctx.cwd, file);
  const report = parseAndValidate({ text: readTextFile(abs, "evaluate report"), file: abs, schema: EvaluateReport }).value;
  ctx.input({
    name: "evaluate report",
    path: abs,
    seed: report.split.seed,
    note: `bench evaluate v${EVALUATE_REPORT_VERSION} on ${report.dataset}: ${report.split.fit} items fitted, ${report.split.eval} judged, ${report.policies.length} policies`,
  });
  return report;
}
