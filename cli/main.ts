/** The `tierlab` CLI: one yargs program, one command module per part. */
import { hideBin } from "yargs/helpers";
import { ALL_COMMANDS } from "./commands.js";
import { runCli } from "./program.js";

await runCli(hideBin(process.argv), ALL_COMMANDS);
