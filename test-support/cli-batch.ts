/**
 * Runs many `tierlab` invocations in one Node process, each through the real program (cli/program.ts
 * `runCli`: yargs strictness, the fail handler, exit codes) and the real command modules, capturing
 * stdout, stderr and the exit code. One process start (~4 s with tsx) instead of one per case keeps
 * the bad-input catalogue fast; a few cases are also run through cli/main.ts to show they agree.
 *
 *   node --import tsx test-support/cli-batch.ts cases.json results.json
 *   cases.json: [{ "argv": ["route", ...], "env": { "K": "v" } }, ...]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { runCli } from "../cli/program.js";
import { ALL_COMMANDS } from "../cli/commands.js";

export interface BatchCase {
  argv: string[];
  env?: Record<string, string>;
}

export interface BatchResult {
  code: number;
  stdout: string;
  stderr: string;
}

class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

const COMMANDS = ALL_COMMANDS;

async function runOne(c: BatchCase): Promise<BatchResult> {
  let stdout = "";
  let stderr = "";
  const saved = { out: process.stdout.write, err: process.stderr.write, exit: process.exit, env: { ...process.env } };
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  process.exit = ((code?: number) => {
    throw new ExitSignal(code ?? 0);
  }) as typeof process.exit;
  Object.assign(process.env, c.env);
  process.exitCode = undefined;
  let code: number;
  try {
    await runCli(c.argv, COMMANDS);
    code = Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof ExitSignal) code = err.code;
    else {
      // What Node would do with an uncaught error: print it and exit 1.
      stderr += `uncaught: ${(err as Error)?.stack ?? String(err)}\n`;
      code = 1;
    }
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.exit = saved.exit;
    for (const k of Object.keys(process.env)) if (!(k in saved.env)) delete process.env[k];
    Object.assign(process.env, saved.env);
    process.exitCode = undefined;
  }
  return { code, stdout, stderr };
}

const [casesFile, resultsFile] = process.argv.slice(2);
if (casesFile && resultsFile) {
  const cases = JSON.parse(readFileSync(casesFile, "utf8")) as BatchCase[];
  const results: BatchResult[] = [];
  for (const c of cases) results.push(await runOne(c));
  writeFileSync(resultsFile, JSON.stringify(results));
  process.exit(0);
}
