/** `tierlab route`: one request through the cascade, printed for a person or as JSON. */
import { readFileSync } from "node:fs";
import type { Argv, CommandModule } from "yargs";
import type { RouteResult } from "../router/contracts/route-result.js";
import { AllTiersFailedError } from "../router/all-tiers-failed.js";
import { UsageError } from "../core/errors.js";
import { DOWNLOAD_ENV } from "../router/models/model-store.js";
import { pullCommand } from "../router/models/fetch-model.js";
import { Router } from "../router/router.js";
import { downloadProgressView } from "./download-progress.js";
import { loadConfigFromArgs, ms, openLedger, printJson, runCommand, usd, withConfigOptions, type ArgsOf } from "./common.js";

const builder = (y: Argv) =>
  withConfigOptions(y)
    .option("prompt", { type: "string", describe: "the input text" })
    .option("prompt-file", { type: "string", nargs: 1, describe: "read the input text from this file instead (`-` reads stdin), for long prompts" })
    .option("action", { type: "string", demandOption: true, describe: "action from the config's action table (e.g. classify_memory)" })
    .option("quality-check", { type: "boolean", default: false, describe: "print every quality check's score and reason (checks always run)" })
    .option("json", { type: "boolean", default: false, describe: "print the RouteResult as JSON" })
    .option("stream", { type: "boolean", default: false, describe: "print the answer as it is released (only after it passed its check)" })
    .option("tag", { type: "string", describe: "caller tag, for per-caller budgets and reports" })
    .option("max-tokens", { type: "number", describe: "override the action's max_tokens" })
    .option("download", {
      type: "string",
      choices: ["auto", "never"] as const,
      describe: `may a missing embedded model be downloaded now? (default: $${DOWNLOAD_ENV}, else the provider's \`download:\`)`,
    })
    .check((a) => {
      if ((a.prompt === undefined) === (a["prompt-file"] === undefined))
        throw new Error("give the input with exactly one of --prompt TEXT or --prompt-file FILE (`--prompt-file -` reads stdin)");
      return true;
    })
    .example("$0 route --config config/router.embedded.yaml --prompt 'Extract topic from: Fixed auth bug' --action classify_memory --quality-check", "")
    .example("git log -1 --format=%B | $0 route --action summarize --prompt-file -", "a long prompt from stdin");

export const routeCommand: CommandModule<object, ArgsOf<typeof builder>> = {
  command: "route",
  describe: "route one prompt: first tier of the action, quality check, escalate when below threshold",
  builder,
  handler: (args) =>
    runCommand(async (signal) => {
      const config = loadConfigFromArgs(args);
      const ledger = await openLedger(config, args.ledger);
      const progress = downloadProgressView();
      const router = new Router({
        config,
        ledger,
        providers: { modelDownload: args.download, onModelProgress: (e) => progress.update(e.model.id, e.progress) },
      });
      try {
        const req = { action: args.action, prompt: args.prompt ?? readPromptFile(args["prompt-file"]!), signal, tag: args.tag, maxTokens: args["max-tokens"] };
        let result: RouteResult | undefined;
        try {
          if (args.stream && !args.json) {
            for await (const ev of router.routeStream(req)) {
              if (ev.type === "text") process.stdout.write(ev.text);
              if (ev.type === "result") result = ev.result;
            }
            process.stdout.write("\n");
          } else {
            result = await router.route(req);
          }
        } catch (err) {
          if (err instanceof AllTiersFailedError) {
            if (args.json) printJson(err.result);
            else printAttempts(err.result);
            hintMissingModels(err.result, config.file);
          }
          throw err;
        }
        // routeStream ends with a result or throws: a stream without one is a bug in the router.
        if (!result) throw new Error("the route stream ended without a result");
        if (args.json) printJson(result);
        else printHuman(result, { answer: !args.stream, checks: args["quality-check"] });
        hintMissingModels(result, config.file);
      } finally {
        progress.stop();
        await router.close();
        await ledger.close();
      }
    }),
};

/** The prompt from a file, or from stdin for `-`; a trailing newline (what editors and `echo` add) is not part of it. */
function readPromptFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (err) {
    throw new UsageError({
      message: `--prompt-file: cannot read ${file === "-" ? "stdin" : file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      fix: "check the path, or pass the text with --prompt",
    });
  }
  return text.replace(/\r?\n$/, "");
}

function printHuman(r: RouteResult, show: { answer: boolean; checks: boolean }): void {
  const out = process.stdout;
  if (show.answer) out.write(`${r.text}\n`);
  const flag = r.verdict === "accepted" ? "accepted" : "BEST EFFORT: below threshold on every tier";
  out.write(`tier: ${r.tier}  model: ${r.modelId} (${r.provider})  confidence: ${r.confidence?.toFixed(2)} vs threshold ${r.threshold.toFixed(2)}: ${flag}\n`);
  out.write(
    `attempts: ${r.attempts.length}  cost: ${usd(r.costUsd)}  latency: ${ms(r.latencyMs)}  tokens: ${r.usage.inputTokens ?? "?"} in / ${r.usage.outputTokens ?? "?"} out\n`,
  );
  printAttempts(r);
  if (show.checks) for (const c of r.checks) out.write(`  check ${c.id}: ${c.score.toFixed(2)} ${c.pass ? "pass" : "FAIL"}: ${c.reason}\n`);
}

function printAttempts(r: RouteResult): void {
  for (const a of r.attempts) {
    const what = a.error ? `${a.verdict} ${a.error.class}: ${a.error.message.split("\n")[0]}` : `${a.verdict} confidence ${a.confidence?.toFixed(2)}`;
    process.stdout.write(`  #${a.attempt} ${a.tier} ${a.modelId}: ${what} (${ms(a.latencyMs)}, ${usd(a.costUsd)})\n`);
  }
}

/** The attempt lines carry no fix; a missing model file gets its own line on stderr, whatever tier answered. */
function hintMissingModels(r: RouteResult, configFile: string): void {
  const missing = r.attempts.filter((a) => a.error?.class === "ModelDownloadError" || (a.provider === "embedded" && a.error?.class === "ModelNotFoundError"));
  if (missing.length === 0) return;
  process.stderr.write(
    `hint: model file missing for ${[...new Set(missing.map((a) => a.modelId))].join(", ")}: run \`${pullCommand(configFile)}\` (\`tierlab models list\` shows where each file is looked for)\n`,
  );
}
