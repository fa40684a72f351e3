/** `bench run`: flags → runBench/resumeBench, a progress bar on a TTY, a table or --json at the end. */
import type { Argv, CommandModule } from "yargs";
import { loadConfigFromArgs, ms, pct, printJson, runCommand, withConfigOptions, type ArgsOf } from "../common.js";
import { ProviderKind } from "../../router/config/schema.js";
import { EXIT } from "../../core/exit-codes.js";
import { whyEverythingFailed } from "../../bench/run/all-failed.js";
import { RunFolder } from "../../bench/run/run-folder.js";
import { resumeBench, runBench, type BenchRunResult } from "../../bench/run/runner.js";

const builder = (y: Argv) =>
  withConfigOptions(y)
    .option("dataset", { type: "string", describe: "dataset file (.jsonl or .csv), e.g. datasets/seed-actions.jsonl" })
    .option("tier", { type: "string", describe: "measure every model of this tier (any case: local_quality)" })
    .option("model", { type: "string", array: true, describe: "measure these model ids" })
    .option("engine", { type: "string", choices: ProviderKind.options, describe: "only models served by this provider kind" })
    .option("cascade", { type: "boolean", default: false, describe: "run the full router and record which tier finally answered" })
    .option("limit", { type: "number", describe: "sample this many items (seeded)" })
    .option("seed", { type: "number", default: 1, describe: "seed for sampling and Poisson arrivals" })
    .option("action", { type: "string", describe: "only items of this action" })
    .option("concurrency", { type: "number", default: 1, describe: "requests in flight at once" })
    .option("rate", { type: "number", describe: "Poisson arrival rate, requests/s (default: as fast as concurrency allows)" })
    .option("warmup", { type: "number", default: 1, describe: "warm-up requests per model, recorded but excluded from statistics" })
    .option("timeout-ms", { type: "number", describe: "per-request timeout (default: the config's timeout_ms)" })
    .option("slo-ttft-ms", { type: "number", describe: "goodput SLO: time to first token" })
    .option("slo-tpot-ms", { type: "number", describe: "goodput SLO: time per output token" })
    .option("slo-e2e-ms", { type: "number", describe: "goodput SLO: end-to-end latency" })
    .option("results-dir", { type: "string", default: "results", describe: "where run folders go" })
    .option("run-id", { type: "string", describe: "name of the run folder (default: timestamp-dataset)" })
    .option("resume", { type: "string", describe: "finish an interrupted run without redoing its recorded items" })
    .option("store-answers", { type: "boolean", default: false, describe: "keep model answers in records.jsonl" })
    .option("json", { type: "boolean", default: false, describe: "print summary.json to stdout" })
    .check((a) => {
      if (!a.resume && !a.dataset) throw new Error("--dataset is required (or --resume <run-id>)");
      wholeAtLeast("concurrency", a.concurrency, 1);
      wholeAtLeast("warmup", a.warmup, 0);
      if (!Number.isInteger(a.seed)) throw new Error(`--seed must be a whole number (got ${a.seed})`);
      if (a.rate !== undefined && !(a.rate > 0)) throw new Error("--rate must be > 0 requests/s");
      if (a.limit !== undefined) wholeAtLeast("limit", a.limit, 1);
      // 0 would cut every request off before it started, and meta.json could not record it for --resume.
      if (a["timeout-ms"] !== undefined) wholeAtLeast("timeout-ms", a["timeout-ms"], 1);
      for (const slo of ["slo-ttft-ms", "slo-tpot-ms", "slo-e2e-ms"] as const)
        if (a[slo] !== undefined && !(a[slo]! > 0)) throw new Error(`--${slo} must be > 0 ms (got ${a[slo]})`);
      return true;
    })
    .example("$0 bench run --config config/router.embedded.yaml --tier local_fast --dataset datasets/seed-actions.jsonl --limit 40", "")
    .example("$0 bench run --tier local_quality --dataset datasets/gsm8k.jsonl --concurrency 4 --slo-ttft-ms 200 --slo-tpot-ms 50", "");

function wholeAtLeast(flag: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new Error(`--${flag} must be a whole number ≥ ${min} (got ${v})`);
}

