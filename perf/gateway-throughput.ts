/**
 * Gateway throughput with the durable ledger, next to the pass-through floor: upstream, proxy and
 * gateway each run in their own process; this process drives a closed loop of `concurrency`
 * requests in flight. Reported per target: wall-clock requests/s, and requests per CPU-second of
 * the target process, which is what one core sustains. On a machine shared with other work the
 * wall-clock rate measures the share the target got; the CPU-second rate does not depend on it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Pool } from "undici";
import { REPO_ROOT } from "../test-support/models.js";
import { PERF_ACTION } from "./gateway-config.js";

export interface ThroughputResult {
  rps: number;
  /** Requests per CPU-second of the target process. */
  perCoreRps: number;
  /** CPU µs the target spent per request. */
  cpuUsPerRequest: number;
}

export interface Child {
  url: string;
  proc: ChildProcess;
  cpuUs(): Promise<number>;
  stop(): void;
}

export async function startChild(args: string[]): Promise<Child> {
  const proc = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "perf/gateway-child.ts"), ...args], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once("line", resolve);
    proc.once("exit", (code) => reject(new Error(`perf child ${args[0]} exited with ${code}`)));
  });
  return {
    url,
    proc,
    cpuUs: () =>
      new Promise((resolve) => {
        proc.once("message", (m) => {
          const u = m as NodeJS.CpuUsage;
          resolve(u.user + u.system);
        });
        proc.send("cpu");
      }),
    stop: () => void proc.kill("SIGTERM"),
  };
}

interface Driver {
  warm(n: number): Promise<void>;
  /** Runs `n` requests; returns wall seconds and the target's CPU µs. */
  run(n: number): Promise<{ wallS: number; cpuUs: number }>;
  close(): Promise<void>;
}

function driver(target: Child, path: string, body: string, concurrency: number): Driver {
  const pool = new Pool(target.url, { connections: concurrency, pipelining: 1 });
  const one = async () => {
    const r = await pool.request({ path, method: "POST", headers: { "content-type": "application/json" }, body });
    await r.body.text();
    if (r.statusCode !== 200) throw new Error(`${target.url}${path}: HTTP ${r.statusCode}`);
  };
  const loop = async (count: number) => {
    let left = count;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left-- > 0) await one();
      }),
    );
  };
  return {
    warm: (n: number) => loop(n),
    async run(n) {
      const cpu0 = await target.cpuUs();
      const t0 = performance.now();
      await loop(n);
      const wallS = (performance.now() - t0) / 1000;
      return { wallS, cpuUs: (await target.cpuUs()) - cpu0 };
    },
    close: () => pool.close(),
  };
}

/** Rounds alternate between the targets, so drift in the machine's load falls on both alike. */
const ROUNDS = 4;

export async function measureThroughput(opts: {
  requests: number;
  concurrency: number;
}): Promise<{ proxy: ThroughputResult; gateway: ThroughputResult; scripted: ThroughputResult }> {
  const upstream = await startChild(["upstream"]);
  const children = [upstream];
  try {
    const proxy = await startChild(["proxy", upstream.url]);
    children.push(proxy);
    const gateway = await startChild(["gateway", upstream.url]);
    children.push(gateway);
    const scripted = await startChild(["gateway-scripted"]);
    children.push(scripted);
    const messages = [{ role: "user", content: "Fixed login bug" }];
    const drivers = [
      driver(proxy, "/v1/chat/completions", JSON.stringify({ model: "perf-model", messages }), opts.concurrency),
      driver(gateway, "/v1/chat/completions", JSON.stringify({ model: `tierlab/${PERF_ACTION}`, messages }), opts.concurrency),
      driver(scripted, "/v1/chat/completions", JSON.stringify({ model: `tierlab/${PERF_ACTION}`, messages }), opts.concurrency),
    ];
    const totals = drivers.map(() => ({ wallS: 0, cpuUs: 0, n: 0 }));
    try {
      for (const d of drivers) await d.warm(Math.min(2000, opts.requests));
      const per = Math.ceil(opts.requests / ROUNDS);
      for (let r = 0; r < ROUNDS; r++) {
        for (let i = 0; i < drivers.length; i++) {
          const got = await drivers[i]!.run(per);
          totals[i]!.wallS += got.wallS;
          totals[i]!.cpuUs += got.cpuUs;
          totals[i]!.n += per;
        }
      }
    } finally {
      for (const d of drivers) await d.close();
    }
    const result = (t: { wallS: number; cpuUs: number; n: number }): ThroughputResult => ({
      rps: t.n / t.wallS,
      perCoreRps: t.n / (t.cpuUs / 1e6),
      cpuUsPerRequest: t.cpuUs / t.n,
    });
    return { proxy: result(totals[0]!), gateway: result(totals[1]!), scripted: result(totals[2]!) };
  } finally {
    for (const c of children) c.stop();
  }
}
