/**
 * `bench run`: replays a dataset against the selected models (or the full cascade), one record per
 * finished request appended to the run folder, so an interrupted run is consistent and resumable.
 */
import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SingleBar, Presets } from "cli-progress";
import { planAction, type TierPlan } from "../../router/action-plan.js";
import { loadRouterConfig, type ResolvedModel, type RouterConfig } from "../../router/config/load.js";
import { UsageError } from "../../core/errors.js";
import { thresholdFor } from "../../router/policy/escalation.js";
import { ProviderRegistry, type ProviderOverrides } from "../../router/providers/registry.js";
import { createRng } from "../../core/rng.js";
import { SqliteLedger } from "../../router/ledger/sqlite-ledger.js";
import { Router } from "../../router/router.js";
import type { BenchRecord } from "../contracts/bench-record.js";
import { withDatasetActions } from "../dataset/actions.js";
import { loadDataset, sampleItems } from "../dataset/load.js";
import type { DatasetItem } from "../dataset/schema.js";
import type { Slo } from "../stats/latency.js";
import { measureCascade } from "./cascade-item.js";
import { gitCommit, hardwareInfo } from "./hardware.js";
import { measureItem } from "./measure.js";
import { RunFolder, type RunMeta } from "./run-folder.js";
import { runScheduled } from "./schedule.js";
import { summarizeRun, type RunSummary } from "./summary.js";
import { selectTargets } from "./targets.js";

export interface BenchRunOptions {
  config: string;
  calibration?: string;
  dataset: string;
  tier?: string;
  models?: string[];
  engine?: string;
  cascade: boolean;
  limit?: number;
  seed: number;
  action?: string;
  concurrency: number;
  rate?: number;
  warmup: number;
  timeoutMs?: number;
  slo: Slo;
  resultsDir: string;
  runId?: string;
  storeAnswers: boolean;
  progress: boolean;
  signal: AbortSignal;
  providers?: ProviderOverrides;
  command?: string;
}

interface Job {
  item: DatasetItem;
  target: ResolvedModel | "cascade";
  warmup: boolean;
}

