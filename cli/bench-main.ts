/** Entry for `npm run bench -- run ...` from the repo root: the same commands as `tierlab bench`.
 * Help and errors name `tierlab bench …`, the form that also works as `npm run tierlab -- bench …`. */
import { runCli } from "./program.js";
import { benchCommand } from "./bench/bench-command.js";

await runCli(["bench", ...process.argv.slice(2)], [benchCommand], "tierlab");
