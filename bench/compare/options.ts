/** The regression criteria flags, shared by `bench compare` and the `regression` report so both judge alike. */
import type { Argv } from "yargs";
import { COMPARE_DEFAULTS } from "./compare.js";

export interface CompareCriteriaArgs {
  margin: number;
  alpha: number;
  "latency-margin-ms": number;
  "latency-margin": number;
  "paired-share": number;
  seed: number;
}

export function withCompareCriteria<T>(y: Argv<T>): Argv<T & CompareCriteriaArgs> {
  return y
    .option("margin", { type: "number", default: COMPARE_DEFAULTS.margin, describe: "pass-rate drop that counts, as a fraction (0.02 = 2 points)" })
    .option("alpha", {
      type: "number",
      default: COMPARE_DEFAULTS.alpha,
      describe: "significance level of the one-sided tests (McNemar or Fisher; the p50 ratio's bootstrap bound)",
    })
    .option("latency-margin-ms", {
      type: "number",
      default: COMPARE_DEFAULTS.latencyMarginMs,
      describe: "practical effect, absolute: e2e p50 must rise by at least this many ms",
    })
    .option("latency-margin", {
      type: "number",
      default: COMPARE_DEFAULTS.latencyMargin,
      describe: "practical effect, relative: e2e p50 must rise by at least this fraction (0.1 = 10 %)",
    })
    .option("paired-share", {
      type: "number",
      default: COMPARE_DEFAULTS.pairedShare,
      describe: "paired tests when the runs share at least this share of the smaller run's items; else unpaired (Fisher, two-sample bootstrap)",
    })
    .option("seed", { type: "number", default: COMPARE_DEFAULTS.seed, describe: "bootstrap seed (same seed, same report)" }) as Argv<T & CompareCriteriaArgs>;
}