export interface BenchRunResult {
  dir: string;
  summary: RunSummary;
  interrupted: boolean;
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

export async function runBench(o: BenchRunOptions): Promise<BenchRunResult> {
  const dataset = loadDataset(o.dataset);
  const { config, declared } = withDatasetActions(loadRouterConfig(o.config, o.calibration ? { calibration: o.calibration } : {}), dataset);
  const items = sampleItems(dataset.items, { limit: o.limit, seed: o.seed, action: o.action });
  if (items.length === 0)
    throw new UsageError({ message: `no items in ${o.dataset}${o.action ? ` for action ${o.action}` : ""}`, fix: "check --dataset and --action" });
  const missing = [...new Set(items.map((i) => i.action))].filter((a) => !config.data.actions[a]);
  if (missing.length)
    throw new UsageError({
      message: `dataset actions not in ${config.file}: ${missing.join(", ")}`,
      fix: "add them to the action table, declare them in the dataset's header (`actions:`, see datasets/README.md), or pick another dataset",
    });
  const targets: (ResolvedModel | "cascade")[] = o.cascade ? ["cascade"] : selectTargets(config, { tier: o.tier, models: o.models, engine: o.engine });
  const runId = o.runId ?? `${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-")}-${dataset.header.name}`;
  const folder = RunFolder.create(join(o.resultsDir, runId), {
    version: 1,
    run_id: runId,
    created_at: new Date().toISOString(),
    command: o.command ?? "bench run",
    config: { file: config.file, sha256: sha256(config.file) },
    dataset: { file: dataset.file, name: dataset.header.name, sha256: dataset.hash, items: items.length },
    options: {
      tier: o.tier ?? null,
      models: o.models ?? null,
      engine: o.engine ?? null,
      cascade: o.cascade,
      limit: o.limit ?? null,
      seed: o.seed,
      action: o.action ?? null,
      concurrency: o.concurrency,
      rate: o.rate ?? null,
      warmup: o.warmup,
      timeout_ms: o.timeoutMs ?? null,
      slo: o.slo,
      store_answers: o.storeAnswers,
      calibration: o.calibration ?? null,
    },
    targets: o.cascade ? [] : (targets as ResolvedModel[]).map((m) => ({ tier: m.tier, model_id: m.id, provider: m.provider, model: m.model })),
    git_commit: gitCommit(config.dir),
    hardware: await hardwareWithOllama(config, targets),
    ...(Object.keys(declared).length ? { declared_actions: declared } : {}),
  } satisfies RunMeta);
  const jobs: Job[] = [];
  for (const target of targets) {
    for (let w = 0; w < Math.min(o.warmup, items.length); w++) jobs.push({ item: items[w]!, target, warmup: true });
    for (const item of items) jobs.push({ item, target, warmup: false });
  }
  return executeJobs({ o, config, folder, runId, datasetName: dataset.header.name, jobs });
}

/** Finishes an interrupted run: same options, only the measured requests not yet recorded. */
export async function resumeBench(o: Pick<BenchRunOptions, "resultsDir" | "signal" | "progress" | "providers"> & { runId: string }): Promise<BenchRunResult> {
  const folder = new RunFolder(join(o.resultsDir, o.runId));
  const meta = folder.meta();
  const opt = meta.options;
  const dataset = loadDataset(meta.dataset.file);
  const { config } = withDatasetActions(loadRouterConfig(meta.config.file, opt.calibration !== null ? { calibration: opt.calibration } : {}), dataset);
  if (dataset.hash !== meta.dataset.sha256)
    throw new UsageError({ message: `${meta.dataset.file} changed since the run started`, fix: "restore the dataset or start a new run" });
  const items = sampleItems(dataset.items, { limit: opt.limit ?? undefined, seed: opt.seed, action: opt.action ?? undefined });
  const done = new Set(
    folder
      .records()
      .filter((r) => !r.warmup)
      .map((r) => `${r.item_id}\u0000${opt.cascade ? "cascade" : r.model_id}`),
  );
  const targets: (ResolvedModel | "cascade")[] = opt.cascade ? ["cascade"] : meta.targets.map((t) => selectTargets(config, { models: [t.model_id] })[0]!);
  const jobs: Job[] = [];
  for (const target of targets) {
    const id = target === "cascade" ? "cascade" : target.id;
    for (const item of items) if (!done.has(`${item.id}\u0000${id}`)) jobs.push({ item, target, warmup: false });
  }
  const o2: BenchRunOptions = {
    ...o,
    config: meta.config.file,
    dataset: meta.dataset.file,
    cascade: opt.cascade,
    seed: opt.seed,
    concurrency: opt.concurrency,
    rate: opt.rate ?? undefined,
    warmup: 0,
    timeoutMs: opt.timeout_ms ?? undefined,
    slo: opt.slo,
    storeAnswers: opt.store_answers,
  };
  return executeJobs({ o: o2, config, folder, runId: o.runId, datasetName: meta.dataset.name, jobs });
}

async function executeJobs(a: {
  o: BenchRunOptions;
  config: RouterConfig;
  folder: RunFolder;
  runId: string;
  datasetName: string;
  jobs: Job[];
}): Promise<BenchRunResult> {
  const { o, config, folder } = a;
  const registry = new ProviderRegistry(config, o.providers);
  const timeoutMs = o.timeoutMs ?? config.data.defaults.timeout_ms;
  const bar = o.progress
    ? new SingleBar({ format: "bench {bar} {value}/{total} | ETA {eta_formatted} | {model}", stream: process.stderr, hideCursor: true }, Presets.shades_classic)
    : undefined;
  bar?.start(a.jobs.length, 0, { model: "" });
  const plans = new Map<string, ReturnType<typeof planAction>>();
  const plan = (action: string) => plans.get(action) ?? plans.set(action, planAction(config, action)).get(action)!;
  const tierPlan = (action: string, m: ResolvedModel): TierPlan => ({
    name: m.tier,
    local: m.local,
    threshold: thresholdFor(config, action, m.tier).threshold,
    models: [m],
  });
  const needsRouter = a.jobs.some((j) => j.target === "cascade");
  const ledger = needsRouter ? new SqliteLedger(join(folder.dir, "ledger.sqlite")) : undefined;
  const router = needsRouter ? new Router({ config, ledger, providers: o.providers }) : undefined;
  // Every request in flight listens on the run's abort signal; that many listeners is expected.
  setMaxListeners(o.concurrency + 16, o.signal);
  const started = performance.now();
  try {
    await runScheduled({
      jobs: a.jobs,
      concurrency: o.concurrency,
      rate: o.rate,
      rng: createRng(o.seed),
      signal: o.signal,
      run: async (job) => {
        let record: BenchRecord;
        if (job.target === "cascade") {
          record = await measureCascade({
            runId: a.runId,
            dataset: a.datasetName,
            item: job.item,
            router: router!,
            warmup: job.warmup,
            storeAnswers: o.storeAnswers,
            signal: o.signal,
          });
        } else {
          record = await measureItem({
            runId: a.runId,
            dataset: a.datasetName,
            item: job.item,
            plan: plan(job.item.action),
            tier: tierPlan(job.item.action, job.target),
            model: job.target,
            registry,
            timeoutMs,
            warmup: job.warmup,
            storeAnswers: o.storeAnswers,
            signal: o.signal,
          });
        }
        // A request cut short by Ctrl-C is not a measurement; --resume redoes it.
        if (o.signal.aborted && record.error) return;
        folder.append(record);
        bar?.increment(1, { model: job.target === "cascade" ? "cascade" : job.target.id });
      },
    });
  } finally {
    bar?.stop();
    folder.close();
    await registry.closeAll();
    await router?.close();
    ledger?.close();
  }
  const interrupted = o.signal.aborted;
  const wallS = (performance.now() - started) / 1000;
  const summary = summarizeRun({ runId: a.runId, records: folder.records(), wallS, complete: !interrupted, slo: o.slo });
  folder.writeSummary(summary);
  return { dir: folder.dir, summary, interrupted };
}

async function hardwareWithOllama(config: RouterConfig, targets: (ResolvedModel | "cascade")[]): Promise<Record<string, unknown>> {
  const hw = hardwareInfo();
  const ollama = targets.find((t) => t !== "cascade" && config.data.providers[t.provider]?.kind === "ollama") as ResolvedModel | undefined;
  if (ollama) {
    const { ollamaVersion } = await import("../../router/providers/ollama.js");
    const { ollamaHost } = await import("../../router/providers/provider-env.js");
    const host = ollamaHost(config.data.providers[ollama.provider]?.host);
    hw.ollama_version = (await ollamaVersion(host).catch(() => undefined)) ?? null;
    hw.ollama_host = host;
  }
  return hw;
}
