import { describe, expect, it } from "vitest";
import { createRng } from "../../core/rng.js";
import { runScheduled } from "./schedule.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("runScheduled", () => {
  it("never has more than `concurrency` jobs in flight and runs every job once", async () => {
    let inFlight = 0,
      peak = 0;
    const seen: number[] = [];
    await runScheduled({
      jobs: Array.from({ length: 50 }, (_, i) => i),
      concurrency: 7,
      rng: createRng(1),
      signal: new AbortController().signal,
      run: async (j) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(1 + (j % 3));
        seen.push(j);
        inFlight--;
      },
    });
    expect(peak).toBe(7);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("spaces starts by Poisson arrivals at the given rate", async () => {
    const starts: number[] = [];
    const t0 = performance.now();
    await runScheduled({
      jobs: Array.from({ length: 40 }, (_, i) => i),
      concurrency: 40,
      rate: 200,
      rng: createRng(3),
      signal: new AbortController().signal,
      run: async () => void starts.push(performance.now() - t0),
    });
    // 39 gaps with mean 5 ms: the last start is near 195 ms (sd ≈ 31 ms), never all at once.
    expect(starts[39]!).toBeGreaterThan(100);
    // Generous: a loaded machine fires timers late; the goal here is spacing, not speed.
    expect(starts[39]!).toBeLessThan(1000);
  });

  it("stops dispatching on abort", async () => {
    const ac = new AbortController();
    let ran = 0;
    await runScheduled({
      jobs: Array.from({ length: 100 }, (_, i) => i),
      concurrency: 2,
      rng: createRng(1),
      signal: ac.signal,
      run: async () => {
        ran++;
        if (ran === 10) ac.abort();
        await sleep(1);
      },
    });
    expect(ran).toBeLessThanOrEqual(11);
  });
});
