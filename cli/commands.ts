/** Every `tierlab` command module, in --help order: the one list cli/main.ts and the CLI test harness share. */
import type { CommandModule } from "yargs";
import { benchCommand } from "../bench/cli.js";
import { serveCommand } from "../gateway/serve-command.js";
import { routeCommand } from "../router/cli/route-command.js";
import { usageCommand } from "../router/cli/usage-command.js";
import { feedbackCommand } from "../router/cli/feedback-command.js";
import { batchCommand } from "../router/cli/batch-command.js";
import { replayCommand } from "../router/cli/replay-command.js";
import { doctorCommand } from "../router/doctor/doctor-command.js";
import { modelsCommand } from "../router/cli/models-command.js";
import { reportCommand } from "../scenarios/report-command.js";
import { simulateCommand } from "../simulator/cli.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- yargs command modules differ in their args type
export const ALL_COMMANDS: CommandModule<any, any>[] = [routeCommand, usageCommand, benchCommand, simulateCommand, reportCommand, serveCommand, modelsCommand, doctorCommand, replayCommand, feedbackCommand, batchCommand];
