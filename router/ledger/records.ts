import { LEDGER_VERSION, type LedgerRecord } from "../contracts/ledger-record.js";
import type { Attempt } from "../contracts/route-result.js";

/** Attempts of one route → ledger rows. Prompts and answers only when the config enables it. */
export function attemptsToRecords(args: {
  requestId: string;
  action: string;
  tag?: string;
  attempts: Attempt[];
  prompt?: string;
  cacheHit?: boolean;
}): LedgerRecord[] {
  return args.attempts.map((a) => ({
    version: LEDGER_VERSION,
    ts: a.startedAt,
    request_id: args.requestId,
    action: args.action,
    tier: a.tier,
    provider: a.provider,
    model: a.modelId,
    attempt: a.attempt,
    input_tokens: a.usage.inputTokens ?? null,
    output_tokens: a.usage.outputTokens ?? null,
    cost_usd: a.costUsd,
    latency_ms: a.latencyMs,
    ttft_ms: a.ttftMs ?? null,
    confidence: a.confidence ?? null,
    checks: a.checks ? JSON.stringify(a.checks) : null,
    verdict: a.verdict,
    escalated_from: a.escalatedFrom ?? null,
    error_class: a.error?.class ?? null,
    tag: args.tag ?? null,
    cache_hit: args.cacheHit ?? false,
    prompt: args.prompt ?? null,
    answer: a.answer ?? null,
    p_correct: a.pCorrect ?? null,
    usage_audit: a.usageAudit ? JSON.stringify(a.usageAudit) : null,
  }));
}
