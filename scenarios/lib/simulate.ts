/**
 * Simulations a scenario runs itself. Each result is written as a results file under
 * `<out-dir>/<id>-inputs/`, so every simulated figure in the report traces to a named, hashed file
 * that `tierlab simulate`'s readers accept, not to an object that vanished with the process.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Argv } from "yargs";
import { DEFAULT_CONFIG } from "../../router/config/load.js";
import { loadPriceTable } from "../../router/config/price-table.js";
import { DEFAULT_PROFILES } from "../../simulator/profiles.js";
import { writeResultsFile, type SimulationResults } from "../../simulator/results.js";
import { runSimulation } from "../../simulator/run.js";
import { loadSimulation } from "./inputs.js";
import type { ScenarioContext } from "./scenario.js";

export interface SimulateArgs {
  usage: string;
  days: number;
  trials: number;
  seed: number;
  config: string;
  profiles?: string;
  calibration?: string;
  fromBench?: string;
  sensitivity: boolean;
  sensitivityTrials?: number;
  /** Where the results file goes (default `<out-dir>/<scenario>-inputs/<usage>.simulation.json`). */
  outFile?: string;
  scenarioId: string;
}

export async function simulateAndRecord(ctx: ScenarioContext<unknown>, a: SimulateArgs): Promise<SimulationResults> {
  const at = (p: string | undefined) => (p === undefined ? undefined : resolve(ctx.cwd, p));
  const started = performance.now();
  const results = await runSimulation({
    usage: a.usage,
    days: a.days,
    trials: a.trials,
    seed: a.seed,
    mode: "aggregated",
    config: at(a.config)!,
    ...(a.profiles ? { profiles: at(a.profiles) } : {}),
    ...(a.calibration ? { calibration: at(a.calibration) } : {}),
    ...(a.fromBench ? { fromBench: at(a.fromBench) } : {}),
    sensitivity: a.sensitivity,
    ...(a.sensitivityTrials ? { sensitivityTrials: a.sensitivityTrials } : {}),
  });
  const file = a.outFile ? resolve(ctx.cwd, a.outFile) : resolve(ctx.cwd, ctx.args["out-dir"], `${a.scenarioId}-inputs`, `${a.usage}.simulation.json`);
  mkdirSync(join(file, ".."), { recursive: true });
  writeResultsFile(file, results);
  ctx.log(`simulated ${a.usage}: ${a.trials} trials over ${a.days} days in ${((performance.now() - started) / 1000).toFixed(1)} s → ${file}`);
  // Read back through the validating reader: the report shows exactly what the file holds.
  return loadSimulation(ctx, file);
}

export const PROFILE_NAMES = ["light", "medium", "heavy"] as const;

export interface ProfileSimArgs {
  simulation?: string[];
  config: string;
  profiles: string;
  days: number;
  trials: number;
  seed: number;
  "from-bench"?: string;
  calibration?: string;
  "sensitivity-trials": number;
}

/** Flags shared by the scenarios that simulate the usage profiles. */
export function withProfileSimOptions<T>(y: Argv<T>): Argv<T & ProfileSimArgs> {
  return y
    .option("simulation", { type: "string", array: true, describe: "simulation results files to report instead of simulating (one per profile)" })
    .option("config", { type: "string", default: DEFAULT_CONFIG, describe: "router config (tiers, actions, prices, budgets)" })
    .option("profiles", { type: "string", default: DEFAULT_PROFILES, describe: "usage profiles file" })
    .option("days", { type: "number", default: 30, describe: "days to simulate" })
    .option("trials", { type: "number", default: 2000, describe: "Monte Carlo trials per profile" })
    .option("seed", { type: "number", default: 1, describe: "simulation seed (same seed, same report)" })
    .option("from-bench", { type: "string", describe: "bench run whose measurements replace the priors" })
    .option("calibration", { type: "string", describe: "calibration file to use instead of the config's" })
    .option("sensitivity-trials", { type: "number", default: 300, describe: "trials per sensitivity run (tornado chart)" }) as unknown as Argv<
    T & ProfileSimArgs
  >;
}

/** The given results files, else one simulation per profile in PROFILE_NAMES order. */
export async function profileSimulations(
  ctx: ScenarioContext<unknown>,
  a: ProfileSimArgs,
  opts: { scenarioId: string; sensitivity: boolean },
): Promise<SimulationResults[]> {
  if (a.simulation?.length) return a.simulation.map((f) => loadSimulation(ctx, f));
  const out: SimulationResults[] = [];
  for (const usage of PROFILE_NAMES) {
    out.push(
      await simulateAndRecord(ctx, {
        usage,
        days: a.days,
        trials: a.trials,
        seed: a.seed,
        config: a.config,
        profiles: a.profiles,
        calibration: a.calibration,
        fromBench: a["from-bench"],
        sensitivity: opts.sensitivity,
        sensitivityTrials: a["sensitivity-trials"],
        scenarioId: opts.scenarioId,
      }),
    );
  }
  return out;
}

/** A stamp for reports built only from simulations, which carry no clock: the price table's date. */
export function simulationStamp(sims: readonly SimulationResults[]): string {
  const seeds = [...new Set(sims.map((s) => s.seed))].join(", ");
  const file = sims[0] ? resolve(sims[0].files.prices.path) : undefined;
  const taken = file && existsSync(file) ? loadPriceTable(file).taken : undefined;
  return taken ? `${taken} (price table date; simulation seed ${seeds})` : `simulation seed ${seeds}`;
}
