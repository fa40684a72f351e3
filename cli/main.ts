/** The `tierlab` CLI: one yargs program, one command module per part. */
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { EXIT } from "../router/exit-codes.js";
import { routeCommand } from "../router/cli/route-command.js";
import { usageCommand } from "../router/cli/usage-command.js";

export async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName("tierlab")
    .command(routeCommand)
    .command(usageCommand)
    .demandCommand(1, "name a command; see --help")
    .strict()
    .recommendCommands()
    .epilogue("Exit codes: 0 ok, 1 internal error, 2 bad input (config, dataset, flags), 3 no tier answered, 4 budget refused, 5 significant regression (bench compare), 130 interrupted.")
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`tierlab: ${msg}\nRun with --help for usage.\n`);
      process.exit(EXIT.badInput);
    })
    .help()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .parseAsync();
}

await main(hideBin(process.argv));
