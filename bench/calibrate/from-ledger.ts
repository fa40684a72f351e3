/** Reads production labels from the ledger for `bench calibrate --from-ledger` (ledger-labels.ts says which). */
import type { RouterConfig } from "../../router/config/load.js";
import { describeTarget, ledgerTarget, openLedgerStore } from "../../router/ledger/open-ledger.js";
import { productionStoreFor } from "../../router/production/store.js";
import { ledgerLabels, type LedgerLabels } from "./ledger-labels.js";

export async function labelsFromLedger(args: {
  config: RouterConfig;
  ledger?: string;
  since: Date;
  until: Date;
}): Promise<LedgerLabels & { sourceRun: string }> {
  const where = describeTarget(ledgerTarget(args.config, args.ledger));
  const ledger = await openLedgerStore(args.config, { override: args.ledger, readonly: true });
  if (!ledger) return { records: [], used: { feedback: 0, shadow: 0, escalation: 0 }, dropped: 0, sourceRun: `ledger ${where} (no ledger yet)` };
  try {
    const store = productionStoreFor(ledger);
    const window = { since: args.since, until: args.until };
    const [calls, shadow, feedback] = await Promise.all([
      ledger.query(window),
      store?.select("shadow_checks", window) ?? [],
      store?.select("feedback", window) ?? [],
    ]);
    const runId = `ledger-${args.until.toISOString().slice(0, 10)}`;
    const l = ledgerLabels({ config: args.config, runId, calls, shadow, feedback });
    return {
      ...l,
      sourceRun: `ledger ${where}, ${args.since.toISOString()} → ${args.until.toISOString()}: ${l.used.feedback} feedback, ${l.used.shadow} shadow, ${l.used.escalation} escalation labels`,
    };
  } finally {
    await ledger.close();
  }
}
