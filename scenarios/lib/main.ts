/**
 * `npx tsx scenarios/<name>.ts [--flags]`: the scenario as a one-command program, with the same flags,
 * help, error messages and exit codes as `tierlab report <name>`.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { quietOnClosedStdout, refuseRepeatedOptions } from "../../cli/guards.js";
import { EXIT_CODES_HELP } from "../../cli/program.js";
import { EXIT } from "../../core/exit-codes.js";
import { scenarioCommand } from "./execute.js";
import type { Scenario } from "./scenario.js";

/** True when the module at `url` is the script node was started with (not when imported). */
export function isMain(url: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(url));
  } catch {
    return false;
  }
}

export async function runMain<A>(scenario: Scenario<A>): Promise<void> {
  const name = `tsx scenarios/${scenario.id}.ts`;
  quietOnClosedStdout();
  await refuseRepeatedOptions(yargs(hideBin(process.argv)))
    .scriptName(name)
    .command(scenarioCommand(scenario, "$0"))
    .strict()
    .epilogue(EXIT_CODES_HELP)
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`${name}: ${msg}\nRun with --help for usage.\n`);
      process.exit(EXIT.badInput);
    })
    .help()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .parseAsync();
}
