/** Runs every doctor check and renders the findings for a person or as JSON. */
import type { LedgerRecord } from "../contracts/ledger-record.js";
import type { LedgerStore } from "../ledger/contract.js";
import { describeTarget, openLedgerAt } from "../ledger/open-ledger.js";
import { DOCTOR_REPORT_VERSION, type DoctorContext, type DoctorFinding, type DoctorReport } from "./contract.js";
import { driftEstimatesOf, driftFindings } from "./drift-check.js";
import { checkLedgerDatabase } from "./ledger-database-check.js";
import { checkFallbackRate, checkLatency, checkQuality } from "./ledger-checks.js";
import { checkUsageAudit } from "./usage-audit-check.js";
import { checkEmbedded, checkKeys, checkLedgerWritable, checkOllama, checkReplay } from "./setup-checks.js";

export async function runDoctor(ctx: DoctorContext): Promise<DoctorReport> {
  const ledgerSetup = ctx.ledger.backend === "sqlite" ? checkLedgerWritable(ctx.ledger.path) : await checkLedgerDatabase(ctx.ledger.url);
  const findings: DoctorFinding[] = [...(await checkOllama(ctx)), ...checkKeys(ctx), ...checkEmbedded(ctx), ...(await checkReplay(ctx)), ledgerSetup];
  if (ledgerSetup.status !== "fail" || ctx.ledger.backend === "sqlite") findings.push(...(await ledgerFindings(ctx)));
  return { version: DOCTOR_REPORT_VERSION, config: ctx.config.file, ok: findings.every((f) => f.status !== "fail"), findings };
}

async function ledgerFindings(ctx: DoctorContext): Promise<DoctorFinding[]> {
  const where = describeTarget(ctx.ledger);
  let records: LedgerRecord[];
  let drift: Awaited<ReturnType<typeof driftEstimatesOf>>;
  let ledger: LedgerStore | undefined;
  try {
    ledger = await openLedgerAt(ctx.ledger, ctx.config.data.ledger, { readonly: true });
    if (!ledger) return [{ id: "ledger.history", status: "ok", message: "no ledger yet: nothing routed, so no fallback rate, latency or quality figures" }];
    const until = ctx.now();
    records = await ledger.query({ since: new Date(until.getTime() - ctx.thresholds.windowMs), until: new Date(until.getTime() + 1) });
    drift = await driftEstimatesOf(ctx.config, ledger);
  } catch (err) {
    const fix =
      ctx.ledger.backend === "sqlite"
        ? "move the damaged file aside; tierlab creates a new ledger on the next request"
        : "check that the database is reachable and holds a tierlab ledger";
    return [{ id: "ledger.history", status: "fail", message: `cannot read the ledger ${where}: ${(err as Error).message}`, fix }];
  } finally {
    await ledger?.close();
  }
  return [
    checkFallbackRate(ctx, records),
    ...checkLatency(ctx, records),
    ...checkQuality(ctx, records),
    checkUsageAudit(records),
    ...driftFindings(ctx.config, drift),
  ];
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
