/** The `bench` command group: run, calibrate, compare, evaluate. Used by `tierlab bench` and `npm run bench --`. */
import type { Argv, CommandModule } from "yargs";
import { calibrateCommand } from "./calibrate-command.js";
import { compareCommand } from "./compare-command.js";
import { evaluateCommand } from "./evaluate-command.js";
import { runCommandModule } from "./run-command.js";

export const benchCommand: CommandModule = {
  command: "bench <command>",
  describe: "live benchmark: run datasets against models, calibrate thresholds, compare runs, evaluate routing policies",
  builder: (y: Argv) =>
    y
      .command(runCommandModule)
      .command(calibrateCommand)
      .command(compareCommand)
      .command(evaluateCommand)
      .demandCommand(1, "name a bench command: run, calibrate, compare or evaluate"),
  handler: () => undefined,
};
