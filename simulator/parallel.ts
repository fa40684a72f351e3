/**
 * Splits trials across worker_threads plus the calling thread. Each trial has its own RNG stream
 * (fork(trialIndex)) and each block is copied back to its trial offset, so the merged arrays, and
 * everything computed from them, are byte-identical for any thread count (parallel.test.ts).
 *
 * Workers are spawned first (`SimPool.start`) and receive the compiled inputs later (`load`), so their
 * start-up overlaps config loading; the calling thread takes chunks from the same queue meanwhile.
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { CompiledSim } from "./compile.js";
import { allocBlock, K, tokenStride, type Perturbation, type SimMode, type TrialBlock } from "./engine-common.js";
import { runBlock, type BlockJob } from "./engine.js";
import { priceBlock } from "./pricing.js";

export interface RunJob {
  mode: SimMode;
  seed: number;
  trials: number;
  perturbation: Perturbation;
}

type Reply = { id: number; block?: TrialBlock; error?: string };

/** Chunks per thread: small enough to balance busy cores, large enough to amortise messaging. */
const CHUNKS_PER_THREAD = 4;

/** All cores; the calling thread counts as one. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Worker bootstrap. Node 20 does not carry tsx's module hooks into worker threads, so when running from
 * TypeScript sources the worker registers tsx itself before importing worker.ts.
 */
function workerCode(): string {
  const ts = import.meta.url.endsWith(".ts");
  const target = new URL(ts ? "./worker.ts" : "./worker.js", import.meta.url).href;
  if (!ts) return `import(${JSON.stringify(target)});`;
  const api =
    typeof import.meta.resolve === "function"
      ? import.meta.resolve("tsx/esm/api")
      : pathToFileURL(
          createRequire(import.meta.url)
            .resolve("tsx/esm/api")
            .replace(/\.cjs$/, ".mjs"),
        ).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
}

class WorkerHandle {
  private readonly pending = new Map<number, { resolve: (b: TrialBlock) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  constructor(readonly worker: Worker) {
    worker.on("message", (msg: Reply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.block) p.resolve(msg.block);
      else p.reject(new Error(`simulator worker failed: ${msg.error}`));
    });
    const fail = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`simulator worker exited (code ${code})`)));
  }
  load(compiled: CompiledSim): void {
    this.worker.postMessage({ type: "load", compiled });
  }
  run(job: BlockJob): Promise<TrialBlock> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: "run", id, job });
    });
  }
}

export class SimPool {
  private readonly workers: WorkerHandle[] = [];
  private compiled: CompiledSim | undefined;

  /** Spawns threads − 1 workers (none for threads ≤ 1); the calling thread is the remaining one. */
  static start(threads: number): SimPool {
    const pool = new SimPool();
    const code = threads > 1 ? workerCode() : "";
    for (let i = 1; i < threads; i++) pool.workers.push(new WorkerHandle(new Worker(code, { eval: true })));
    return pool;
  }

  static create(compiled: CompiledSim, threads: number): SimPool {
    const pool = SimPool.start(threads);
    pool.load(compiled);
    return pool;
  }

  load(compiled: CompiledSim): void {
    this.compiled = compiled;
    for (const w of this.workers) w.load(compiled);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Runs the trials, merges blocks by trial index and prices every day (pricing.ts). */
  async run(job: RunJob): Promise<TrialBlock> {
    const c = this.compiled;
    if (!c) throw new Error("SimPool.run before load");
    const all = allocBlock(c, 0, job.trials);
    const size = Math.max(1, Math.ceil(job.trials / (this.threads * CHUNKS_PER_THREAD)));
    let next = 0;
    const take = (): BlockJob | undefined => {
      if (next >= job.trials) return undefined;
      const start = next;
      next = Math.min(job.trials, start + size);
      return { mode: job.mode, seed: job.seed, start, end: next, perturbation: job.perturbation };
    };
    const merge = (b: TrialBlock) => {
      all.daily.set(b.daily, b.start * c.days * K);
      all.tokens.set(b.tokens, b.start * c.days * tokenStride(c));
      all.p95LatencyMs.set(b.p95LatencyMs, b.start);
    };
    const viaWorker = async (w: WorkerHandle) => {
      for (let j = take(); j; j = take()) merge(await w.run(j));
    };
    const inline = async () => {
      for (let j = take(); j; j = take()) {
        merge(runBlock(c, j));
        await new Promise((r) => setImmediate(r)); // let worker replies in between chunks
      }
    };
    await Promise.all([inline(), ...this.workers.map(viaWorker)]);
    priceBlock(c, job.perturbation, all);
    return all;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}
