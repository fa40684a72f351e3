/** The budget book that belongs to a ledger: budgets are enforced where the spend is recorded. */
import type { RouterConfig } from "../config/load.js";
import type { LedgerSink } from "../ledger/contract.js";
import { PostgresLedger } from "../ledger/postgres/postgres-ledger.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { reservationTtlMs } from "./accounting.js";
import type { BudgetBook } from "./contract.js";
import { PostgresBudget } from "./postgres-budget.js";
import { SqliteBudget } from "./sqlite-budget.js";

/** undefined when the config has no budgets or the ledger is neither of ours (a test sink). */
export function budgetBookFor(config: RouterConfig, ledger: LedgerSink | undefined): BudgetBook | undefined {
  if (config.data.budgets.length === 0) return undefined;
  const ttlMs = reservationTtlMs(config.data.defaults);
  if (ledger instanceof SqliteLedger) return new SqliteBudget({ ledger, budgets: config.data.budgets, ttlMs });
  if (ledger instanceof PostgresLedger) return new PostgresBudget({ ledger, budgets: config.data.budgets, ttlMs });
  return undefined;
}
