/** Test helper: starts child-router.ts in its own Node process and reads its stdout line by line. */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "./models.js";

const CHILD = join(dirname(fileURLToPath(import.meta.url)), "child-router.ts");

export interface Child {
  proc: ChildProcess;
  lines: string[];
  stderr: () => string;
  /** Resolves when a line satisfies `pred` (or rejects after `timeoutMs`). */
  waitFor(pred: (line: string, all: string[]) => boolean, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnChild(mode: "loop" | "budget", args: Record<string, unknown>): Child {
  const proc = spawn(process.execPath, ["--import", "tsx", CHILD, mode, JSON.stringify(args)], { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  let err = "";
  const waiters: { pred: (l: string, all: string[]) => boolean; resolve: () => void }[] = [];
  createInterface({ input: proc.stdout! }).on("line", (l) => {
    lines.push(l);
    for (const w of [...waiters]) {
      if (!w.pred(l, lines)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  return {
    proc,
    lines,
    stderr: () => err,
    exited,
    waitFor: (pred, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        if (lines.some((l) => pred(l, lines))) return resolve();
        const timer = setTimeout(() => reject(new Error(`child ${mode}: no matching line within ${timeoutMs} ms; stderr: ${err.slice(0, 2000)}`)), timeoutMs);
        waiters.push({ pred, resolve: () => (clearTimeout(timer), resolve()) });
        void exited.then(() => setTimeout(() => reject(new Error(`child ${mode} exited; stderr: ${err.slice(0, 2000)}`)), 50));
      }),
  };
}
