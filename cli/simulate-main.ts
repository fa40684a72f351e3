/** Entry for `npm run simulate -- --usage heavy --days 30` from the repo root: the same command as `tierlab simulate`.
 * Help and errors name `tierlab simulate …`, the form that also works as `npm run tierlab -- simulate …`. */
import { runCli } from "./program.js";
import { simulateCommand } from "./simulate-command.js";

await runCli(["simulate", ...process.argv.slice(2)], [simulateCommand], "tierlab");
