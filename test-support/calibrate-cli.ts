/**
 * Test helper: runs one yargs command module in a child Node process (through tsx), so tests see the
 * real exit code, stdout and stderr without touching the test worker's own process state.
 */
import { spawnSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `modulePath` is relative to the repository root, e.g. "cli/bench/compare-command.ts". */
export function runCommandModule(args: { modulePath: string; exportName: string; argv: string[] }): CliRun {
  const url = pathToFileURL(resolve(REPO_ROOT, args.modulePath)).href;
  const script = [
    `import yargs from "yargs";`,
    `const { ${args.exportName}: command } = await import(${JSON.stringify(url)});`,
    `await yargs(process.argv.slice(1)).command(command).strict().fail((msg, err) => { if (err) throw err; console.error(msg); process.exit(2); }).parseAsync();`,
  ].join("\n");
  // Tests pass --config explicitly; an inherited TIERLAB_CONFIG must not change their defaults.
  const { TIERLAB_CONFIG: _ignored, ...env } = process.env;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, ...args.argv], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env,
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
