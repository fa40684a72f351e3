/** The `tierlab` CLI: one yargs program, one command module per part. */
import { hideBin } from "yargs/helpers";
import { benchCommand } from "../bench/cli.js";
import { routeCommand } from "../router/cli/route-command.js";
import { usageCommand } from "../router/cli/usage-command.js";
import { simulateCommand } from "../simulator/cli.js";
import { serveCommand } from "../gateway/serve-command.js";
import { reportCommand } from "../scenarios/report-command.js";
import { runCli } from "./program.js";

await runCli(hideBin(process.argv), [routeCommand, usageCommand, benchCommand, simulateCommand, reportCommand, serveCommand]);
