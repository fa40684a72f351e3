/**
 * `tierlab report decision` (also `npm run demo`): one page for a decision maker. With no flags it runs
 * the whole pipeline on replayed real answers (no model, no key): bench every model of
 * config/router.replay.yaml on datasets/gsm8k-replay.jsonl, calibrate from that run, simulate the
 * gsm8k-like profile from it, evaluate the routing policies on a held-out half (the cost–quality
 * frontier, from `bench evaluate`), and write the report. `--config config/router.embedded.yaml` runs the
 * same pipeline live on the embedded engine (local tiers, a seeded sample of datasets/seed-actions.jsonl,
 * the medium profile). `--run`, `--simulation`, `--calibration` and `--evaluate` use existing results instead.
 */
import type { Argv } from "yargs";
import { notebook } from "../reports/notebook.js";
import { REPLAY_CONFIG } from "../router/config/load.js";
import { DEFAULT_PROFILES } from "../simulator/profiles.js";
import { decisionCells } from "./lib/decision-cells.js";
import { decisionInputs, LIVE_DEMO, REPLAY_DEMO, type DecisionArgs } from "./lib/decision-pipeline.js";
import { isMain, runMain } from "./lib/main.js";
import { defineScenario, type CommonArgs } from "./lib/scenario.js";
import { simulationStamp } from "./lib/simulate.js";

export const decisionScenario = defineScenario<DecisionArgs>({
  id: "decision",
  title: "Decision",
  describe:
    "one page for a decision maker: recommendation, cost–quality frontier, monthly cost P50/P95 vs pure API, savings, answers right, success metrics, what to change",
  options: (y: Argv<CommonArgs>) =>
    y
      .option("run", { type: "string", describe: "existing bench run (id under results/ or folder) instead of benching now" })
      .option("simulation", { type: "string", describe: "existing simulation results file instead of simulating now" })
      .option("calibration", { type: "string", describe: "calibration file instead of calibrating from the run" })
      .option("evaluate", { type: "string", describe: "existing `bench evaluate --json` file (the cost–quality frontier) instead of evaluating now" })
      .option("split", { type: "number", default: 0.5, describe: "share of the dataset the evaluate step fits on; the rest judges the policies" })
      .option("reference", {
        type: "string",
        describe: "API model the frontier sentence compares with (default: gpt-4o on a replay config, else the pure-API baseline's model)",
      })
      .option("config", {
        type: "string",
        default: REPLAY_CONFIG,
        describe: "router config (default: replayed real answers; config/router.embedded.yaml runs the embedded engine live)",
      })
      .option("profiles", { type: "string", default: DEFAULT_PROFILES, describe: "usage profiles file" })
      .option("dataset", {
        type: "string",
        describe: `dataset the bench step replays (default: ${REPLAY_DEMO.dataset} on a replay config, ${LIVE_DEMO.dataset} otherwise)`,
      })
      .option("limit", {
        type: "number",
        describe: `items the bench step samples, seeded (default: ${REPLAY_DEMO.limit} on a replay config, ${LIVE_DEMO.limit} otherwise)`,
      })
      .option("seed", { type: "number", default: 1, describe: "seed for the bench sample and the simulation" })
      .option("usage", {
        type: "string",
        describe: `usage profile to simulate (default: ${REPLAY_DEMO.usage} on a replay config, ${LIVE_DEMO.usage} otherwise)`,
      })
      .option("days", { type: "number", default: 30, describe: "days to simulate (30 gives the monthly figures)" })
      .option("trials", { type: "number", default: 2000, describe: "Monte Carlo trials" })
      .option("sensitivity-trials", { type: "number", default: 300, describe: "trials per sensitivity run" })
      .option("results-dir", { type: "string", default: "results", describe: "where the bench step writes its run folder" })
      .check((a) => {
        if (a.limit !== undefined && !(Number.isInteger(a.limit) && a.limit >= 1)) throw new Error("--limit must be a whole number ≥ 1");
        if (!(Number.isInteger(a.trials) && a.trials >= 1)) throw new Error("--trials must be a whole number ≥ 1");
        if (!(a.split > 0 && a.split < 1)) throw new Error("--split must be between 0 and 1 (the share fitted on)");
        return true;
      }) as unknown as Argv<DecisionArgs & CommonArgs>,
  async run(ctx) {
    const inputs = await decisionInputs(ctx);
    const page = decisionCells(inputs);
    for (const n of page.notes) ctx.note(n);
    const sim = inputs.sim;
    const models = inputs.run ? [...new Set(inputs.run.records.map((r) => r.model_id))].join(", ") : "no bench run";
    return notebook({
      id: "decision",
      title: `Hybrid routing: should we adopt it? (${sim.profile.name} profile)`,
      subtitle: `config ${sim.files.router_config.path}; models benched: ${models}`,
      generatedAt: ctx.stamp(inputs.madeAt ?? simulationStamp([sim])),
      inputs: ctx.inputs(),
      cells: page.cells,
    });
  },
});

if (isMain(import.meta.url)) await runMain(decisionScenario);
