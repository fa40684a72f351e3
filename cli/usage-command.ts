/** `tierlab usage`: cost and routing figures from the ledger; `--export` writes JSONL or CSV. */
import type { Argv, CommandModule } from "yargs";
import { UsageError } from "../core/errors.js";
import { exportUsageLog } from "../router/ledger/export.js";
import { parseWindow, summariseUsage, type UsageSummary } from "../router/ledger/usage.js";
import { describeTarget, ledgerTarget } from "../router/ledger/open-ledger.js";
import { productionUsage, type ProductionUsage } from "../router/production/production-usage.js";
import { productionStoreFor } from "../router/production/store.js";
import { writeFinetuneFile } from "../router/production/finetune-export.js";
import { loadConfigFromArgs, ms, openLedgerReader, pct, printJson, runCommand, usd, withConfigOptions, type ArgsOf } from "./common.js";

const builder = (y: Argv) =>
  withConfigOptions(y)
    .option("topic", { type: "string", default: "llm_cost", choices: ["llm_cost"], describe: "what to report (the seed's query topic)" })
    .option("recent", { type: "string", default: "24h", describe: "time window: 30m, 24h, 7d, 4w" })
    .option("action", { type: "string", describe: "only this action" })
    .option("json", { type: "boolean", default: false, describe: "print the summary as JSON" })
    .option("export", { type: "string", describe: "also write the window's ledger rows to this file (.jsonl or .csv); an existing file is refused" })
    .option("force", { type: "boolean", default: false, describe: "let --export replace an existing file" })
    .option("export-finetune", {
      type: "string",
      describe:
        "write the window's escalated prompts with their accepted API answers as OpenAI chat fine-tuning JSONL (needs ledger.store_prompts); --action filters",
    })
    .example("$0 usage --topic llm_cost --recent 24h", "")
    .example("$0 usage --recent 7d --export llm_usage.jsonl", "")
    .example("$0 usage --recent 30d --action summarize --export-finetune summarize.jsonl", "");

export const usageCommand: CommandModule<object, ArgsOf<typeof builder>> = {
  command: "usage",
  describe: "cost, calls per tier, local share, fallback rate, latency and pass rate from the ledger",
  builder,
  handler: (args) =>
    runCommand(async () => {
      let windowMs: number;
      try {
        windowMs = parseWindow(args.recent);
      } catch (err) {
        throw new UsageError({ message: `--recent: ${(err as Error).message}` });
      }
      const config = loadConfigFromArgs(args);
      // Reading must never create a ledger (a mistyped --ledger would leave an empty one behind).
      const ledger = await openLedgerReader(config, args.ledger);
      if (!ledger) process.stderr.write(`no ledger at ${describeTarget(ledgerTarget(config, args.ledger))} yet: nothing has been routed with this config\n`);
      try {
        const until = new Date();
        const since = new Date(until.getTime() - windowMs);
        const records = (await ledger?.query({ since, until, action: args.action })) ?? [];
        const local = new Set(
          Object.entries(config.data.tiers)
            .filter(([, t]) => t.local)
            .map(([n]) => n),
        );
        const summary = summariseUsage(records, { since, until }, local);
        if (args["export-finetune"]) {
          const f = writeFinetuneFile({ config, records, file: args["export-finetune"] });
          const left = f.skipped.noPrompt + f.skipped.noAnswer + f.skipped.unknownAction;
          process.stderr.write(
            `wrote ${f.lines.length} fine-tuning examples to ${args["export-finetune"]}${left ? ` (${left} escalated requests left out: ${f.skipped.noPrompt} without a stored prompt, ${f.skipped.noAnswer} without a stored answer, ${f.skipped.unknownAction} of actions no longer configured)` : ""}\n`,
          );
        }
        if (args.export) {
          const r = exportUsageLog(records, args.export, { overwrite: args.force });
          process.stderr.write(`wrote ${r.rows} rows to ${args.export} (${r.format})\n`);
        }
        const production = await productionUsage({ config, store: productionStoreFor(ledger), since, until, action: args.action });
        if (args.json) printJson({ ...summary, production });
        else printSummary(summary, args.recent, production);
      } finally {
        await ledger?.close();
      }
    }),
};

function printSummary(s: UsageSummary, window: string, p: ProductionUsage): void {
  const lines = [
    `llm_cost, last ${window} (${s.since} → ${s.until})`,
    `  requests ${s.requests}, attempts ${s.attempts}, cost ${usd(s.costUsd)}`,
    `  calls per tier: ${
      Object.entries(s.callsPerTier)
        .map(([t, n]) => `${t} ${n}`)
        .join(", ") || "none"
    }`,
    `  local share ${pct(s.localShare)}, fallback rate ${pct(s.fallbackRate)}, pass rate ${pct(s.passRate)}`,
    `  latency mean ${ms(s.latencyMs.mean)}, p95 ${ms(s.latencyMs.p95)}`,
    `  tokens ${s.tokens.input} in / ${s.tokens.output} out${s.tokens.unknown ? ` (${s.tokens.unknown} answers without token counts)` : ""}`,
  ];
  if (Object.keys(s.errorsByClass).length)
    lines.push(
      `  errors: ${Object.entries(s.errorsByClass)
        .map(([c, n]) => `${c} ${n}`)
        .join(", ")}`,
    );
  // Shadow spend is its own budget scope: listed apart, not in the cost above.
  const sh = p.shadow;
  lines.push(
    `  shadow checks ${sh.checks} (${sh.agreed} agreed, ${sh.disagreed} disagreed, ${sh.noVerdict} no verdict), shadow spend ${usd(sh.costUsd)} (own budget ${usd(sh.budget.limitUsd)}/${sh.budget.period})`,
  );
  if (p.feedback.right + p.feedback.wrong > 0) lines.push(`  feedback: ${p.feedback.right} right, ${p.feedback.wrong} wrong`);
  const b = p.batch;
  if (b.queued + b.submitted + b.done + b.failed > 0)
    lines.push(
      `  batch tier: ${b.done} answered, ${b.submitted} in a provider batch, ${b.queued} queued, ${b.failed} failed; batch spend ${usd(b.costUsd)} (in the cost above)`,
    );
  process.stdout.write(lines.join("\n") + "\n");
}
