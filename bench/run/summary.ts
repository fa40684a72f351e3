/**
 * summary.json: per model and action, latency percentiles, throughput, error rate, pass rate with
 * a Wilson 95 % interval, unparseable answers, quality-check pass rate and goodput against the SLO; and the
 * run's goodput over all its requests. Warm-up excluded. Version 2 adds where the latencies and token counts
 * came from, and `unparseable`.
 */
import { z } from "zod";
import { TokenCounterSchema, type BenchRecord } from "../contracts/bench-record.js";
import { goodput, summarize, type Slo } from "../stats/latency.js";
import { SloSchema } from "./run-options.js";
import { wilsonInterval } from "../stats/proportion.js";

export const SUMMARY_VERSION = 2 as const;

const Latency = z.strictObject({
  n: z.number().int().min(0),
  /** All statistics are absent when n = 0: there is no honest number to report. */
  mean: z.number().optional(),
  p50: z.number().optional(),
  p90: z.number().optional(),
  p95: z.number().optional(),
  p99: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});
const Rate = z.number().min(0).max(1);

const GroupFieldsV1 = {
  model_id: z.string(),
  tier: z.string(),
  provider: z.string(),
  action: z.string(),
  n: z.number().int().min(0),
  errors: z.number().int().min(0),
  error_rate: Rate,
  e2e_ms: Latency,
  ttft_ms: Latency,
  tpot_ms: Latency,
  itl_ms: Latency,
  output_tokens_per_s: Latency,
  /** Dataset grader: is the answer right? */
  pass_rate: Rate.nullable(),
  pass_rate_ci95: z.strictObject({ lower: Rate, upper: Rate }).nullable(),
  /** Router quality check at the run's threshold. */
  quality_pass_rate: Rate.nullable(),
  mean_confidence: Rate.nullable(),
  goodput: z.strictObject({ share: Rate.nullable(), per_s: z.number().min(0) }),
};

export const GroupSummarySchema = z.strictObject({
  ...GroupFieldsV1,
  /** `modelled` when the latencies were computed from a hardware profile (replay), `mixed` when some were. */
  latency_source: z.enum(["measured", "modelled", "mixed"]),
  /** Who counted the tokens when the backend did not: tokenizer and, for a stand-in, whose it stands in for. */
  token_counter: TokenCounterSchema.nullable(),
  /** Graded answers from which no answer could be read (counted wrong); null when the grader does not tell. */
  unparseable: z.number().int().min(0).nullable(),
});
export type GroupSummary = z.infer<typeof GroupSummarySchema>;

const RunFields = {
  run_id: z.string(),
  complete: z.boolean(),
  wall_s: z.number().min(0),
  requests: z.number().int().min(0),
  warmup_requests: z.number().int().min(0),
  requests_per_s: z.number().min(0),
  slo: SloSchema,
  /** Over every measured request of the run: the share meeting every SLO and how many did per second of wall time. */
  goodput: z.strictObject({ met: z.number().int().min(0), share: Rate.nullable(), per_s: z.number().min(0) }),
};

export const RunSummarySchema = z.strictObject({ version: z.literal(SUMMARY_VERSION), ...RunFields, groups: z.array(GroupSummarySchema) });
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** Version 1 lacks the provenance fields (latency_source, token_counter, unparseable). */
const RunSummaryV1Schema = z.strictObject({ version: z.literal(1), ...RunFields, groups: z.array(z.strictObject(GroupFieldsV1)) });

/** Every summary.json a reader may meet, told apart by `version`. */
export const ReadableSummarySchema = z.discriminatedUnion("version", [RunSummarySchema, RunSummaryV1Schema], {
  error: "version must be 1 or 2 (a summary.json written by `bench run`)",
});
export type ReadableSummary = z.infer<typeof ReadableSummarySchema>;

export function summarizeRun(args: { runId: string; records: BenchRecord[]; wallS: number; complete: boolean; slo: Slo }): RunSummary {
  const measured = args.records.filter((r) => !r.warmup);
  const groups = new Map<string, BenchRecord[]>();
  for (const r of measured) {
    const k = `${r.model_id}\u0000${r.action}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const wall = Math.max(args.wallS, 1e-9);
  const out: GroupSummary[] = [];
  for (const rows of groups.values()) {
    const ok = rows.filter((r) => r.error === null);
    const graded = ok.filter((r) => r.grade !== null);
    const passes = graded.filter((r) => r.grade!.pass).length;
    const qual = ok.filter((r) => r.quality_pass !== null);
    const nums = (f: (r: BenchRecord) => number | null) => ok.map(f).filter((x): x is number => x !== null);
    const ci = graded.length ? wilsonInterval(passes, graded.length) : null;
    const gp = goodput(
      rows.map((r) => ({ ok: r.error === null, ttftMs: r.ttft_ms ?? undefined, tpotMs: r.tpot_ms ?? undefined, e2eMs: r.e2e_ms })),
      args.slo,
      wall,
    );
    const first = rows[0]!;
    out.push({
      model_id: first.model_id,
      tier: first.tier,
      provider: first.provider,
      action: first.action,
      n: rows.length,
      errors: rows.length - ok.length,
      error_rate: (rows.length - ok.length) / rows.length,
      // The latency figures are over answered requests; a failed lookup's few measured ms are not among them.
      latency_source: latencySourceOf(ok),
      token_counter: ok.find((r) => r.token_counter !== null)?.token_counter ?? null,
      e2e_ms: summarize(nums((r) => r.e2e_ms)),
      ttft_ms: summarize(nums((r) => r.ttft_ms)),
      tpot_ms: summarize(nums((r) => r.tpot_ms)),
      itl_ms: summarize(ok.flatMap((r) => r.itl_ms)),
      output_tokens_per_s: summarize(nums((r) => r.output_tokens_per_s)),
      pass_rate: graded.length ? passes / graded.length : null,
      pass_rate_ci95: ci,
      unparseable: graded.some((r) => r.grade!.unparseable !== null) ? graded.filter((r) => r.grade!.unparseable === true).length : null,
      quality_pass_rate: qual.length ? qual.filter((r) => r.quality_pass).length / qual.length : null,
      mean_confidence: ok.length ? ok.reduce((s, r) => s + (r.confidence ?? 0), 0) / ok.length : null,
      goodput: { share: gp.share ?? null, per_s: gp.perSecond },
    });
  }
  out.sort((a, b) => a.tier.localeCompare(b.tier) || a.model_id.localeCompare(b.model_id) || a.action.localeCompare(b.action));
  const all = goodput(
    measured.map((r) => ({ ok: r.error === null, ttftMs: r.ttft_ms ?? undefined, tpotMs: r.tpot_ms ?? undefined, e2eMs: r.e2e_ms })),
    args.slo,
    wall,
  );
  return {
    version: SUMMARY_VERSION,
    run_id: args.runId,
    complete: args.complete,
    wall_s: args.wallS,
    requests: measured.length,
    warmup_requests: args.records.length - measured.length,
    requests_per_s: measured.length / wall,
    slo: args.slo,
    goodput: { met: all.met, share: all.share ?? null, per_s: all.perSecond },
    groups: out,
  };
}

function latencySourceOf(rows: readonly BenchRecord[]): GroupSummary["latency_source"] {
  const modelled = rows.filter((r) => r.latency_source === "modelled").length;
  return modelled === 0 ? "measured" : modelled === rows.length ? "modelled" : "mixed";
}
