/** Runs every doctor check and renders the findings for a person or as JSON. */
import { existsSync } from "node:fs";
import type { LedgerRecord } from "../contracts/ledger-record.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { DOCTOR_REPORT_VERSION, type DoctorContext, type DoctorFinding, type DoctorReport } from "./contract.js";
import { checkFallbackRate, checkLatency, checkQuality } from "./ledger-checks.js";
import { checkEmbedded, checkKeys, checkLedgerWritable, checkOllama, checkReplay } from "./setup-checks.js";

export async function runDoctor(ctx: DoctorContext): Promise<DoctorReport> {
  const findings: DoctorFinding[] = [...(await checkOllama(ctx)), ...checkKeys(ctx), ...checkEmbedded(ctx), ...(await checkReplay(ctx)), checkLedgerWritable(ctx), ...ledgerFindings(ctx)];
  return { version: DOCTOR_REPORT_VERSION, config: ctx.config.file, ok: findings.every((f) => f.status !== "fail"), findings };
}

function ledgerFindings(ctx: DoctorContext): DoctorFinding[] {
  if (!existsSync(ctx.ledgerPath)) return [{ id: "ledger.history", status: "ok", message: "no ledger yet: nothing routed, so no fallback rate, latency or quality figures" }];
  let records: LedgerRecord[];
  try {
    const ledger = new SqliteLedger(ctx.ledgerPath, { readonly: true });
    try {
      const until = ctx.now();
      records = ledger.query({ since: new Date(until.getTime() - ctx.thresholds.windowMs), until: new Date(until.getTime() + 1) });
    } finally {
      ledger.close();
    }
  } catch (err) {
    return [{ id: "ledger.history", status: "fail", message: `cannot read the ledger ${ctx.ledgerPath}: ${(err as Error).message}`, fix: "move the damaged file aside; tierlab creates a new ledger on the next request" }];
  }
  return [checkFallbackRate(ctx, records), ...checkLatency(ctx, records), ...checkQuality(ctx, records)];
}

const MARK = { ok: "ok  ", warn: "WARN", fail: "FAIL" } as const;

export function formatReport(r: DoctorReport): string {
  const lines = [`tierlab doctor: ${r.config}`];
  for (const f of r.findings) {
    lines.push(`  [${MARK[f.status]}] ${f.id}: ${f.message}`);
    if (f.fix && f.status !== "ok") lines.push(`         fix: ${f.fix}`);
  }
  const n = (s: string) => r.findings.filter((f) => f.status === s).length;
  lines.push(`${n("fail")} failing, ${n("warn")} warnings, ${n("ok")} ok${r.ok ? "" : " — fix the FAIL lines first"}`);
  return lines.join("\n") + "\n";
}
