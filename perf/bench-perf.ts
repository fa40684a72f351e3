/**
 * Bench harness overhead against a fake Ollama with a fixed 50 ms latency running in its own
 * process: per-request overhead (e2e − 50 ms), throughput at concurrency 64 against the
 * theoretical 64 / 50 ms, and TTFT error (measured − injected).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { RunFolder } from "../bench/run/run-folder.js";
import { runBench } from "../bench/run/runner.js";
import { REPO_ROOT } from "../test-support/models.js";
import { writeTestConfig } from "../test-support/router-fixture.js";
import { quantile, type PerfRow } from "./types.js";

const LATENCY_MS = 50;
const CONCURRENCY = 64;

async function startFake(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "perf/fake-ollama-process.ts"), String(LATENCY_MS)], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`fake Ollama exited with ${code}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
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
  const items = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `p${i}`, action: "classify", input: `item ${i}`, expected: "auth", grader: "exact_label" }));
  const dataset = join(fx.dir, "perf.jsonl");
  writeFileSync(dataset, [JSON.stringify(header), ...items].join("\n") + "\n");
  const results = mkdtempSync(join(tmpdir(), "tierlab-benchperf-"));
  try {
    const run = async (concurrency: number, limit: number, runId: string) => {
      const t0 = performance.now();
      const r = await runBench({ config: fx.file, dataset, resultsDir: results, runId, cascade: false, seed: 1, limit, concurrency, warmup: 0, slo: {}, storeAnswers: false, progress: false, signal: new AbortController().signal });
      return { wallS: (performance.now() - t0) / 1000, records: new RunFolder(r.dir).records() };
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
    return [
      { name: "harness overhead per request p50 (serial, e2e − 50 ms)", value: quantile(overhead, 0.5), unit: "ms", target: "≤ 1", ok: quantile(overhead, 0.5) <= 1 },
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
