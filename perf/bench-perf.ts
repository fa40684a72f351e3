/**
 * Bench harness overhead against a fake Ollama with a fixed 50 ms latency running in its own
 * process: per-request overhead (e2e − 50 ms), throughput at concurrency 64 against the
 * theoretical 64 / 50 ms, and TTFT error (measured − injected). The floor is the same request sent
 * bare through the transport the harness's providers use (router/transport/http-transport.ts);
 * Node's own fetch is measured beside it for comparison.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { RunFolder } from "../bench/run/run-folder.js";
import { runBench } from "../bench/run/runner.js";
import { createHttpTransport } from "../router/transport/http-transport.js";
import { REPO_ROOT } from "../test-support/models.js";
import { writeTestConfig } from "../test-support/router-fixture.js";
import { quantile, type PerfRow } from "./types.js";

const LATENCY_MS = 50;
const CONCURRENCY = 64;

async function startFake(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "perf/fake-ollama-process.ts"), String(LATENCY_MS)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`fake Ollama exited with ${code}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

/** The same requests with a bare fetch (what the ollama client sits on): the floor the harness adds to. */
async function rawFetch(fetch: typeof globalThis.fetch, url: string, n: number, concurrency: number): Promise<{ overheadMs: number[]; rps: number }> {
  const body = JSON.stringify({ model: "phi3:mini", messages: [{ role: "user", content: "x" }], stream: true });
  const overheadMs: number[] = [];
  let left = n;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        const s = performance.now();
        await (await fetch(`${url}/api/chat`, { method: "POST", body })).text();
        overheadMs.push(performance.now() - s - LATENCY_MS);
      }
    }),
  );
  return { overheadMs: overheadMs.sort((a, b) => a - b), rps: n / ((performance.now() - t0) / 1000) };
}

export async function runBenchPerf(opts: { requests?: number } = {}): Promise<PerfRow[]> {
  const n = opts.requests ?? 1920;
  const fake = await startFake();
  const fx = writeTestConfig((d) => {
    d.providers = { ollama: { kind: "ollama", host: fake.url } };
    d.tiers = { LOCAL_FAST: { local: true, models: [{ id: "phi3-mini", provider: "ollama", model: "phi3:mini" }] } };
    (d.actions as Record<string, { escalate: string[] }>).classify!.escalate = [];
  });
  const header = { format: "tierlab-dataset", version: 1, name: "perf", description: "perf", source: "generated", license: "CC0-1.0", attribution: "" };
  const items = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `p${i}`, action: "classify", input: `item ${i}`, expected: "auth", grader: "exact_label" }),
  );
  const dataset = join(fx.dir, "perf.jsonl");
  writeFileSync(dataset, [JSON.stringify(header), ...items].join("\n") + "\n");
  const results = mkdtempSync(join(tmpdir(), "tierlab-benchperf-"));
  try {
    const run = async (concurrency: number, limit: number, runId: string) => {
      const t0 = performance.now();
      const r = await runBench({
        config: fx.file,
        dataset,
        resultsDir: results,
        runId,
        cascade: false,
        seed: 1,
        limit,
        concurrency,
        warmup: 0,
        slo: {},
        storeAnswers: false,
        progress: false,
        signal: new AbortController().signal,
      });
      // Throughput over the dispatch phase only (the summary's wall clock): set-up such as loading the
      // dataset, git and hardware probes is a fixed cost per run, not per request.
      return { wallS: r.summary.wall_s, totalS: (performance.now() - t0) / 1000, records: new RunFolder(r.dir).records() };
    };
    await run(8, 64, "warm");
    const serial = await run(1, 100, "serial");
    const overhead = serial.records.map((r) => r.e2e_ms - LATENCY_MS).sort((a, b) => a - b);
    const ttftErr = serial.records.map((r) => Math.abs(r.ttft_ms! - LATENCY_MS)).sort((a, b) => a - b);
    const loaded = await run(CONCURRENCY, n, "c64");
    const theoretical = CONCURRENCY / (LATENCY_MS / 1000);
    const achieved = n / loaded.wallS;
    const loadedTtftErr = loaded.records.map((r) => Math.abs(r.ttft_ms! - LATENCY_MS)).sort((a, b) => a - b);
    const ratio = achieved / theoretical;
    const transport = createHttpTransport();
    await rawFetch(transport.fetch, fake.url, 64, 8);
    const rawSerial = await rawFetch(transport.fetch, fake.url, 100, 1);
    const rawLoaded = await rawFetch(transport.fetch, fake.url, n, CONCURRENCY);
    await transport.close();
    await rawFetch(globalThis.fetch, fake.url, 64, 8);
    const nodeSerial = await rawFetch(globalThis.fetch, fake.url, 100, 1);
    const nodeLoaded = await rawFetch(globalThis.fetch, fake.url, n, CONCURRENCY);
    const added = quantile(overhead, 0.5) - quantile(rawSerial.overheadMs, 0.5);
    return [
      { name: "bare transport overhead p50 (serial, same server; the floor)", value: quantile(rawSerial.overheadMs, 0.5), unit: "ms" },
      { name: "bare Node fetch overhead p50 (serial, for comparison)", value: quantile(nodeSerial.overheadMs, 0.5), unit: "ms" },
      { name: "harness-added overhead p50 (harness − bare transport)", value: added, unit: "ms", target: "≤ 1", ok: added <= 1 },
      { name: `bare transport throughput at concurrency ${CONCURRENCY}`, value: rawLoaded.rps, unit: "req/s" },
      { name: `bare Node fetch throughput at concurrency ${CONCURRENCY}`, value: nodeLoaded.rps, unit: "req/s" },
      { name: "harness throughput / bare transport throughput", value: (achieved / rawLoaded.rps) * 100, unit: "%" },
      {
        name: "harness overhead per request p50 (serial, e2e − 50 ms)",
        value: quantile(overhead, 0.5),
        unit: "ms",
        target: "≤ 1",
        ok: quantile(overhead, 0.5) <= 1,
      },
      { name: "harness overhead per request p99 (serial)", value: quantile(overhead, 0.99), unit: "ms" },
      { name: "TTFT error p99 (serial, |measured − 50 ms|)", value: quantile(ttftErr, 0.99), unit: "ms", target: "≤ 1", ok: quantile(ttftErr, 0.99) <= 1 },
      { name: `throughput at concurrency ${CONCURRENCY}, ${n} requests`, value: achieved, unit: "req/s" },
      { name: "share of theoretical throughput (64 / 50 ms = 1280/s)", value: ratio * 100, unit: "%", target: "≥ 95", ok: ratio >= 0.95 },
      { name: "TTFT error p99 at concurrency 64", value: quantile(loadedTtftErr, 0.99), unit: "ms" },
    ];
  } finally {
    fake.stop();
    rmSync(results, { recursive: true, force: true });
  }
}
