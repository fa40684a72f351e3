/** `bench compare <base> <head>`: the CI regression check; exit 5 on a significant regression. */
import type { Argv, CommandModule } from "yargs";
import { printJson, runCommand } from "../../router/cli/common.js";
import { RunFolder, resolveRunDir } from "../run/run-folder.js";
import { COMPARE_DEFAULTS, compareRuns } from "./compare.js";
import { renderCompareMarkdown } from "./render-markdown.js";

interface CompareArgs {
  base: string;
  head: string;
  margin: number;
  alpha: number;
  "latency-margin-ms": number;
  "latency-margin": number;
  seed: number;
  json: boolean;
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: "compare <base> <head>",
  describe: "paired regression check of a head run against a base run (pass rate and latency); exit 5 on a significant regression",
  builder: (y: Argv) =>
    y
      .positional("base", { type: "string", demandOption: true, describe: "base run id (under results/) or folder" })
      .positional("head", { type: "string", demandOption: true, describe: "head run id (under results/) or folder" })
      .option("margin", { type: "number", default: COMPARE_DEFAULTS.margin, describe: "pass-rate drop that counts, as a fraction (0.02 = 2 points)" })
      .option("alpha", { type: "number", default: COMPARE_DEFAULTS.alpha, describe: "significance level of McNemar's one-sided test" })
      .option("latency-margin-ms", { type: "number", default: COMPARE_DEFAULTS.latencyMarginMs, describe: "the e2e p50 increase's interval must start above this" })
      .option("latency-margin", { type: "number", default: COMPARE_DEFAULTS.latencyMargin, describe: "relative e2e p50 increase that counts (0.1 = 10 %)" })
      .option("seed", { type: "number", default: COMPARE_DEFAULTS.seed, describe: "bootstrap seed (same seed, same report)" })
      .option("json", { type: "boolean", default: false, describe: "print the comparison as JSON instead of markdown" })
      .example("$0 bench compare main-run pr-run >> $GITHUB_STEP_SUMMARY", "markdown for the CI job summary; exit 5 fails the job")
      .example("$0 bench compare results/a results/b --json --margin 0.05", "") as unknown as Argv<CompareArgs>,
  handler: (args) =>
    runCommand(async () => {
      const base = new RunFolder(resolveRunDir(args.base)).records();
      const head = new RunFolder(resolveRunDir(args.head)).records();
      const result = compareRuns(base, head, {
        margin: args.margin,
        alpha: args.alpha,
        latencyMarginMs: args["latency-margin-ms"],
        latencyMargin: args["latency-margin"],
        seed: args.seed,
      });
      if (args.json) printJson(result);
      else process.stdout.write(renderCompareMarkdown(result));
      return result.exit_code;
    }),
};
