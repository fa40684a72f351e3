/**
 * `bench calibrate --from-ledger`: production labels as bench records, so the ledger feeds the same
 * calibration (calibrateRecords) with the same minimum sizes and guarantees as a bench run. Each
 * label judges one kept or rejected answer that has a confidence in the ledger:
 *   feedback    a person's right/wrong on the answer a request returned (wins over the others);
 *   shadow      agreement of an accepted local answer with the API tier's shadow answer;
 *   escalation  agreement of a rejected local answer with the API answer the request then accepted
 *               (needs stored answers: ledger.store_prompts). Only these reach below the threshold:
 *               without them the labels only describe answers that were kept.
 * Shadow and escalation labels take the API tier as the reference: they measure agreement with it.
 */
import type { RouterConfig } from "../../router/config/load.js";
import type { LedgerRecord } from "../../router/contracts/ledger-record.js";
import { thresholdFor } from "../../router/policy/escalation.js";
import { compareAnswers } from "../../router/production/compare.js";
import type { Feedback, ShadowCheck } from "../../router/production/records.js";
import { BENCH_RECORD_VERSION, BenchRecordSchema, type BenchRecord } from "../contracts/bench-record.js";

export type LabelSource = "feedback" | "shadow" | "escalation";

export interface LedgerLabels {
  records: BenchRecord[];
  /** Labels used, per source; and labels dropped (no confidence, no ledger row). */
  used: Record<LabelSource, number>;
  dropped: number;
}

export function ledgerLabels(args: {
  config: RouterConfig;
  runId: string;
  calls: readonly LedgerRecord[];
  shadow: readonly ShadowCheck[];
  feedback: readonly Feedback[];
}): LedgerLabels {
  const local = new Set(
    Object.entries(args.config.data.tiers)
      .filter(([, t]) => t.local)
      .map(([n]) => n),
  );
  const byRequest = new Map<string, LedgerRecord[]>();
  for (const r of args.calls) {
    const g = byRequest.get(r.request_id);
    if (g) g.push(r);
    else byRequest.set(r.request_id, [r]);
  }
  // One label per (request, tier): feedback first, then shadow, then escalation.
  const labels = new Map<string, { row: LedgerRecord; pass: boolean; source: LabelSource; reason: string }>();
  let dropped = 0;
  const add = (row: LedgerRecord | undefined, pass: boolean, source: LabelSource, reason: string) => {
    if (!row || row.confidence === null) return void dropped++;
    const key = `${row.request_id}\u0000${row.tier}`;
    if (!labels.has(key)) labels.set(key, { row, pass, source, reason });
  };
  for (const f of args.feedback)
    add(
      byRequest.get(f.request_id)?.find((r) => r.tier === f.tier && r.model === f.model && r.verdict !== "error"),
      f.right,
      "feedback",
      `feedback: ${f.right ? "right" : "wrong"}${f.note ? ` (${f.note})` : ""}`,
    );
  for (const s of args.shadow) {
    if (s.agree === null) continue;
    add(
      byRequest.get(s.request_id)?.find((r) => r.tier === s.tier && r.verdict === "accepted"),
      s.agree,
      "shadow",
      `shadow: ${s.reason} (${s.shadow_model})`,
    );
  }
  for (const rows of byRequest.values()) {
    const kept = rows.find((r) => r.verdict === "accepted" && !local.has(r.tier) && r.answer !== null);
    if (!kept) continue;
    const kind = args.config.data.actions[kept.action]?.answer ?? "text";
    for (const r of rows) {
      if (r.verdict !== "rejected" || !local.has(r.tier) || r.answer === null) continue;
      const v = compareAnswers({ local: r.answer, reference: kept.answer!, kind });
      if (v.agree !== null) add(r, v.agree, "escalation", `escalation: ${v.reason} (${kept.model})`);
    }
  }
  const used: Record<LabelSource, number> = { feedback: 0, shadow: 0, escalation: 0 };
  const records = [...labels.values()].map(({ row, pass, source, reason }) => {
    used[source]++;
    return BenchRecordSchema.parse({
      version: BENCH_RECORD_VERSION,
      run_id: args.runId,
      item_id: row.request_id,
      dataset: "ledger",
      action: row.action,
      tier: row.tier,
      model_id: row.model,
      provider: row.provider,
      started_at: row.ts,
      warmup: false,
      latency_source: "measured",
      token_counter: null,
      ttft_ms: row.ttft_ms,
      e2e_ms: row.latency_ms,
      tpot_ms: null,
      itl_ms: [],
      output_tokens_per_s: null,
      input_tokens: row.input_tokens,
      output_tokens: row.output_tokens,
      server_ns: null,
      confidence: row.confidence,
      checks: row.checks ? (JSON.parse(row.checks) as BenchRecord["checks"]) : null,
      threshold: thresholdFor(args.config, row.action, row.tier).threshold,
      quality_pass: row.verdict === "accepted",
      grade: { pass, reason, unparseable: null, extracted: null },
      error: null,
      cascade: null,
      answer: null,
      // Ledger rows keep the answer, not the signals the scorer reads: these labels fit self-check thresholds.
      reading: null,
      signals: null,
      verifier: null,
    } satisfies BenchRecord);
  });
  return { records, used, dropped };
}
