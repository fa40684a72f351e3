/** Builds a yargs program from command modules, with tierlab's failure handling and exit codes. */
import yargs, { type CommandModule } from "yargs";
import { EXIT } from "../core/exit-codes.js";
import { TierlabError } from "../core/errors.js";
import { quietOnClosedStdout, refuseRepeatedOptions } from "./guards.js";

export const EXIT_CODES_HELP =
  "Exit codes: 0 ok, 1 internal error, 2 bad input (config, dataset, flags), 3 no tier answered, 4 budget refused, 5 significant regression (bench compare, report regression), 6 doctor found a failing check, 130 interrupted.";

// Each command module infers its own argument type; yargs offers no common supertype for a list of them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runCli(argv: string[], commands: CommandModule<any, any>[], scriptName = "tierlab"): Promise<void> {
  quietOnClosedStdout();
  let program = yargs(argv).scriptName(scriptName);
  for (const c of commands) program = program.command(c);
  await refuseRepeatedOptions(program)
    .demandCommand(1, "name a command; see --help")
    .strict()
    .recommendCommands()
    .epilogue(EXIT_CODES_HELP)
    .fail((msg, err) => {
      // Handlers report their own errors through runCommand; what reaches here is argument parsing
      // and `.check()` validation, i.e. bad input.
      if (err instanceof TierlabError) {
        process.stderr.write(`${scriptName}: ${err.describe()}\n`);
        process.exit(err.exitCode);
      }
      process.stderr.write(`${scriptName}: ${err ? err.message : msg}\nRun with --help for usage.\n`);
      process.exit(EXIT.badInput);
    })
    .help()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .parseAsync();
}
