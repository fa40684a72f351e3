/** `bench compare <base> <head>`: the CI regression check; exit 5 on a significant regression. */
import type { Argv, CommandModule } from "yargs";
import { printJson, runCommand, type ArgsOf } from "../common.js";
import { RunFolder, resolveRunDir } from "../../bench/run/run-folder.js";
import { compareRuns } from "../../bench/compare/compare.js";
import { withCompareCriteria } from "../../bench/compare/options.js";
import { renderCompareMarkdown } from "../../bench/compare/render-markdown.js";

const compareBuilder = (y: Argv) =>
  withCompareCriteria(
    y
      .positional("base", { type: "string", demandOption: true, describe: "base run id (under results/) or folder" })
      .positional("head", { type: "string", demandOption: true, describe: "head run id (under results/) or folder" }),
  )
    .option("json", { type: "boolean", default: false, describe: "print the comparison as JSON instead of markdown" })
    .example("$0 bench compare main-run pr-run >> $GITHUB_STEP_SUMMARY", "markdown for the CI job summary; exit 5 fails the job")
    .example("$0 bench compare results/a results/b --json --margin 0.05", "");

export const compareCommand: CommandModule<object, ArgsOf<typeof compareBuilder>> = {
  command: "compare <base> <head>",
  describe:
    "regression check of a head run against a base run (pass rate and latency; paired on shared items, unpaired otherwise); exit 5 on a significant and practical regression",
  builder: compareBuilder,
  handler: (args) =>
    runCommand(async () => {
      const base = new RunFolder(resolveRunDir(args.base)).records();
      const head = new RunFolder(resolveRunDir(args.head)).records();
      const result = compareRuns(base, head, {
        margin: args.margin,
        alpha: args.alpha,
        latencyMarginMs: args["latency-margin-ms"],
        latencyMargin: args["latency-margin"],
        pairedShare: args["paired-share"],
        seed: args.seed,
      });
      if (args.json) printJson(result);
      else process.stdout.write(renderCompareMarkdown(result));
      return result.exit_code;
    }),
};
