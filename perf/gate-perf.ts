/**
 * The regression gate's false-alarm rate on this machine: pairs of identical-config bench runs against
 * a fake Ollama (its own process, ~35 ms answers), compared with `bench compare`'s defaults and with the
 * old gate (no ms floor). Sequential pairs see whatever load comes and goes; side-by-side pairs (how the
 * example CI workflows bench base and head) see the same load.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { compareRuns } from "../bench/compare/compare.js";
import { EXIT } from "../core/exit-codes.js";
import { benchIdenticalPairs } from "../test-support/identical-runs.js";
import { REPO_ROOT } from "../test-support/models.js";
import type { PerfRow } from "./types.js";

const PAIRS = Number(process.env.TIERLAB_GATE_PAIRS ?? 20);

async function startFake(latencyMs: number): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "perf/fake-ollama-process.ts"), String(latencyMs)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`fake Ollama exited with ${code}`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

export async function runGatePerf(): Promise<PerfRow[]> {
  const fake = await startFake(35);
  const rows: PerfRow[] = [];
  try {
    for (const sideBySide of [false, true]) {
      const pairs = await benchIdenticalPairs({ ollamaUrl: fake.url, pairs: PAIRS, items: 24, concurrency: 2, sideBySide });
      const count = (opts: Parameters<typeof compareRuns>[2]) =>
        pairs.filter(([b, h]) => compareRuns(b, h, { ...opts, iterations: 2000 }).exit_code === EXIT.regression).length;
      const how = sideBySide ? "side by side" : "one after the other";
      rows.push(
        { name: `false alarms in ${PAIRS} identical pairs, ${how}, default gate`, value: count({}), unit: "pairs", target: "0", ok: count({}) === 0 },
        { name: `… same pairs, old gate (no ms floor)`, value: count({ latencyMarginMs: 0 }), unit: "pairs" },
      );
    }
  } finally {
    fake.stop();
  }
  return rows;
}
