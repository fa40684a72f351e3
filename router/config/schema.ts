/**
 * zod schemas for config/router*.yaml: the source of truth; types come from z.infer.
 * Field names are snake_case as users write YAML; the loader keeps them as written.
 */
import { z } from "zod";
import { AnswerKind } from "../answers/kinds.js";
import { BATCH_DEFAULTS, BatchConfig, DRIFT_DEFAULTS, DriftConfig, SHADOW_DEFAULTS, ShadowConfig } from "./production-schema.js";
import { HardwareProfile } from "../providers/replay-latency.js";
import { TokenizerId } from "../providers/replay-tokenizers.js";

const Probability = z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");
const PositiveInt = z.number().int().positive();

export const ProviderKind = z.enum(["ollama", "openai", "anthropic", "embedded", "scripted", "replay"]);
export type ProviderKind = z.infer<typeof ProviderKind>;

/** One model of a replay provider: its recorded answers, its tokenizer and its modelled speed. */
export const ReplayModelConfig = z.strictObject({
  /** Recording files (tierlab-replay JSONL, plain or gzip), relative to the config file; e.g. one per task. */
  recordings: z.array(z.string().min(1)).min(1, "list at least one recording file"),
  /** The tokenizer that counts this model's tokens. */
  tokenizer: TokenizerId,
  /** Set when `tokenizer` is not the model's own: whose counts it stands in for, and why. Reports flag these counts. */
  tokenizer_stand_in: z.string().min(1).optional(),
  /** This model's speed on the assumed hardware: latencies are computed from it, never measured. */
  latency: HardwareProfile,
});
export type ReplayModelConfig = z.infer<typeof ReplayModelConfig>;

export const ProviderConfig = z.strictObject({
  kind: ProviderKind,
  /** Ollama host or OpenAI-compatible base URL; Ollama falls back to $OLLAMA_HOST. */
  host: z.string().url().optional(),
  base_url: z.string().url().optional(),
  /** Name of the environment variable holding the key (never the key itself). */
  api_key_env: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name like ANTHROPIC_API_KEY")
    .optional(),
  /** Embedded engine: CPU threads per context (1 is fastest on 2-core machines). */
  threads: PositiveInt.optional(),
  context_size: PositiveInt.optional(),
  /**
   * Embedded engine: may a missing GGUF with a `uri:` be downloaded when a request needs it (default auto)?
   * `never` fails at once with the `tierlab models pull` command instead. $TIERLAB_MODEL_DOWNLOAD and
   * `route --download` override it.
   */
  download: z.enum(["auto", "never"]).optional(),
  /** Embedded downloads: longest wait for the server's response headers (default 10 s). */
  download_connect_timeout_ms: PositiveInt.optional(),
  /** Embedded downloads: longest silence between two chunks of the body (default 20 s). */
  download_stall_timeout_ms: PositiveInt.optional(),
  /** Scripted provider (tests, perf, demos): canned answers by prompt substring. */
  script: z.array(z.strictObject({ match: z.string().optional(), reply: z.string(), delay_ms: z.number().min(0).optional() })).optional(),
  /** Replay: `instant` returns at once with the modelled timing; `realtime` streams at the modelled pace. */
  pace: z.enum(["instant", "realtime"]).optional(),
  /** Replay: seed of the modelled round-trip draws. */
  seed: z.number().int().optional(),
  /** Replay: the machine the `latency:` figures assume, in words (shown in reports next to modelled latencies). */
  hardware_profile: z.string().min(1).optional(),
  /** Replay: model name (the tier's `model:`) → its recordings, tokenizer and speed. */
  models: z.record(z.string(), ReplayModelConfig).optional(),
});
export type ProviderConfig = z.infer<typeof ProviderConfig>;

export const ModelConfig = z.strictObject({
  /** Stable id used in the ledger, prices and calibration, e.g. `phi3-mini`. */
  id: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9._:/-]+$/, "use letters, digits and . _ : / -"),
  provider: z.string().min(1),
  /** Provider-native name (`phi3:mini`, `gpt-4o`) or, for the embedded engine, a GGUF path relative to the config file. */
  model: z.string().min(1),
  /**
   * Embedded engine: where to fetch the GGUF when it is not on disk: hf:owner/repo/path/file.gguf[#branch]
   * or an http(s):// URL. Fetched by `tierlab models pull`, or at route time when `download:` allows.
   */
  uri: z.string().optional(),
  /** Embedded engine: the GGUF's sha256 (hex); a download that does not match is deleted. */
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex digits (the output of `sha256sum`)")
    .optional(),
  /** Embedded engine: the GGUF's size in bytes; checked before and after a download. */
  size: PositiveInt.optional(),
  /** Key into the price table; defaults to `id`. */
  price: z.string().optional(),
  context_tokens: PositiveInt.optional(),
});
export type ModelConfig = z.infer<typeof ModelConfig>;

