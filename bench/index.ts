/** Entry for `npx tsx bench run ...` from the repo root: the same commands as `tierlab bench`. */
import { runCli } from "../cli/program.js";
import { benchCommand } from "./cli.js";

await runCli(["bench", ...process.argv.slice(2)], [benchCommand], "tsx bench");