export const runCommandModule: CommandModule<object, ArgsOf<typeof builder>> = {
  command: "run",
  describe: "replay a labeled dataset against a tier's models (or the cascade) and measure latency and pass rate",
  builder,
  handler: (args) =>
    runCommand(async (signal) => {
      const progress = Boolean(process.stderr.isTTY) && !args.json;
      let result: BenchRunResult;
      if (args.resume) {
        result = await resumeBench({ resultsDir: args["results-dir"], runId: args.resume, signal, progress });
      } else {
        loadConfigFromArgs(args); // fail fast on a bad config before creating the run folder
        result = await runBench({
          config: args.config,
          calibration: args.calibration,
          dataset: args.dataset!,
          tier: args.tier,
          models: args.model,
          engine: args.engine,
          cascade: args.cascade,
          limit: args.limit,
          seed: args.seed,
          action: args.action,
          concurrency: args.concurrency,
          rate: args.rate,
          warmup: args.warmup,
          timeoutMs: args["timeout-ms"],
          slo: { ttftMs: args["slo-ttft-ms"], tpotMs: args["slo-tpot-ms"], e2eMs: args["slo-e2e-ms"] },
          resultsDir: args["results-dir"],
          runId: args["run-id"],
          storeAnswers: args["store-answers"],
          progress,
          signal,
          command: process.argv.slice(2).join(" "),
        });
      }
      if (args.json) printJson(result.summary);
      else printTable(result);
      if (result.interrupted) return EXIT.interrupted;
      // A run where nothing answered measured nothing: say why once, and fail so scripts notice.
      const folder = new RunFolder(result.dir);
      const failed = whyEverythingFailed(folder.records(), folder.meta().config.file);
      if (failed) {
        process.stderr.write(`tierlab: ${failed}\n`);
        return EXIT.providerFailure;
      }
      return EXIT.ok;
    }),
};

function printTable(r: BenchRunResult): void {
  const s = r.summary;
  const lines = [
    `run ${s.run_id}: ${s.requests} requests in ${s.wall_s.toFixed(1)} s (${s.requests_per_s.toFixed(2)}/s)${s.complete ? "" : " — INTERRUPTED, finish with --resume " + s.run_id}`,
  ];
  lines.push(
    "  model                tier           action               n    err   pass (95% CI)            unparsed quality  e2e p50/p95        ttft p50    tpot p50",
  );
  for (const g of s.groups) {
    const ci = g.pass_rate_ci95 ? ` [${(g.pass_rate_ci95.lower * 100).toFixed(0)}–${(g.pass_rate_ci95.upper * 100).toFixed(0)}]` : "";
    lines.push(
      `  ${g.model_id.padEnd(20)} ${g.tier.padEnd(14)} ${g.action.padEnd(20)} ${String(g.n).padStart(4)} ${pct(g.error_rate).padStart(6)} ${(pct(g.pass_rate) + ci).padEnd(24)} ${String(g.unparseable ?? "n/a").padStart(8)} ${pct(g.quality_pass_rate).padStart(7)}  ${ms(g.e2e_ms.p50)}/${ms(g.e2e_ms.p95)}`
        .padEnd(159)
        .trimEnd() + `  ${ms(g.ttft_ms.p50)}  ${ms(g.tpot_ms.p50)}`,
    );
  }
  const slo = Object.entries(s.slo)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k.replace(/Ms$/, "")} ≤ ${v} ms`);
  lines.push(
    `goodput: ${s.goodput.met} of ${s.requests} requests met ${slo.length ? slo.join(", ") : "no SLO (none set: every answered request counts)"} (${pct(s.goodput.share)}), ${s.goodput.per_s.toFixed(2)}/s`,
  );
  const modelled = s.groups.filter((g) => g.latency_source !== "measured").map((g) => g.model_id);
  if (modelled.length)
    lines.push(`latency of ${[...new Set(modelled)].join(", ")}: MODELLED from the config's hardware profile (replayed answers), not measured`);
  const counters = new Map(s.groups.flatMap((g) => (g.token_counter ? [[g.model_id, g.token_counter] as const] : [])));
  for (const [model, c] of counters) lines.push(`tokens of ${model}: counted by ${c.tokenizer}${c.stand_in ? ` — STAND-IN: ${c.stand_in}` : ""}`);
  if (s.groups.some((g) => g.quality_pass_rate !== null)) lines.push("quality = the router's own check (format, not correctness); pass = the dataset grader");
  lines.push(`records: ${r.dir}/records.jsonl  summary: ${r.dir}/summary.json`);
  process.stdout.write(lines.join("\n") + "\n");
}
