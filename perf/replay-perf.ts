/**
 * Replay goals: a full replay set on one tier benches in ≤ 20 s, and `npm run demo` (the replay defaults)
 * finishes in < 60 s. Printed next to floors measured in the same run: the tokenizers alone over the same
 * texts (what any honest token count costs) and a bare `tsx` start.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDataset } from "../bench/dataset/load.js";
import { runBench } from "../bench/run/runner.js";
import { loadRecordings } from "../router/providers/replay-store.js";
import { loadTokenizer } from "../router/providers/replay-tokenizers.js";
import { REPO_ROOT } from "../test-support/models.js";
import type { PerfRow } from "./types.js";

const CONFIG = join(REPO_ROOT, "config/router.replay.yaml");
const DATASET = join(REPO_ROOT, "datasets/gsm8k-replay.jsonl");

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

/**
 * CPU seconds to count every prompt and answer of LOCAL_FAST's two models with their tokenizers: the floor
 * under the bench. Vocabularies and recordings load first, untimed (the bench then finds them loaded too).
 */
async function tokenizerFloor(): Promise<number> {
  const items = loadDataset(DATASET).items;
  const work = await Promise.all(
    (
      [
        ["llama2", "Phi-3.5-mini-instruct"],
        ["llama3", "Meta-Llama-3-8B-Instruct"],
      ] as const
    ).map(async ([tokenizer, file]) => ({
      t: await loadTokenizer(tokenizer),
      rec: loadRecordings([join(REPO_ROOT, "datasets/replay/gsm8k", `${file}.jsonl.gz`)]),
    })),
  );
  const cpu0 = process.cpuUsage();
  for (const { t, rec } of work) {
    for (const item of items) {
      t.count(item.input);
      t.count(rec.byId.get(item.id)!.output);
    }
  }
  return cpuSeconds(process.cpuUsage(cpu0));
}

export async function runReplayPerf(): Promise<PerfRow[]> {
  const rows: PerfRow[] = [];
  const floor = await tokenizerFloor();
  const results = mkdtempSync(join(tmpdir(), "tierlab-replayperf-"));
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await runBench({
      config: CONFIG,
      dataset: DATASET,
      tier: "local_fast",
      cascade: false,
      seed: 1,
      concurrency: 1,
      warmup: 0,
      slo: {},
      resultsDir: results,
      storeAnswers: false,
      progress: false,
      signal: new AbortController().signal,
    });
    const wall = (performance.now() - t0) / 1000;
    rows.push(
      { name: `bench gsm8k-replay on LOCAL_FAST (${r.summary.requests} requests), wall`, value: wall, unit: "s", target: "≤ 20", ok: wall <= 20 },
      { name: "  … its CPU time", value: cpuSeconds(process.cpuUsage(cpu0)), unit: "s" },
      { name: "  … floor: CPU time of the two tokenizers over the same texts", value: floor, unit: "s" },
    );
  } finally {
    rmSync(results, { recursive: true, force: true });
  }
  const out = mkdtempSync(join(tmpdir(), "tierlab-demoperf-"));
  try {
    spawnSync(process.execPath, ["--import", "tsx", "-e", "0"], { cwd: REPO_ROOT }); // warms the file cache
    const t1 = performance.now();
    spawnSync(process.execPath, ["--import", "tsx", "-e", "0"], { cwd: REPO_ROOT });
    const bare = (performance.now() - t1) / 1000;
    const t2 = performance.now();
    const demo = spawnSync(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "scenarios/decision.ts"), "--out-dir", join(out, "out"), "--results-dir", join(out, "results")],
      { cwd: REPO_ROOT, encoding: "utf8", timeout: 300_000 },
    );
    const wall = (performance.now() - t2) / 1000;
    if (demo.status !== 0) throw new Error(`npm run demo failed (${demo.status}): ${demo.stderr}`);
    rows.push(
      { name: "npm run demo (replay defaults: 5 models × 400 items, simulate), wall", value: wall, unit: "s", target: "< 60", ok: wall < 60 },
      { name: "  … floor: a bare tsx start", value: bare, unit: "s" },
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return rows;
}
