/** Runs the real `tierlab` CLI in a child process, as a user would, and captures what it printed. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./models.js";

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; entry?: string } = {}): CliRun {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, opts.entry ?? "cli/main.ts"), ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...process.env, ...opts.env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
