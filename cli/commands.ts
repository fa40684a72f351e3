/** Every `tierlab` command module, in --help order: the one list cli/main.ts and the CLI test harness share. */
import type { CommandModule } from "yargs";
import { benchCommand } from "./bench/bench-command.js";
import { serveCommand } from "./serve-command.js";
import { routeCommand } from "./route-command.js";
import { usageCommand } from "./usage-command.js";
import { feedbackCommand } from "./feedback-command.js";
import { batchCommand } from "./batch-command.js";
import { replayCommand } from "./replay-command.js";
import { doctorCommand } from "./doctor-command.js";
import { modelsCommand } from "./models-command.js";
import { reportCommand } from "./report-command.js";
import { simulateCommand } from "./simulate-command.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- yargs command modules differ in their args type
export const ALL_COMMANDS: CommandModule<any, any>[] = [
  routeCommand,
  usageCommand,
  benchCommand,
  simulateCommand,
  reportCommand,
  serveCommand,
  modelsCommand,
  doctorCommand,
  replayCommand,
  feedbackCommand,
  batchCommand,
];
