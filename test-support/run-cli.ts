/** Runs the real `tierlab` CLI in a child process, as a user would, and captures what it printed. */
import { spawn, spawnSync } from "node:child_process";
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

/**
 * The same, without blocking the event loop: needed when the test process also runs the server the
 * CLI talks to. Resolves with the wall time; `timeoutMs` kills a CLI that hangs (status null).
 */
export function runCliAsync(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun & { wallMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "cli/main.ts"), ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const killer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
  return new Promise((resolve) => {
    child.on("close", (status) => {
      clearTimeout(killer);
      resolve({ status, stdout, stderr, wallMs: performance.now() - started });
    });
  });
}