export const TierConfig = z.strictObject({
  description: z.string().optional(),
  /** Local tiers cost $0 per token at the margin (plus the optional amortised local cost). */
  local: z.boolean(),
  models: z.array(ModelConfig).min(1, "a tier needs at least one model"),
  /** Expected latency range from the seed, used by the simulator when no bench data is given. */
  latency_ms: z.tuple([z.number().positive(), z.number().positive()]).optional(),
});
export type TierConfig = z.infer<typeof TierConfig>;

export const CheckConfig = z.looseObject({
  id: z.string().min(1),
  weight: z.number().positive().optional(),
  /** A gate caps the confidence at its own score: a wrong format cannot be outvoted. */
  gate: z.boolean().optional(),
});
export type CheckConfig = z.infer<typeof CheckConfig>;

/** The per-action verifier: which model judges, and how it is asked. */
export const VerifierConfig = z.strictObject({
  /** Model id (from the tiers) that judges; a local one, since it is asked about every local answer. */
  model: z.string().min(1),
  /** The question, with {question} and {answer}; default: router/confidence/verifier.ts. */
  template: z.string().optional(),
  max_tokens: PositiveInt.optional(),
});
export type VerifierConfig = z.infer<typeof VerifierConfig>;

export const ActionConfig = z.strictObject({
  description: z.string().optional(),
  tier: z.string().min(1),
  escalate: z.array(z.string().min(1)).default([]),
  checks: z.array(CheckConfig).default([]),
  threshold: Probability.optional(),
  system: z.string().optional(),
  /** `{input}` is replaced by the caller's prompt. */
  template: z.string().optional(),
  max_tokens: PositiveInt.optional(),
  temperature: z.number().min(0).max(2).optional(),
  output: z.enum(["text", "json"]).default("text"),
  /** The kind of answer the action expects (number, python_literal, label, text), where it is known. */
  answer: AnswerKind.optional(),
  /** JSON Schema for structured actions; passed to the backend and checked by the json_schema check. */
  schema: z.record(z.string(), z.unknown()).optional(),
  /** Target error among kept local answers, for `bench calibrate`'s Learn-then-Test thresholds (default 0.05; --alpha overrides). */
  alpha: z.number().gt(0, "must be between 0 and 1 (exclusive)").lt(1, "must be between 0 and 1 (exclusive)").optional(),
  /** Allowed probability that the alpha guarantee fails (default 0.1; --delta overrides). */
  delta: z.number().gt(0, "must be between 0 and 1 (exclusive)").lt(1, "must be between 0 and 1 (exclusive)").optional(),
  /** Accuracy a recommended policy may lose against the reference alone, as a share of it (default 0.01: within 1 %). */
  accuracy_tolerance: z.number().min(0).max(1).optional(),
  /** The model whose accuracy alone that tolerance is measured against (a model id; default: the API tier alone, i.e. api_first). */
  accuracy_reference: z.string().min(1).optional(),
  /** Run this policy instead of the one the calibration file recommends (cascade, consensus or api_first). */
  policy: z.enum(["cascade", "consensus", "api_first"]).optional(),
  /** A local model asked whether each local answer is right; its P(yes) becomes the `verifier` signal. */
  verifier: VerifierConfig.optional(),
  /** Share of this action's accepted local answers shadow-checked on the API tier (default `shadow.rate`). */
  shadow_rate: Probability.optional(),
  /** Callers may opt in to wait: its API-tier requests then go through the providers' batch APIs at half price. */
  deferrable: z.boolean().optional(),
});
export type ActionConfig = z.infer<typeof ActionConfig>;

export const RetryConfig = z.strictObject({
  max_retries: z.number().int().min(0).max(10).default(2),
  base_delay_ms: z.number().min(0).default(500),
  max_delay_ms: z.number().min(0).default(8000),
});

