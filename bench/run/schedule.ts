/**
 * Dispatches jobs with at most `concurrency` in flight and, with `rate`, Poisson arrivals
 * (exponential gaps from the seeded RNG), as vLLM's benchmark_serving does. Stops dispatching on abort.
 */
import { abortableSleep } from "../../router/retry.js";
import type { Rng } from "../../router/util/rng.js";

export async function runScheduled<T>(args: {
  jobs: T[];
  concurrency: number;
  /** Requests per second; undefined or Infinity = send as fast as concurrency allows. */
  rate?: number;
  rng: Rng;
  signal: AbortSignal;
  run: (job: T) => Promise<void>;
}): Promise<void> {
  const { jobs, rng, signal } = args;
  let next = 0;
  const inFlight = new Set<Promise<void>>();
  const rate = args.rate && Number.isFinite(args.rate) ? args.rate : undefined;
  while (next < jobs.length && !signal.aborted) {
    while (inFlight.size >= args.concurrency) await Promise.race(inFlight);
    if (signal.aborted) break;
    const job = jobs[next++]!;
    const p = args.run(job).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (rate && next < jobs.length) {
      const gapMs = (-Math.log(1 - rng.next()) / rate) * 1000;
      await abortableSleep(gapMs, signal).catch(() => undefined);
    }
  }
  await Promise.allSettled(inFlight);
}
