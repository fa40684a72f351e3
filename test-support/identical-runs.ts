/**
 * Pairs of bench runs with the same config, dataset and seed against one Ollama-speaking server: what
 * CI compares when nothing changed. Whatever differs between the two runs of a pair is noise (timers,
 * scheduling, other load on the machine), so any regression the gate reports on them is a false alarm.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchRecord } from "../bench/contracts/bench-record.js";
import { RunFolder } from "../bench/run/run-folder.js";
import { runBench } from "../bench/run/runner.js";
import { writeTestConfig } from "./router-fixture.js";

function writeDataset(dir: string, n: number): string {
  const header = {
    format: "tierlab-dataset",
    version: 1,
    name: "identical-runs",
    description: "noise test",
    source: "test",
    license: "CC0-1.0",
    attribution: "",
  };
  const labels = ["auth", "ui", "docs"];
  const lines = [
    header,
    ...Array.from({ length: n }, (_, i) => ({ id: `q${i}`, action: "classify", input: `item ${i}`, expected: labels[i % 3], grader: "exact_label" })),
  ];
  const file = join(dir, "identical.jsonl");
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return file;
}

/**
 * `sideBySide` runs the two runs of a pair at the same time, as the example CI workflows bench base and
 * head: load that comes and goes on the machine then slows both alike. Run one after the other, a pair
 * sees whatever load each moment brings, and on a shared 2-core machine that alone moved a run's p50 by
 * up to 6× (measured; see bench/compare/README.md).
 */
export async function benchIdenticalPairs(args: {
  ollamaUrl: string;
  pairs: number;
  items: number;
  concurrency: number;
  sideBySide: boolean;
  onPair?: (i: number) => void;
}): Promise<[BenchRecord[], BenchRecord[]][]> {
  const fx = writeTestConfig((d) => {
    d.providers = { ollama: { kind: "ollama", host: args.ollamaUrl } };
    d.tiers = { LOCAL_FAST: { local: true, models: [{ id: "phi3-mini", provider: "ollama", model: "phi3:mini" }] } };
    (d.actions as Record<string, { escalate: string[] }>).classify!.escalate = [];
  });
  const dataset = writeDataset(fx.dir, args.items);
  const resultsDir = mkdtempSync(join(tmpdir(), "tierlab-identical-"));
  const once = async (runId: string) => {
    const r = await runBench({
      config: fx.file,
      dataset,
      resultsDir,
      runId,
      cascade: false,
      seed: 1,
      concurrency: args.concurrency,
      warmup: 1,
      slo: {},
      storeAnswers: false,
      progress: false,
      signal: new AbortController().signal,
    });
    return new RunFolder(r.dir).records();
  };
  const out: [BenchRecord[], BenchRecord[]][] = [];
  for (let i = 0; i < args.pairs; i++) {
    if (args.sideBySide) out.push(await Promise.all([once(`pair${i}-base`), once(`pair${i}-head`)]));
    else out.push([await once(`pair${i}-base`), await once(`pair${i}-head`)]);
    args.onPair?.(i);
  }
  return out;
}
