/** Entry for `npm run bench -- run ...` from the repo root: the same commands as `tierlab bench`. */
import { runCli } from "./program.js";
import { benchCommand } from "./bench/bench-command.js";

await runCli(["bench", ...process.argv.slice(2)], [benchCommand], "npm run bench --");
