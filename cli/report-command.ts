/**
 * `tierlab report <name> [--flags]`: one subcommand per scenario, each with its own flags and help,
 * sharing the runner with `npx tsx scenarios/<name>.ts`.
 */
import type { Argv, CommandModule } from "yargs";
import { scenarioCommand } from "../scenarios/lib/execute.js";
import { SCENARIOS } from "../scenarios/lib/registry.js";

export const reportCommand: CommandModule = {
  command: "report <name>",
  describe: `write a report (HTML + markdown under reports/out/): ${SCENARIOS.map((s) => s.id).join(", ")}`,
  builder: (y: Argv) => {
    let out = y;
    for (const s of SCENARIOS) out = out.command(scenarioCommand(s) as CommandModule);
    return out
      .demandCommand(1, `name a report: ${SCENARIOS.map((s) => s.id).join(", ")}`)
      .example("$0 report decision", "bench → calibrate → simulate → decision report on the embedded defaults")
      .example("$0 report regression --base results/main --head results/pr", "exit 5 on a significant regression");
  },
  handler: () => undefined,
};
