/** `bench calibrate <run>`: choose per-action thresholds from a bench run and write the calibration file. */
import { basename, resolve } from "node:path";
import type { Argv, CommandModule } from "yargs";
import { DEFAULT_CONFIG, loadRouterConfig } from "../../router/config/load.js";
import { EXIT } from "../../router/exit-codes.js";
import { printJson, runCommand, type ArgsOf } from "../../router/cli/common.js";
import type { BenchRecord } from "../contracts/bench-record.js";
import { RunFolder, resolveRunDir } from "../run/run-folder.js";
import { writeJsonAtomic } from "../../router/util/atomic-write.js";
import { DEFAULT_MIN_ITEMS } from "../stats/thresholds.js";
import { CALIBRATE_DEFAULTS, calibrateRecords } from "./calibrate.js";
import { renderCalibrationTable } from "./render.js";

const builder = (y: Argv) =>
  y
    .positional("run", { type: "string", demandOption: true, describe: "run id (under results/) or run folder" })
    .option("config", { type: "string", default: process.env.TIERLAB_CONFIG ?? DEFAULT_CONFIG, normalize: true, describe: "router config; the file is written to its `calibration:` path" })
    .option("out", { type: "string", normalize: true, describe: "write the calibration file here instead of the config's path" })
    .option("alpha", { type: "number", default: CALIBRATE_DEFAULTS.alpha, describe: "risk control: tolerated error rate among accepted local answers" })
    .option("delta", { type: "number", default: CALIBRATE_DEFAULTS.delta, describe: "risk control: allowed chance that the alpha guarantee fails" })
    .option("escalation-share", { type: "number", default: CALIBRATE_DEFAULTS.share, describe: "escalation share: target share of answers sent to the next tier" })
    .option("method", { type: "string", choices: ["risk_control", "escalation_share"] as const, default: CALIBRATE_DEFAULTS.method, describe: "which threshold is written (both are shown)" })
    .option("min-items", { type: "number", default: DEFAULT_MIN_ITEMS, describe: "refuse an action/tier with fewer usable items than this" })
    .option("json", { type: "boolean", default: false, describe: "print the calibration (with diagnostics) as JSON" })
    .example("$0 bench calibrate 2026-01-05-classify", "risk control at alpha 0.05, delta 0.1")
    .example("$0 bench calibrate results/r1 --method escalation_share --escalation-share 0.3 --out /tmp/cal.json", "");

export const calibrateCommand: CommandModule<object, ArgsOf<typeof builder>> = {
  command: "calibrate <run>",
  describe: "choose per-action acceptance thresholds from a bench run's confidence vs grader verdicts",
  builder,
  handler: (args) =>
    runCommand(async () => {
      const dir = resolveRunDir(args.run);
      const records = new RunFolder(dir).records();
      // Loading the config without its calibration: an old or broken file must not block replacing it.
      const file = args.out ? resolve(args.out) : loadRouterConfig(args.config, { calibration: false }).calibrationFile;
      const { calibration, report } = calibrateRecords(records, {
        sourceRun: runIdOf(records, dir),
        alpha: args.alpha,
        delta: args.delta,
        share: args["escalation-share"],
        method: args.method,
        minItems: args["min-items"],
      });
      const write = report.written > 0;
      if (write) writeJsonAtomic(file, calibration);
      if (args.json) printJson({ file: write ? file : null, calibration });
      else process.stdout.write(renderCalibrationTable(report, { params: calibration.params, file }));
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
