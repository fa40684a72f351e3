/**
 * Runs the scripted-drift experiment (router/production/drift-experiment.ts) and writes
 * reports/out/drift-alarm.{json,md}: shadow labels to detection, predicted vs observed.
 *
 *   npx tsx scripts/drift-alarm.ts [--seeds 100] [--window 200]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadDataset } from "../bench/dataset/load.js";
import { runDriftExperiment } from "../router/production/drift-experiment.js";
import { renderDriftReport } from "../router/production/drift-report.js";

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "100" },
    window: { type: "string", default: "200" },
    confidence: { type: "string", default: "0.95" },
    out: { type: "string", default: "reports/out" },
  },
});
const dataset = loadDataset("datasets/gsm8k-replay.jsonl");
const problems = dataset.items.map((i): [string, number] => [i.input, Number(i.expected)]);
const n = Number(values.seeds);
const t0 = performance.now();
const result = await runDriftExperiment({
  problems,
  seeds: Array.from({ length: n }, (_, i) => i + 1),
  before: 0.05,
  after: 0.15,
  warmup: 300,
  maxAfter: 600,
  shadowRate: 0.5,
  window: Number(values.window),
  minSamples: 30,
  confidence: Number(values.confidence),
  alpha: 0.05,
});
mkdirSync(values.out!, { recursive: true });
writeFileSync(`${values.out}/drift-alarm.json`, JSON.stringify(result, null, 2) + "\n");
const md = renderDriftReport(result);
writeFileSync(`${values.out}/drift-alarm.md`, md);
process.stdout.write(md + `\n(${n} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s; wrote ${values.out}/drift-alarm.md and .json)\n`);
