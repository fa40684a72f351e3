/**
 * Test helper: several real `tierlab serve` processes (the CLI, as an operator starts them) pointed
 * at one ledger database through TIERLAB_DATABASE_URL, and a client that records every answer.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./models.js";

export interface ServeInstance {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startInstances(
  n: number,
  opts: { config: string; databaseUrl: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<ServeInstance[]> {
  return Promise.all(Array.from({ length: n }, () => startInstance(opts)));
}

function startInstance(opts: { config: string; databaseUrl: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<ServeInstance> {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", join(REPO_ROOT, "cli/main.ts"), "serve", "--config", opts.config, "--port", "0", "--grace-ms", "2000"],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...opts.env, TIERLAB_DATABASE_URL: opts.databaseUrl },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let err = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tierlab serve did not start within ${opts.timeoutMs ?? 60_000} ms: ${err}`)), opts.timeoutMs ?? 60_000);
    proc.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /tierlab gateway on (http:\/\/\S+)\/v1/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1]!, stderr: () => err, exited });
      }
    });
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`tierlab serve exited (${e.code ?? e.signal}) before listening: ${err}`));
    });
  });
}

export async function stopInstances(instances: ServeInstance[]): Promise<void> {
  await Promise.all(
    instances.map(async (i) => {
      if (i.proc.exitCode === null && i.proc.signalCode === null) i.proc.kill("SIGTERM");
      await i.exited;
    }),
  );
}

export interface Answer {
  instance: number;
  prompt: string;
  status: number;
  requestId: string | null;
  code: string | null;
  startedMs: number;
  endedMs: number;
}

/** One chat completion for `tierlab/<action>`; network failures come back as status 0. */
export async function ask(args: { instances: ServeInstance[]; instance: number; action: string; prompt: string; t0: number }): Promise<Answer> {
  const startedMs = performance.now() - args.t0;
  try {
    const res = await fetch(`${args.instances[args.instance]!.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: `tierlab/${args.action}`, messages: [{ role: "user", content: args.prompt }] }),
    });
    const body = (await res.json()) as { error?: { code?: string } };
    return {
      instance: args.instance,
      prompt: args.prompt,
      status: res.status,
      requestId: res.headers.get("x-request-id"),
      code: body.error?.code ?? null,
      startedMs,
      endedMs: performance.now() - args.t0,
    };
  } catch {
    return { instance: args.instance, prompt: args.prompt, status: 0, requestId: null, code: "network", startedMs, endedMs: performance.now() - args.t0 };
  }
}
