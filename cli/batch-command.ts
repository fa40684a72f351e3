/** `tierlab batch status|collect`: the batch tier's queue, and a pass that submits, polls and records. */
import type { Argv, CommandModule } from "yargs";
import type { CollectReport } from "../router/batch/batch-tier.js";
import type { BatchItem } from "../router/production/records.js";
import { Production } from "../router/production/production.js";
import { abortableSleep } from "../router/retry.js";
import { Router } from "../router/router.js";
import { loadConfigFromArgs, openLedger, printJson, runCommand, usd, withConfigOptions } from "./common.js";

interface BatchArgs {
  config: string;
  calibration?: string;
  ledger?: string;
  json: boolean;
  wait?: boolean;
  "every-ms"?: number;
}

async function open(args: BatchArgs) {
  const config = loadConfigFromArgs(args);
  const ledger = await openLedger(config, args.ledger);
  const production = await Production.open({ config, ledger });
  const router = new Router({ config, ledger, production });
  return {
    config,
    ledger,
    production,
    router,
    batch: production.batch!,
    close: async () => {
      await router.close();
      await ledger.close();
    },
  };
}

const statusCommand: CommandModule<object, BatchArgs> = {
  command: "status",
  describe: "deferred requests by state and the provider batches in flight",
  builder: (y: Argv) =>
    withConfigOptions(y).option("json", { type: "boolean", default: false, describe: "print items and batches as JSON" }) as unknown as Argv<BatchArgs>,
  handler: (args) =>
    runCommand(async () => {
      const t = await open(args);
      try {
        const [items, batches] = await Promise.all([t.production.store.select("batch_items"), t.production.store.select("batches")]);
        if (args.json) return printJson({ version: 1, items, batches });
        const by = (s: BatchItem["state"]) => items.filter((i) => i.state === s).length;
        const lines = [
          `batch tier (${t.ledger.location}): ${by("queued")} queued, ${by("submitted")} in a provider batch, ${by("done")} answered, ${by("failed")} failed`,
        ];
        for (const b of batches.filter((x) => x.state === "in_progress"))
          lines.push(`  ${b.batch_id} on ${b.provider} (${b.kind}, ${b.model}): ${b.requests} requests, submitted ${b.submitted_at}`);
        const spent = items.reduce((s, i) => s + (i.cost_usd ?? 0), 0);
        lines.push(`  batch spend so far ${usd(spent)}`);
        process.stdout.write(lines.join("\n") + "\n");
      } finally {
        await t.close();
      }
    }),
};

const collectCommand: CommandModule<object, BatchArgs> = {
  command: "collect",
  describe: "submit queued requests, poll batches in flight and record finished answers (at the batch price); --wait repeats until none is left",
  builder: (y: Argv) =>
    withConfigOptions(y)
      .option("json", { type: "boolean", default: false, describe: "print each pass's report as JSON" })
      .option("wait", { type: "boolean", default: false, describe: "repeat until nothing is queued or in flight (Ctrl-C stops; nothing is lost)" })
      .option("every-ms", {
        type: "number",
        describe: "pause between passes with --wait (default: the config's batch.poll_every_ms)",
      }) as unknown as Argv<BatchArgs>,
  handler: (args) =>
    runCommand(async (signal) => {
      const t = await open(args);
      try {
        for (;;) {
          const r = await t.batch.collect(signal);
          if (args.json) printJson(r);
          else printPass(r);
          if (!args.wait || r.inFlight === 0 || signal.aborted) break;
          await abortableSleep(args["every-ms"] ?? t.config.data.batch.poll_every_ms, signal).catch(() => undefined);
          if (signal.aborted) break;
        }
      } finally {
        await t.close();
      }
    }),
};

function printPass(r: CollectReport): void {
  const lines: string[] = [];
  for (const s of r.submitted) lines.push(`submitted ${s.requests} request(s) as batch ${s.batchId} on ${s.provider}`);
  for (const i of r.finished) {
    lines.push(
      i.state === "done"
        ? `${i.request_id} ${i.verdict} from ${i.model} (${usd(i.cost_usd ?? 0)} at the batch price): ${(i.answer ?? "").replace(/\s+/g, " ").slice(0, 100)}`
        : `${i.request_id} failed: ${i.error}`,
    );
  }
  if (r.requeued) lines.push(`${r.requeued} expired request(s) queued for another batch`);
  lines.push(`${r.inFlight} request(s) still queued or in flight`);
  process.stdout.write(lines.join("\n") + "\n");
}

export const batchCommand: CommandModule<object, object> = {
  command: "batch <command>",
  describe: "the batch tier: deferred requests of deferrable actions, answered through the providers' batch APIs at half price",
  builder: (y: Argv) => y.command(statusCommand).command(collectCommand).demandCommand(1, "name a subcommand: status or collect") as Argv,
  handler: () => undefined,
};
