/**
 * Every scenario by id, and `runScenario(id, argv)`: the programmatic form of `tierlab report <id>`.
 * Kept apart from the scenario files (which import lib/) so that no module cycle forms.
 */
import { UsageError } from "../../core/errors.js";
import { benchScenario } from "../bench.js";
import { calibrationScenario } from "../calibration.js";
import { decisionScenario } from "../decision.js";
import { regressionScenario } from "../regression.js";
import { seedClaimsScenario } from "../seed-claims.js";
import { usageProfilesScenario } from "../usage-profiles.js";
import { executeScenario, parseScenarioArgs, type ExecuteEnv, type ScenarioOutcome } from "./execute.js";
import type { Scenario } from "./scenario.js";

/** In the order `tierlab report --help` lists them: the front door first. */
export const SCENARIOS: readonly Scenario[] = [
  decisionScenario,
  seedClaimsScenario,
  usageProfilesScenario,
  benchScenario,
  calibrationScenario,
  regressionScenario,
];

export function scenarioById(id: string): Scenario {
  const s = SCENARIOS.find((x) => x.id === id);
  if (!s) throw new UsageError({ message: `no report named "${id}"`, fix: `use one of: ${SCENARIOS.map((x) => x.id).join(", ")}` });
  return s;
}

/** Parses `argv` as the scenario's flags (throwing on bad ones), runs it and writes `<out-dir>/<id>.html|.md`. */
export async function runScenario(id: string, argv: readonly string[] = [], env: ExecuteEnv = {}): Promise<ScenarioOutcome> {
  const scenario = scenarioById(id);
  const args = await parseScenarioArgs(scenario, argv);
  return executeScenario(scenario, args, env);
}