export const LocalCostConfig = z.strictObject({
  gpu_usd_per_hour: z.number().min(0).default(0),
  watts: z.number().min(0).default(0),
  usd_per_kwh: z.number().min(0).default(0),
  /** Share of wall time the GPU is busy with our calls; amortises the hourly cost over busy seconds. */
  utilisation: z.number().gt(0).max(1).default(1),
});
export type LocalCostConfig = z.infer<typeof LocalCostConfig>;

export const BudgetConfig = z.strictObject({
  scope: z.enum(["global", "action", "tag"]).default("global"),
  /** Action name or caller tag when scope is not global. */
  key: z.string().optional(),
  period: z.enum(["day", "week", "month"]),
  limit_usd: z.number().positive(),
  /** What happens when a paid call would exceed the limit. */
  on_exceed: z.enum(["degrade", "refuse"]).default("degrade"),
});
export type BudgetConfig = z.infer<typeof BudgetConfig>;

/** Per-model circuit breaker: after N consecutive transient failures the model is skipped for a cool-down. */
export const CircuitConfig = z.strictObject({
  enabled: z.boolean().default(true),
  failure_threshold: z.number().int().min(1).max(1000).default(5),
  cooldown_ms: z.number().int().min(0).max(3_600_000).default(30_000),
});
export type CircuitConfig = z.infer<typeof CircuitConfig>;

export const RouterConfigSchema = z.strictObject({
  version: z.literal(1, { error: "must be 1 (the only config version this tierlab reads)" }),
  prices: z.string().default("prices.json"),
  /** Calibrated thresholds written by `bench calibrate`; read when the file exists. */
  calibration: z.string().default("calibration.json"),
  ledger: z
    .strictObject({
      path: z.string().default(".tierlab/ledger.sqlite"),
      store_prompts: z.boolean().default(false),
      /** durable: a request returns after its row is committed; batched: write-behind every batch_ms. */
      commit: z.enum(["durable", "batched"]).default("durable"),
      batch_ms: z.number().int().min(1).max(10_000).default(20),
      /**
       * A PostgreSQL database shared by every instance (ledger and budgets); TIERLAB_DATABASE_URL
       * overrides it. Unset: the SQLite file at `path`.
       */
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
        .optional(),
      /** Connections each instance may open to that database (ledger writes and reservations each get this many). */
      pool_max: z.number().int().min(1).max(100).default(10),
      /** PostgreSQL unreachable: fail (requests fail fast, 503 from the gateway) or degrade (paid tiers skipped, local answers served, rows written on return). */
      when_down: z.enum(["fail", "degrade"]).default("fail"),
    })
    .default({ path: ".tierlab/ledger.sqlite", store_prompts: false, commit: "durable", batch_ms: 20, pool_max: 10, when_down: "fail" }),
  defaults: z
    .strictObject({
      threshold: Probability.default(0.7),
      timeout_ms: PositiveInt.default(60_000),
      deadline_ms: PositiveInt.default(180_000),
      max_tokens: PositiveInt.default(512),
    })
    .default({ threshold: 0.7, timeout_ms: 60_000, deadline_ms: 180_000, max_tokens: 512 }),
  retry: RetryConfig.default({ max_retries: 2, base_delay_ms: 500, max_delay_ms: 8000 }),
  circuit: CircuitConfig.default({ enabled: true, failure_threshold: 5, cooldown_ms: 30_000 }),
  local_cost: LocalCostConfig.optional(),
  providers: z.record(z.string(), ProviderConfig),
  tiers: z.record(z.string(), TierConfig),
  /**
   * The action table inline, or the path of a YAML file holding it (shared between configs), or a list of
   * such files merged in order (an action defined in two of them is an error).
   */
  actions: z.union([z.string(), z.array(z.string()).min(1), z.record(z.string(), ActionConfig)]),
  budgets: z.array(BudgetConfig).default([]),
  shadow: ShadowConfig.default(SHADOW_DEFAULTS),
  drift: DriftConfig.default(DRIFT_DEFAULTS),
  batch: BatchConfig.default(BATCH_DEFAULTS),
});
export const ActionTableSchema = z.record(z.string(), ActionConfig);

export type RouterConfigInput = z.input<typeof RouterConfigSchema>;
/** The config after loading: the action table is always resolved inline. */
export type RouterConfigData = Omit<z.infer<typeof RouterConfigSchema>, "actions"> & { actions: Record<string, ActionConfig> };
