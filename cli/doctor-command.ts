/** `tierlab doctor`: diagnoses the seed's troubleshooting list, each finding with its fix. */
import type { Argv, CommandModule } from "yargs";
import { EXIT } from "../core/exit-codes.js";
import { loadConfigFromArgs, printJson, runCommand, withConfigOptions, type ArgsOf } from "./common.js";
import { ledgerTarget } from "../router/ledger/open-ledger.js";
import { DEFAULT_THRESHOLDS } from "../router/doctor/contract.js";
import { formatReport, runDoctor } from "../router/doctor/doctor.js";
import { findOnPath } from "../router/doctor/setup-checks.js";

/** Exit status when any check fails: the documented generic failure code (1); 0 when none fails (warnings allowed). */
export const DOCTOR_FAILED_EXIT = EXIT.doctorFailed;

const doctorBuilder = (y: Argv) =>
  withConfigOptions(y)
    .option("json", { type: "boolean", default: false, describe: "print the findings as JSON" })
    .example("$0 doctor", "")
    .example("$0 doctor --config config/router.embedded.yaml --json", "");

export const doctorCommand: CommandModule<object, ArgsOf<typeof doctorBuilder>> = {
  command: "doctor",
  describe: "check Ollama, pulled models, API keys, the ledger, and the last 24 h's fallback rate, latency and quality; exits 6 if a check fails",
  builder: doctorBuilder,
  handler: (args) =>
    runCommand(async () => {
      const config = loadConfigFromArgs(args);
      const report = await runDoctor({
        config,
        env: process.env,
        fetch: globalThis.fetch,
        now: () => new Date(),
        which: (c) => findOnPath(c),
        ledger: ledgerTarget(config, args.ledger),
        thresholds: DEFAULT_THRESHOLDS,
      });
      if (args.json) printJson(report);
      else process.stdout.write(formatReport(report));
      return report.ok ? EXIT.ok : DOCTOR_FAILED_EXIT;
    }),
};
