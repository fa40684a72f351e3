/**
 * Two guards every tierlab program installs: options given more than once, and a stdout whose
 * reader went away (`tierlab usage --export … | head`).
 */
import type { Argv } from "yargs";

/**
 * yargs turns a repeated option into an array, which a string or number option's consumer does not
 * expect (`--tier a --tier b` reached the code as ["a", "b"]). A global check refuses it instead, as
 * bad input. yargs' typings omit `getOptions()`, which lists the options the running command declared.
 */
export function refuseRepeatedOptions<T>(program: Argv<T>): Argv<T> {
  const declared = () => (program as unknown as { getOptions(): { key: Record<string, unknown>; array: string[] } }).getOptions();
  return program.check((argv) => {
    const { key, array } = declared();
    for (const name of Object.keys(key)) {
      const v = (argv as Record<string, unknown>)[name];
      if (Array.isArray(v) && !array.includes(name)) throw new Error(`--${name} was given ${v.length} times (${v.map(String).join(", ")}); give it once`);
    }
    return true;
  }, true);
}

/**
 * When the reader of stdout closes the pipe (`| head`), further writes fail with EPIPE, which Node
 * raises as an uncaught error. The command should finish its work (a route still reaches the ledger),
 * only its printing is pointless: writes are dropped from then on.
 */
let quiet = false;
export function quietOnClosedStdout(): void {
  if (quiet) return;
  quiet = true;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.stdout.write = (() => true) as typeof process.stdout.write;
  });
}
