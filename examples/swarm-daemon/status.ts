/**
 * `--status`: the seed's daemon status from the ledger alone (no model is loaded, nothing is
 * called): today's spend, calls per tier, fallback rate, and what is left of each configured budget.
 * Budget figures come from the same budget book the router enforces, so "left" here is exactly the
 * headroom the next paid call gets (calendar periods in UTC; "today" is the UTC day too).
 */
import { periodStartUtc } from "../../router/budget/period.js";
import type { BudgetBook, BudgetStatus } from "../../router/budget/contract.js";
import { budgetBookFor } from "../../router/budget/open-budget.js";
import type { RouterConfig } from "../../router/config/load.js";
import type { LedgerStore } from "../../router/ledger/contract.js";
import { summariseUsage, type UsageSummary } from "../../router/ledger/usage.js";
import { pct, usd } from "../../cli/common.js";

export interface DaemonStatus {
  version: 1;
  today: UsageSummary;
  cacheHits: number;
  errorsPerTier: Record<string, number>;
  budgets: BudgetStatus[];
}

export async function daemonStatus(args: { config: RouterConfig; ledger: LedgerStore; now?: Date }): Promise<DaemonStatus> {
  const now = args.now ?? new Date();
  const since = periodStartUtc("day", now);
  // The ledger's `until` is exclusive at millisecond resolution: +1 ms keeps rows written this very millisecond.
  const records = await args.ledger.query({ since, until: new Date(now.getTime() + 1) });
  const local = new Set(
    Object.entries(args.config.data.tiers)
      .filter(([, t]) => t.local)
      .map(([n]) => n),
  );
  const errorsPerTier: Record<string, number> = {};
  for (const r of records) if (r.verdict === "error") errorsPerTier[r.tier] = (errorsPerTier[r.tier] ?? 0) + 1;
  // The same book the Router builds from the config by default (same TTL rule).
  const book: BudgetBook | undefined = budgetBookFor(args.config, args.ledger);
  let budgets: BudgetStatus[] = [];
  try {
    budgets = (await book?.status(now)) ?? [];
  } finally {
    await book?.close?.();
  }
  return {
    version: 1,
    today: summariseUsage(records, { since, until: now }, local),
    cacheHits: records.filter((r) => r.cache_hit).length,
    errorsPerTier,
    budgets,
  };
}

export function formatStatus(s: DaemonStatus, ledgerPath: string): string {
  const t = s.today;
  const tiers = Object.entries(t.callsPerTier)
    .map(([tier, n]) => `${tier} ${n}${s.errorsPerTier[tier] ? ` (${s.errorsPerTier[tier]} errors)` : ""}`)
    .join(", ");
  const lines = [
    `swarm-daemon status (ledger ${ledgerPath})`,
    `  today (UTC, since ${t.since}): spend ${usd(t.costUsd)} over ${t.requests} requests, ${t.attempts} attempts, ${s.cacheHits} cache hits`,
    `  calls per tier: ${tiers || "none"}`,
    `  fallback rate: ${pct(t.fallbackRate)} of requests went past their first tier; local share of answers ${pct(t.localShare)}`,
  ];
  if (s.budgets.length === 0) lines.push("  budget left: no budgets configured");
  for (const b of s.budgets) {
    const scope = b.budget.scope === "global" ? "global" : `${b.budget.scope} ${b.budget.key}`;
    // Four decimals: a day of cheap API calls is fractions of a cent, which two would round away.
    lines.push(
      `  budget left: ${scope} per ${b.budget.period}: ${usd(b.leftUsd)} of ${usd(b.budget.limit_usd)} (spent ${usd(b.spentUsd)}${b.heldUsd ? `, ${usd(b.heldUsd)} in flight` : ""}; on exceed: ${b.budget.on_exceed})`,
    );
  }
  return lines.join("\n");
}
