/**
 * summary.json: per model and action, latency percentiles, throughput, error rate, pass rate with
 * a Wilson 95 % interval, unparseable answers, quality-check pass rate and goodput against the SLO; and the
 * run's goodput over all its requests. Warm-up excluded. Version 2 adds where the latencies and token counts
 * came from, and `unparseable`.
 */
import type { BenchRecord } from "../contracts/bench-record.js";
import { goodput, summarize, type LatencySummary, type Slo } from "../stats/latency.js";
import { wilsonInterval } from "../stats/proportion.js";

export const SUMMARY_VERSION = 2 as const;
/** summary.json versions a reader may meet (version 1 lacks the provenance fields). */
export const READABLE_SUMMARY_VERSIONS: readonly number[] = [1, 2];

export interface GroupSummary {
  model_id: string;
  tier: string;
  provider: string;
  action: string;
  n: number;
  errors: number;
  error_rate: number;
  /** `modelled` when the latencies below were computed from a hardware profile (replay), `mixed` when some were. */
  latency_source: "measured" | "modelled" | "mixed";
  /** Who counted the tokens when the backend did not: tokenizer and, for a stand-in, whose it stands in for. */
  token_counter: BenchRecord["token_counter"];
  e2e_ms: LatencySummary;
  ttft_ms: LatencySummary;
  tpot_ms: LatencySummary;
  itl_ms: LatencySummary;
  output_tokens_per_s: LatencySummary;
  /** Dataset grader: is the answer right? */
  pass_rate: number | null;
  pass_rate_ci95: { lower: number; upper: number } | null;
  /** Graded answers from which no answer could be read (counted wrong); null when the grader does not tell. */
  unparseable: number | null;
  /** Router quality check at the run's threshold. */
  quality_pass_rate: number | null;
  mean_confidence: number | null;
  goodput: { share: number | null; per_s: number };
}

export interface RunSummary {
  version: typeof SUMMARY_VERSION;
  run_id: string;
  complete: boolean;
  wall_s: number;
  requests: number;
  warmup_requests: number;
  requests_per_s: number;
  slo: Slo;
  /** Over every measured request of the run: the share meeting every SLO and how many did per second of wall time. */
  goodput: { met: number; share: number | null; per_s: number };
  groups: GroupSummary[];
}

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
    const gp = goodput(rows.map((r) => ({ ok: r.error === null, ttftMs: r.ttft_ms ?? undefined, tpotMs: r.tpot_ms ?? undefined, e2eMs: r.e2e_ms })), args.slo, wall);
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
  const all = goodput(measured.map((r) => ({ ok: r.error === null, ttftMs: r.ttft_ms ?? undefined, tpotMs: r.tpot_ms ?? undefined, e2eMs: r.e2e_ms })), args.slo, wall);
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
