/** The regression criteria flags, shared by `bench compare` and the `regression` report so both judge alike. */
import type { Argv } from "yargs";
import { COMPARE_DEFAULTS } from "./compare.js";

export interface CompareCriteriaArgs {
  margin: number;
  alpha: number;
  "latency-margin-ms": number;
  "latency-margin": number;
  seed: number;
}

export function withCompareCriteria<T>(y: Argv<T>): Argv<T & CompareCriteriaArgs> {
  return y
    .option("margin", { type: "number", default: COMPARE_DEFAULTS.margin, describe: "pass-rate drop that counts, as a fraction (0.02 = 2 points)" })
    .option("alpha", { type: "number", default: COMPARE_DEFAULTS.alpha, describe: "significance level of McNemar's one-sided test" })
    .option("latency-margin-ms", { type: "number", default: COMPARE_DEFAULTS.latencyMarginMs, describe: "the e2e p50 increase's interval must start above this" })
    .option("latency-margin", { type: "number", default: COMPARE_DEFAULTS.latencyMargin, describe: "relative e2e p50 increase that counts (0.1 = 10 %)" })
    .option("seed", { type: "number", default: COMPARE_DEFAULTS.seed, describe: "bootstrap seed (same seed, same report)" }) as Argv<T & CompareCriteriaArgs>;
}
