/** Entry for `npx tsx simulator --usage heavy --days 30` from the repo root: the same command as `tierlab simulate`. */
import { runCli } from "../cli/program.js";
import { simulateCommand } from "./cli.js";

await runCli(["simulate", ...process.argv.slice(2)], [simulateCommand], "tsx simulator");
