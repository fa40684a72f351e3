/** Test helper: the ledger row a paid attempt becomes, for budget tests that write the ledger directly. */
import { LEDGER_VERSION, type LedgerRecord } from "../router/contracts/ledger-record.js";

export function paidRow(r: { requestId: string; attempt?: number; costUsd: number; at: Date; action?: string; tag?: string }): LedgerRecord {
  return {
    version: LEDGER_VERSION,
    ts: r.at.toISOString(),
    request_id: r.requestId,
    action: r.action ?? "classify",
    tier: "API_FALLBACK",
    provider: "api",
    model: "api-model",
    attempt: r.attempt ?? 1,
    input_tokens: 10,
    output_tokens: 10,
    cost_usd: r.costUsd,
    latency_ms: 5,
    ttft_ms: null,
    confidence: 1,
    checks: null,
    verdict: "accepted",
    escalated_from: null,
    error_class: null,
    tag: r.tag ?? null,
    cache_hit: false,
    prompt: null,
    answer: null,
    p_correct: null,
    usage_audit: null,
  };
}
