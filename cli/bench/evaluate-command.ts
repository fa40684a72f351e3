/**
 * `bench evaluate --config <cfg> --dataset <file> --split 0.5 --seed 1 [--json]`: benches every model of
 * the dataset's action on the dataset (or reuses a run with --run), fits scorers and thresholds on one
 * part and judges every policy on the rest (evaluate-records.ts).
 */
import { resolve } from "node:path";
import type { Argv, CommandModule } from "yargs";
import { allModels, loadRouterConfig } from "../../router/config/load.js";
import { printJson, runCommand } from "../common.js";
import { UsageError } from "../../core/errors.js";
import { EXIT } from "../../core/exit-codes.js";
import { tierChain } from "../../router/policy/escalation.js";
import { withDatasetActions } from "../../bench/dataset/actions.js";
import { loadDataset } from "../../bench/dataset/load.js";
import { resolveRunDir } from "../../bench/run/run-folder.js";
import { runBench } from "../../bench/run/runner.js";
import { evaluateRun } from "../../bench/evaluate/evaluate-records.js";
import { renderEvaluateTable } from "../../bench/evaluate/render-evaluate.js";

interface EvaluateArgs {
  config: string;
  dataset?: string;
  run?: string;
  action?: string;
  split: number;
  seed: number;
  alpha?: number;
  delta?: number;
  limit?: number;
  "results-dir": string;
  json: boolean;
}

/** Backends that cost nothing to bench on every item; a live paid API is benched only on purpose (bench run, then --run). */
const FREE = new Set(["replay", "scripted", "embedded", "ollama"]);

export const evaluateCommand: CommandModule<object, EvaluateArgs> = {
  command: "evaluate",
  describe: "fit scorers and thresholds on part of a dataset and judge every routing policy on the rest (the cost–quality frontier)",
  builder: (y: Argv) =>
    y
      .option("config", {
        type: "string",
        default: process.env.TIERLAB_CONFIG ?? "config/router.replay.yaml",
        normalize: true,
        describe: "router config whose models and actions are evaluated",
      })
      .option("dataset", { type: "string", describe: "dataset file; every model of its action is benched on it (replay: seconds)" })
      .option("run", { type: "string", describe: "reuse this bench run's records instead of benching (it must hold every model of the action)" })
      .option("action", { type: "string", describe: "the action to evaluate, when the records hold several" })
      .option("split", { type: "number", default: 0.5, describe: "share of items to fit on; the rest are judged" })
      .option("seed", { type: "number", default: 1, describe: "seed of the split, the cross-fitting folds and the bootstraps" })
      .option("alpha", { type: "number", describe: "target error among kept local answers (default: the action's `alpha`, else 0.05)" })
      .option("delta", { type: "number", describe: "allowed failure probability of that guarantee (default: the action's `delta`, else 0.1)" })
      .option("limit", { type: "number", describe: "bench a seeded sample of this many items (default: all)" })
      .option("results-dir", { type: "string", default: "results", describe: "where the bench run folder goes" })
      .option("json", { type: "boolean", default: false, describe: "print the EvaluateReport (bench/evaluate/frontier-types.ts) as JSON" })
      .check((a) => {
        if (!a.run === !a.dataset) throw new Error("pass exactly one of --dataset <file> (bench, then evaluate) or --run <bench run>");
        if (!(a.split > 0 && a.split < 1)) throw new Error("--split must be between 0 and 1 (exclusive)");
        if (!Number.isInteger(a.seed)) throw new Error("--seed must be an integer");
        return true;
      })
      .example("$0 bench evaluate --config config/router.replay.yaml --dataset datasets/gsm8k-replay.jsonl --split 0.5 --seed 1 --json", "")
      .example("$0 bench evaluate --config config/router.replay.yaml --run results/gsm-all", "reuse a run") as unknown as Argv<EvaluateArgs>,
  handler: (args) =>
    runCommand(async (signal) => {
      const loaded = loadRouterConfig(args.config, { calibration: false });
      let dir: string;
      if (args.run) {
        dir = resolveRunDir(args.run);
      } else {
        const dataset = loadDataset(args.dataset!);
        const { config } = withDatasetActions(loaded, dataset);
        const actions = [...new Set(dataset.items.map((i) => i.action))].filter((a) => !args.action || a === args.action);
        const models = [...new Set(actions.flatMap((a) => tierChain(config, a)))].flatMap((t) => allModels(config).filter((m) => m.tier === t));
        const paid = models.filter((m) => !FREE.has(config.data.providers[m.provider]?.kind ?? ""));
        if (paid.length)
          throw new UsageError({
            message: `evaluating benches every model of the action on every item, and ${paid.map((m) => m.id).join(", ")} would be live paid calls`,
            fix: "bench them deliberately with `bench run`, then pass the run with --run",
          });
        const progress = Boolean(process.stderr.isTTY) && !args.json;
        const result = await runBench({
          config: args.config,
          dataset: args.dataset!,
          models: models.map((m) => m.id),
          cascade: false,
          limit: args.limit,
          seed: args.seed,
          action: args.action,
          concurrency: 1,
          warmup: 0,
          slo: {},
          resultsDir: args["results-dir"],
          storeAnswers: false,
          progress,
          signal,
          command: `bench evaluate ${process.argv.slice(3).join(" ")}`,
        });
        if (result.interrupted) {
          process.stderr.write(`tierlab: interrupted; the records so far are in ${result.dir} (finish with bench run --resume, then bench evaluate --run)\n`);
          return EXIT.interrupted;
        }
        dir = result.dir;
        if (!args.json) process.stderr.write(`benched ${models.length} models → ${dir}\n`);
      }
      const report = evaluateRun({
        configFile: args.config,
        runDir: dir,
        dataset: args.dataset ? resolve(args.dataset) : undefined,
        action: args.action,
        split: args.split,
        seed: args.seed,
        alpha: args.alpha,
        delta: args.delta,
      });
      if (args.json) printJson(report);
      else process.stdout.write(renderEvaluateTable(report));
      return EXIT.ok;
    }),
};
