/** Shared CLI plumbing: config/ledger options, error → message + exit code, Ctrl-C handling. */
import type { Argv } from "yargs";

/**
 * The parsed arguments a command's builder declares, as yargs infers them from its options: a
 * command module is `CommandModule<object, ArgsOf<typeof builder>>`, with no hand-written twin of its flags.
 */
export type ArgsOf<B> = B extends (y: Argv) => Argv<infer T> ? T : never;
import { loadRouterConfig, DEFAULT_CONFIG, type RouterConfig } from "../router/config/load.js";
import { EXIT } from "../core/exit-codes.js";
import { TierlabError } from "../core/errors.js";
import type { LedgerStore } from "../router/ledger/contract.js";
import { openLedgerStore } from "../router/ledger/open-ledger.js";

export function withConfigOption<T>(y: Argv<T>) {
  return y.option("config", {
    type: "string",
    default: process.env.TIERLAB_CONFIG ?? DEFAULT_CONFIG,
    describe: "router config (YAML); config/router.embedded.yaml runs with no Ollama and no key",
    normalize: true,
  });
}

export function withConfigOptions<T>(y: Argv<T>) {
  return withConfigOption(y)
    .option("calibration", { type: "string", describe: "calibration file to use instead of the config's (thresholds from `bench calibrate`)" })
    .option("ledger", {
      type: "string",
      describe: "SQLite ledger path or postgres:// URL (default: $TIERLAB_DATABASE_URL, else ledger.url, else ledger.path in the config)",
    });
}

export function loadConfigFromArgs(args: { config: string; calibration?: string }): RouterConfig {
  return loadRouterConfig(args.config, args.calibration ? { calibration: args.calibration } : {});
}

/** The ledger commands write to (a PostgreSQL schema is migrated on start). */
export async function openLedger(config: RouterConfig, override: string | undefined): Promise<LedgerStore> {
  return (await openLedgerStore(config, { override }))!;
}

/** The ledger readers use; undefined where no SQLite file exists yet (reading never creates one). */
export function openLedgerReader(config: RouterConfig, override: string | undefined): Promise<LedgerStore | undefined> {
  return openLedgerStore(config, { override, readonly: true });
}

/** Runs a command body; known errors print their message and fix and exit with their code. */
export async function runCommand(body: (signal: AbortSignal) => Promise<number | void>): Promise<void> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write("\ninterrupted: finishing what is in flight and saving (Ctrl-C again to quit now)\n");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    const code = await body(controller.signal);
    process.exitCode = controller.signal.aborted ? EXIT.interrupted : (code ?? EXIT.ok);
  } catch (err) {
    if (controller.signal.aborted) {
      process.exitCode = EXIT.interrupted;
    } else if (err instanceof TierlabError) {
      process.stderr.write(`tierlab: ${err.describe()}\n`);
      process.exitCode = err.exitCode;
    } else if (isPathError(err)) {
      // A path given on the command line or in a config that cannot be used is bad input, not a crash.
      process.stderr.write(`tierlab: cannot use ${err.path} (${err.code})\n  fix: check that the folder exists and is writable\n`);
      process.exitCode = EXIT.badInput;
    } else {
      process.stderr.write(`tierlab: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = EXIT.failure;
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
}

const PATH_CODES = new Set(["ENOENT", "ENOTDIR", "EISDIR", "EACCES", "EPERM", "EROFS", "EEXIST"]);

function isPathError(err: unknown): err is NodeJS.ErrnoException & { path: string; code: string } {
  const e = err as NodeJS.ErrnoException | undefined;
  return typeof e?.path === "string" && typeof e.code === "string" && PATH_CODES.has(e.code);
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

export { pct, usd } from "../core/format.js";
export const ms = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : `${x < 10 ? x.toFixed(2) : Math.round(x)} ms`);
