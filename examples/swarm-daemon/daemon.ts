/**
 * The seed's swarm_daemon_hybrid_example, on tierlab:
 *
 *   npx tsx examples/swarm-daemon/daemon.ts --objective "Test classification" --verbose --max-iterations 5
 *   npx tsx examples/swarm-daemon/daemon.ts --status
 *
 * Default config: config/router.embedded.yaml (tiny real GGUF models; no Ollama, no key). Without
 * ANTHROPIC_API_KEY the API tier is reported unavailable and the loop runs on the local tiers.
 * Ctrl-C finishes the step in flight, prints the summary and exits 130; a second Ctrl-C quits at once.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { loadConfigFromArgs, openLedger, runCommand, usd } from "../../cli/common.js";
import { Router } from "../../router/router.js";
import { runAgentLoop } from "./agent-loop.js";
import { daemonStatus, formatStatus } from "./status.js";

const EMBEDDED = resolve(dirname(fileURLToPath(import.meta.url)), "../../config/router.embedded.yaml");

const args = await yargs(hideBin(process.argv))
  .scriptName("swarm-daemon")
  .option("objective", { type: "string", default: "File the memory inbox", describe: "what the agent works towards" })
  .option("max-iterations", { type: "number", default: 10, describe: "stop after this many iterations" })
  .option("verbose", { type: "boolean", default: false, describe: "log every step: tier, model, confidence, cost" })
  .option("status", { type: "boolean", default: false, describe: "print today's spend, calls per tier, fallback rate and budget left, then exit" })
  .option("config", { type: "string", default: process.env.TIERLAB_CONFIG ?? EMBEDDED, describe: "router config" })
  .option("ledger", {
    type: "string",
    describe: "SQLite ledger path or postgres:// URL (default: $TIERLAB_DATABASE_URL, else ledger.url, else ledger.path in the config)",
  })
  .option("inbox", { type: "string", describe: "text file, one memory entry per line (default: a built-in sample)" })
  .option("tag", { type: "string", default: "swarm-daemon", describe: "caller tag recorded in the ledger" })
  .strict()
  .help()
  .parseAsync();

await runCommand(async (stop) => {
  const config = loadConfigFromArgs({ config: args.config });
  const ledger = await openLedger(config, args.ledger);
  if (args.status) {
    try {
      process.stdout.write(formatStatus(await daemonStatus({ config, ledger }), ledger.location) + "\n");
    } finally {
      await ledger.close();
    }
    return;
  }
  const inbox = args.inbox
    ? readFileSync(args.inbox, "utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
    : undefined;
  // The Router enforces the config's `budgets:` on this ledger by default.
  const router = new Router({ config, ledger });
  try {
    const r = await runAgentLoop({
      router,
      objective: args.objective,
      maxIterations: args["max-iterations"],
      inbox,
      stop,
      verbose: args.verbose,
      tag: args.tag,
    });
    const why = {
      done: "objective done: the inbox is empty",
      "max-iterations": `reached --max-iterations ${args["max-iterations"]}`,
      interrupted: "interrupted; the ledger holds every finished step",
    }[r.stoppedBy];
    process.stdout.write(`${why}. ${r.iterations} iterations, ${r.steps.length} routed steps, cost ${usd(r.costUsd)}\n`);
    for (const m of r.memory) process.stdout.write(`  ${m.topic.padEnd(12)} [${m.tags.join(", ")}]${m.followUp ? " follow-up" : ""}  ${m.entry}\n`);
  } finally {
    // Every route has already written its attempts; closing flushes nothing, it frees the models.
    await router.close();
    await ledger.close();
  }
});
