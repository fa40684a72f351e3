/**
 * Provider-reported usage above a request's worst case (more input tokens than its bytes allow, more
 * output than max_tokens) is clamped when it is recorded (router/budget/metering.ts) and kept in the
 * row's `usage_audit`. Any such row in the window is flagged: the provider, or a proxy in front of it,
 * reports tokens that cannot be real, and its invoice may say the same.
 */
import type { LedgerRecord } from "../contracts/ledger-record.js";
import type { UsageAudit } from "../contracts/route-result.js";
import type { DoctorFinding } from "./contract.js";

export function checkUsageAudit(records: LedgerRecord[]): DoctorFinding {
  const id = "ledger.usage_reported";
  const byModel = new Map<string, { rows: number; example: string }>();
  for (const r of records) {
    const reported = auditOf(r)?.reported;
    if (!reported) continue;
    const m = byModel.get(r.model) ?? {
      rows: 0,
      example: `${r.request_id} attempt ${r.attempt}: reported ${reported.input_tokens ?? "?"} in / ${reported.output_tokens ?? "?"} out, recorded ${r.input_tokens ?? "?"} / ${r.output_tokens ?? "?"}`,
    };
    m.rows++;
    byModel.set(r.model, m);
  }
  if (byModel.size === 0) return { id, status: "ok", message: "no provider reported more tokens than a request could use in the last 24 h" };
  const list = [...byModel.entries()].map(([model, m]) => `${model} ${m.rows}× (e.g. ${m.example})`).join("; ");
  return {
    id,
    status: "warn",
    message: `providers reported more tokens than the request's worst case (input bound, max_tokens) in the last 24 h; recorded at the worst case instead: ${list}`,
    fix: "compare these request ids with the provider's usage page or invoice; check any proxy or base_url in front of the API (`tierlab usage --export rows.jsonl` lists usage_audit per row)",
  };
}

function auditOf(r: LedgerRecord): UsageAudit | undefined {
  if (!r.usage_audit) return undefined;
  try {
    return JSON.parse(r.usage_audit) as UsageAudit;
  } catch {
    return undefined;
  }
}
