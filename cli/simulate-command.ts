/**
 * `tierlab simulate` (also `npm run simulate -- ...`): the yargs command module. Human table by default,
 * `--json` prints the results file to stdout, `--out` writes it atomically; errors print their fix and
 * exit with core/exit-codes.ts codes.
 */
import { writeFileAtomic } from "../core/atomic-write.js";
import type { Argv, CommandModule } from "yargs";
import { DEFAULT_CONFIG, loadRouterConfig } from "../router/config/load.js";
import { EXIT } from "../core/exit-codes.js";
import type { ArgsOf } from "./common.js";
import { TierlabError, UsageError } from "../core/errors.js";
import type { SimMode } from "../simulator/engine-common.js";
import { formatResults } from "../simulator/format.js";
import { defaultThreads } from "../simulator/parallel.js";
import { DEFAULT_PROFILES, loadUsageProfiles } from "../simulator/profiles.js";
import { formatSeedReproduction, reproduceSeed } from "../simulator/reproduce-seed.js";
import { seedArgsFromConfig } from "../simulator/seed-inputs.js";
import { serializeResults, writeResultsFile } from "../simulator/results.js";
import { DEFAULT_SENSITIVITY_TRIALS, runSimulation } from "../simulator/run.js";

const simulateBuilder = (y: Argv) =>
  y
    .option("usage", { type: "string", default: "medium", describe: "usage profile from the profiles file (light, medium, heavy, ...)" })
    .option("days", { type: "number", default: 30, describe: "days to simulate" })
    .option("trials", { type: "number", default: 10_000, describe: "Monte Carlo trials" })
    .option("seed", { type: "number", default: 1, describe: "RNG seed: the same seed gives byte-identical output" })
    .option("from-bench", { type: "string", describe: "bench run (id under results/, run directory or records.jsonl) for pass rates, tokens and latencies" })
    .option("config", {
      type: "string",
      default: process.env.TIERLAB_CONFIG ?? DEFAULT_CONFIG,
      describe: "router config (tiers, actions, prices, budgets, calibration)",
      normalize: true,
    })
    .option("calibration", { type: "string", describe: "calibration file to use instead of the config's" })
    .option("profiles", { type: "string", default: DEFAULT_PROFILES, describe: "usage profiles and assumptions (YAML)", normalize: true })
    .option("mode", {
      choices: ["aggregated", "exact"] as const,
      default: "aggregated" as SimMode,
      describe: "aggregated: per-day sampling (fast, tested against exact); exact: every request",
    })
    .option("threads", { type: "number", default: defaultThreads(), describe: "threads including the main one (results do not depend on it)" })
    .option("json", { type: "boolean", default: false, describe: "print the results file (JSON) to stdout" })
    .option("out", { type: "string", describe: "write the results file here (atomically)" })
    .option("sensitivity", { type: "boolean", default: true, describe: "tornado table and break-even points (--no-sensitivity skips)" })
    .option("sensitivity-trials", { type: "number", default: DEFAULT_SENSITIVITY_TRIALS, describe: "trials per sensitivity run (same seed in every run)" })
    .option("delta", { type: "number", default: 0.2, describe: "relative move of each input in the tornado table" })
    .option("reproduce-seed", { type: "boolean", default: false, describe: "recompute the seed's cost arithmetic and mark each claim" })
    .example("$0 simulate --usage heavy --days 30", "")
    .example("$0 simulate --usage medium --from-bench 2026-11-25T10-00-00 --out sim.json", "")
    .example("$0 simulate --reproduce-seed", "");

type SimulateArgs = ArgsOf<typeof simulateBuilder>;

export const simulateCommand: CommandModule<object, ArgsOf<typeof simulateBuilder>> = {
  command: "simulate",
  describe: "Monte Carlo cost simulation: hybrid vs pure API cost distributions, budgets, success metrics, sensitivity",
  builder: simulateBuilder,
  handler: (args) =>
    runCommand(async () => {
      checkArgs(args);
      if (args["reproduce-seed"]) return reproduce(args);
      const results = await runSimulation({
        usage: args.usage,
        days: args.days,
        trials: args.trials,
        seed: args.seed,
        mode: args.mode,
        threads: args.threads,
        config: args.config,
        calibration: args.calibration,
        profiles: args.profiles,
        fromBench: args["from-bench"],
        sensitivity: args.sensitivity,
        sensitivityTrials: args["sensitivity-trials"],
        delta: args.delta,
      });
      if (args.out) writeResultsFile(args.out, results);
      if (args.json) process.stdout.write(serializeResults(results));
      else process.stdout.write(formatResults(results));
    }),
};

/**
 * Known errors print their message and fix and exit with their code (as cli/common.ts's runCommand
 * does; not imported from there because it loads the SQLite ledger, ~0.2 s of start-up this command never uses).
 */
async function runCommand(body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
    process.exitCode = EXIT.ok;
  } catch (err) {
    if (err instanceof TierlabError) {
      process.stderr.write(`tierlab: ${err.describe()}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`tierlab: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = EXIT.failure;
    }
  }
}

function checkArgs(a: SimulateArgs): void {
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new UsageError({ message: `--${name} must be an integer from ${min} to ${max}, got ${v}` });
  };
  int("days", a.days, 1, 3650);
  int("trials", a.trials, 1, 10_000_000);
  int("seed", a.seed, 0, 0xffffffff);
  int("threads", a.threads, 1, 256);
  int("sensitivity-trials", a["sensitivity-trials"], 1, 10_000_000);
  if (!(a.delta > 0 && a.delta < 1)) throw new UsageError({ message: `--delta must be between 0 and 1 (e.g. 0.2 for ±20 %), got ${a.delta}` });
}

function reproduce(args: SimulateArgs): void {
  const config = loadRouterConfig(args.config, args.calibration ? { calibration: args.calibration } : {});
  const profiles = loadUsageProfiles(args.profiles);
  const r = reproduceSeed(seedArgsFromConfig({ config, profiles }));
  const text = JSON.stringify(r, null, 2) + "\n";
  if (args.out) {
    writeFileAtomic(args.out, text);
  }
  process.stdout.write(args.json ? text : formatSeedReproduction(r));
}
