/** The `bench` command group: run, calibrate, compare. Used by `tierlab bench` and `npx tsx bench`. */
import type { Argv, CommandModule } from "yargs";
import { calibrateCommand } from "./calibrate/calibrate-command.js";
import { compareCommand } from "./compare/compare-command.js";
import { runCommandModule } from "./run/run-command.js";

export const benchCommand: CommandModule = {
  command: "bench <command>",
  describe: "live benchmark: run datasets against models, calibrate thresholds, compare runs",
  builder: (y: Argv) => y.command(runCommandModule).command(calibrateCommand).command(compareCommand).demandCommand(1, "name a bench command: run, calibrate or compare"),
  handler: () => undefined,
};
