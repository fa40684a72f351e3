/** `tierlab feedback <request-id> --right|--wrong`: a verdict on a routed answer, for the drift alarm. */
import type { Argv, CommandModule } from "yargs";
import { UsageError } from "../core/errors.js";
import { Production } from "../router/production/production.js";
import { loadConfigFromArgs, openLedger, printJson, runCommand, withConfigOptions } from "./common.js";

interface FeedbackArgs {
  config: string;
  calibration?: string;
  ledger?: string;
  "request-id": string;
  right: boolean;
  wrong: boolean;
  note?: string;
  json: boolean;
}

export const feedbackCommand: CommandModule<object, FeedbackArgs> = {
  command: "feedback <request-id>",
  describe: "record whether a routed answer was right or wrong; the drift alarm counts it like a shadow check",
  builder: (y: Argv) =>
    withConfigOptions(y)
      .positional("request-id", { type: "string", demandOption: true, describe: "the request's id (x-request-id header, or requestId in `route --json`)" })
      .option("right", { type: "boolean", default: false, describe: "the answer was right" })
      .option("wrong", { type: "boolean", default: false, describe: "the answer was wrong" })
      .option("note", { type: "string", describe: "why, in a few words (stored with the verdict)" })
      .option("json", { type: "boolean", default: false, describe: "print the stored feedback row as JSON" })
      .check((a) => {
        if (a.right === a.wrong) throw new UsageError({ message: "pass exactly one of --right or --wrong" });
        return true;
      })
      .example("$0 feedback 6f1c… --wrong --note 'total should be 1,080'", "") as unknown as Argv<FeedbackArgs>,
  handler: (args) =>
    runCommand(async () => {
      const config = loadConfigFromArgs(args);
      const ledger = await openLedger(config, args.ledger);
      try {
        const production = await Production.open({ config, ledger });
        const row = await production.feedback({ requestId: args["request-id"], right: args.right, note: args.note, source: "cli" });
        if (args.json) printJson(row);
        else
          process.stdout.write(
            `recorded: request ${row.request_id} (${row.action}, answered by ${row.model} on ${row.tier}) was ${row.right ? "right" : "wrong"}${row.note ? ` — ${row.note}` : ""}\n`,
          );
      } finally {
        await ledger.close();
      }
    }),
};
