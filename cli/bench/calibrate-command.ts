/** `bench calibrate <run>`: choose per-action thresholds from a bench run and write the calibration file. */
import { basename, resolve } from "node:path";
import type { Argv, CommandModule } from "yargs";
import { DEFAULT_CONFIG, loadRouterConfig } from "../../router/config/load.js";
import { EXIT } from "../../core/exit-codes.js";
import { UsageError } from "../../core/errors.js";
import { parseWindow } from "../../router/ledger/usage.js";
import { labelsFromLedger } from "../../bench/calibrate/from-ledger.js";
import { printJson, runCommand, type ArgsOf } from "../common.js";
import type { BenchRecord } from "../../bench/contracts/bench-record.js";
import { configOfRun, RunFolder, resolveRunDir } from "../../bench/run/run-folder.js";
import { writeJsonAtomic } from "../../core/atomic-write.js";
import { DEFAULT_MIN_ITEMS } from "../../bench/stats/thresholds.js";
import { CALIBRATE_DEFAULTS, calibrateRecords } from "../../bench/calibrate/calibrate.js";
import { renderCalibrationTable } from "../../bench/calibrate/render.js";
import { renderPolicies } from "../../bench/calibrate/render-policies.js";

const builder = (y: Argv) =>
  y
    .positional("run", { type: "string", describe: "run id (under results/) or run folder" })
    .option("from-ledger", {
      type: "boolean",
      default: false,
      describe: "calibrate from the ledger's labels (shadow checks, feedback, escalations) instead of a bench run",
    })
    .option("ledger", { type: "string", describe: "with --from-ledger: SQLite path or postgres:// URL (default as `usage`)" })
    .option("recent", { type: "string", default: "30d", describe: "with --from-ledger: the window of labels to use" })
    .option("config", {
      type: "string",
      default: process.env.TIERLAB_CONFIG ?? DEFAULT_CONFIG,
      normalize: true,
      describe: "router config; the file is written to its `calibration:` path",
    })
    .option("out", { type: "string", normalize: true, describe: "write the calibration file here instead of the config's path" })
    .option("alpha", {
      type: "number",
      describe: `risk control: tolerated error rate among kept local answers (default: each action's \`alpha\`, else ${CALIBRATE_DEFAULTS.alpha})`,
    })
    .option("delta", {
      type: "number",
      describe: `risk control: allowed chance that the alpha guarantee fails (default: each action's \`delta\`, else ${CALIBRATE_DEFAULTS.delta})`,
    })
    .option("seed", { type: "number", default: 1, describe: "seed of the scorers' cross-fitting folds and the AUROC bootstrap" })
    .option("escalation-share", {
      type: "number",
      default: CALIBRATE_DEFAULTS.share,
      describe: "escalation share: target share of answers sent to the next tier",
    })
    .option("method", {
      type: "string",
      choices: ["risk_control", "escalation_share"] as const,
      default: CALIBRATE_DEFAULTS.method,
      describe: "which threshold is written (both are shown)",
    })
    .option("min-items", { type: "number", default: DEFAULT_MIN_ITEMS, describe: "refuse an action/tier with fewer usable items than this" })
    .option("json", { type: "boolean", default: false, describe: "print the calibration (with diagnostics) as JSON" })
    .example("$0 bench calibrate 2026-01-05-classify", "risk control at alpha 0.05, delta 0.1")
    .example("$0 bench calibrate results/r1 --method escalation_share --escalation-share 0.3 --out /tmp/cal.json", "")
    .example("$0 bench calibrate --from-ledger --recent 14d", "thresholds from production labels");

export const calibrateCommand: CommandModule<object, ArgsOf<typeof builder>> = {
  command: "calibrate [run]",
  describe:
    "choose per-action acceptance thresholds from a bench run's confidence vs grader verdicts, or (--from-ledger) from production's shadow, feedback and escalation labels",
  builder,
  handler: (args) =>
    runCommand(async () => {
      if (!args.run === !args["from-ledger"]) throw new UsageError({ message: "name a bench run, or pass --from-ledger (not both)" });
      // Loading the config without its calibration: an old or broken file must not block replacing it.
      let config = loadRouterConfig(args.config, { calibration: false });
      const file = args.out ? resolve(args.out) : config.calibrationFile;
      let records: BenchRecord[];
      let sourceRun: string;
      let dir: string;
      if (args["from-ledger"]) {
        const until = new Date();
        const labels = await labelsFromLedger({ config, ledger: args.ledger, since: new Date(until.getTime() - parseRecent(args.recent)), until });
        records = labels.records;
        sourceRun = dir = labels.sourceRun;
        process.stderr.write(
          `labels used: ${labels.used.feedback} feedback, ${labels.used.shadow} shadow, ${labels.used.escalation} escalation (${labels.dropped} without a confidence or ledger row left out); shadow and escalation labels measure agreement with the API tier\n`,
        );
      } else {
        dir = resolveRunDir(args.run!);
        const folder = new RunFolder(dir);
        records = folder.records();
        sourceRun = runIdOf(records, dir);
        config = configOfRun(args.config, folder.dir);
      }
      const { calibration, report } = calibrateRecords(records, {
        config,
        seed: args.seed,
        sourceRun,
        alpha: args.alpha,
        delta: args.delta,
        share: args["escalation-share"],
        method: args.method,
        minItems: args["min-items"],
      });
      const write = report.written > 0 || calibration.policies.length > 0;
      if (write) writeJsonAtomic(file, calibration);
      if (args.json) printJson({ file: write ? file : null, calibration });
      else {
        process.stdout.write(renderCalibrationTable(report, { params: calibration.params, file }));
        if (report.policies) process.stdout.write(renderPolicies(calibration, report.policies));
      }
      if (write) return EXIT.ok;
      process.stderr.write(`tierlab: nothing could be calibrated from ${dir}; ${file} was left unchanged (see the reasons above)\n`);
      return EXIT.badInput;
    }),
};

/** Records carry the run id; a folder mixing runs is named after itself. */
function runIdOf(records: readonly BenchRecord[], dir: string): string {
  const ids = new Set(records.map((r) => r.run_id));
  return ids.size === 1 ? [...ids][0]! : basename(resolve(dir));
}

function parseRecent(text: string): number {
  try {
    return parseWindow(text);
  } catch (err) {
    throw new UsageError({ message: `--recent: ${(err as Error).message}` });
  }
}
