/**
 * `tierlab usage`: what the ledger says about a time window — the seed's `query topic=llm_cost
 * recent=24h`. Request-level figures group a route's attempts by request id.
 */
import { quantileSorted } from "simple-statistics";
import type { LedgerRecord } from "../contracts/ledger-record.js";

export interface UsageSummary {
  version: 1;
  since: string;
  until: string;
  requests: number;
  attempts: number;
  costUsd: number;
  callsPerTier: Record<string, number>;
  costPerTier: Record<string, number>;
  /** Share of answered requests whose answer came from a local tier. */
  localShare: number | null;
  /** Share of requests that went past their first tier. */
  fallbackRate: number | null;
  /** Share of requests with an answer above threshold. */
  passRate: number | null;
  latencyMs: { mean: number | null; p95: number | null };
  errorsByClass: Record<string, number>;
  tokens: { input: number; output: number; unknown: number };
}

export function summariseUsage(records: LedgerRecord[], window: { since: Date; until: Date }, localTiers: Set<string>): UsageSummary {
  const byRequest = new Map<string, LedgerRecord[]>();
  const callsPerTier: Record<string, number> = {};
  const costPerTier: Record<string, number> = {};
  const errorsByClass: Record<string, number> = {};
  const tokens = { input: 0, output: 0, unknown: 0 };
  let cost = 0;
  for (const r of records) {
    const list = byRequest.get(r.request_id);
    if (list) list.push(r);
    else byRequest.set(r.request_id, [r]);
    if (r.verdict !== "skipped") callsPerTier[r.tier] = (callsPerTier[r.tier] ?? 0) + 1;
    costPerTier[r.tier] = (costPerTier[r.tier] ?? 0) + r.cost_usd;
    cost += r.cost_usd;
    if (r.error_class) errorsByClass[r.error_class] = (errorsByClass[r.error_class] ?? 0) + 1;
    if (r.input_tokens === null && r.verdict !== "error" && r.verdict !== "skipped") tokens.unknown++;
    tokens.input += r.input_tokens ?? 0;
    tokens.output += r.output_tokens ?? 0;
  }
  let answered = 0,
    local = 0,
    escalated = 0,
    accepted = 0;
  const latencies: number[] = [];
  for (const rows of byRequest.values()) {
    const final = rows.find((r) => r.verdict === "accepted") ?? bestRejected(rows);
    if (final) {
      answered++;
      if (localTiers.has(final.tier)) local++;
    }
    if (rows.some((r) => r.escalated_from !== null)) escalated++;
    if (rows.some((r) => r.verdict === "accepted")) accepted++;
    latencies.push(rows.reduce((s, r) => s + r.latency_ms, 0));
  }
  latencies.sort((a, b) => a - b);
  const n = byRequest.size;
  return {
    version: 1,
    since: window.since.toISOString(),
    until: window.until.toISOString(),
    requests: n,
    attempts: records.length,
    costUsd: cost,
    callsPerTier,
    costPerTier,
    localShare: answered ? local / answered : null,
    fallbackRate: n ? escalated / n : null,
    passRate: n ? accepted / n : null,
    latencyMs: { mean: n ? latencies.reduce((s, x) => s + x, 0) / n : null, p95: n ? quantileSorted(latencies, 0.95) : null },
    errorsByClass,
    tokens,
  };
}

function bestRejected(rows: LedgerRecord[]): LedgerRecord | undefined {
  let best: LedgerRecord | undefined;
  for (const r of rows) if (r.verdict === "rejected" && (!best || (r.confidence ?? 0) > (best.confidence ?? 0))) best = r;
  return best;
}

/** "24h", "7d", "30m" → milliseconds. */
export function parseWindow(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a time window; use e.g. 30m, 24h, 7d or 4w`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as "m" | "h" | "d" | "w"];
  const ms = Number(m[1]) * unit;
  if (!(ms > 0)) throw new Error(`"${text}" is an empty time window; use e.g. 30m, 24h, 7d or 4w`);
  // Beyond this the window's start is no representable date; no ledger is that old anyway.
  if (ms > MAX_WINDOW_MS) throw new Error(`"${text}" reaches back further than 100 years (36500d), the longest window`);
  return ms;
}

const MAX_WINDOW_MS = 36_500 * 86_400_000;
