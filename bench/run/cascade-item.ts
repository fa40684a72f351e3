/**
 * `bench run --cascade`: the item goes through the full router (quality check, escalation, retries)
 * and the record says which tier finally answered, what the route cost, and whether it was right.
 */
import type { RouteResult } from "../../router/contracts/route-result.js";
import { failedRouteOf } from "../../router/all-tiers-failed.js";
import { TierlabError } from "../../core/errors.js";
import type { Router } from "../../router/router.js";
import { BENCH_RECORD_VERSION, type BenchRecord } from "../contracts/bench-record.js";
import type { DatasetItem } from "../dataset/schema.js";
import { gradeForRecord } from "../graders/contract.js";
import { grade } from "../graders/registry.js";

export async function measureCascade(a: {
  runId: string;
  dataset: string;
  item: DatasetItem;
  router: Router;
  warmup: boolean;
  storeAnswers: boolean;
  signal: AbortSignal;
}): Promise<BenchRecord> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  let result: RouteResult | undefined;
  let error: { class: string; message: string } | null = null;
  try {
    result = await a.router.route({ action: a.item.action, prompt: a.item.input, signal: a.signal, tag: "bench", itemId: a.item.id });
  } catch (err) {
    result = failedRouteOf(err);
    error = { class: (err as Error).name ?? "Error", message: err instanceof TierlabError ? err.message : String(err) };
  }
  // A replayed route's latency is modelled (attempts' modelled times plus the router's own wall time).
  const modelled = result?.latencySource === "modelled";
  const e2e = modelled ? result!.latencyMs : performance.now() - t0;
  const answered = result && result.verdict !== "failed" ? result : undefined;
  const g = answered ? await grade(answered.text, a.item, { signal: a.signal }) : null;
  const out = answered?.usage.outputTokens;
  return {
    version: BENCH_RECORD_VERSION,
    run_id: a.runId,
    item_id: a.item.id,
    dataset: a.dataset,
    action: a.item.action,
    tier: answered?.tier ?? "none",
    model_id: "cascade",
    provider: answered?.provider ?? "none",
    started_at: startedAt,
    warmup: a.warmup,
    ttft_ms: answered?.ttftMs ?? null,
    e2e_ms: e2e,
    latency_source: modelled ? "modelled" : "measured",
    tpot_ms: null,
    itl_ms: [],
    output_tokens_per_s: out !== undefined && e2e > 0 ? out / (e2e / 1000) : null,
    input_tokens: answered?.usage.inputTokens ?? null,
    output_tokens: out ?? null,
    token_counter: tokenCounterOf(answered),
    server_ns: null,
    confidence: answered?.confidence ?? null,
    checks: answered?.checks ?? null,
    threshold: result?.threshold ?? 0,
    quality_pass: answered ? answered.verdict === "accepted" : null,
    grade: g ? gradeForRecord(g) : null,
    error,
    cascade: result
      ? {
          final_tier: answered?.tier ?? null,
          final_model: answered?.modelId ?? null,
          verdict: result.verdict,
          attempts: result.attempts.length,
          cost_usd: result.costUsd,
        }
      : null,
    answer: a.storeAnswers && answered ? answered.text : null,
    // A route's answer is scored inside the router (its P(correct) is in the ledger); per-answer signals are bench run's.
    reading: null,
    signals: null,
    verifier: null,
  };
}

/** The tokenizers that counted the route's tokens (one per replayed family), or null when backends reported them. */
function tokenCounterOf(result: RouteResult | undefined): BenchRecord["token_counter"] {
  const counters = (result?.attempts ?? []).flatMap((x) => (x.usageCountedBy ? [x.usageCountedBy] : []));
  if (counters.length === 0) return null;
  const uniq = (xs: string[]) => [...new Set(xs)].join(" + ");
  const standIns = counters.flatMap((c) => (c.standIn ? [c.standIn] : []));
  return { tokenizer: uniq(counters.map((c) => c.tokenizer)), stand_in: standIns.length ? uniq(standIns) : null };
}
