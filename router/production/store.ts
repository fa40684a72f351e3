/**
 * The production tables' seam (records.ts), on whichever database holds the ledger: the SQLite file
 * or the shared PostgreSQL. `productionStoreFor` gives the one that belongs to a ledger.
 */
import type { LedgerSink } from "../ledger/contract.js";
import { PostgresLedger } from "../ledger/postgres/postgres-ledger.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { PostgresProductionStore } from "./production-postgres.js";
import { SqliteProductionStore } from "./production-sqlite.js";
import { columnsOf, type RowOf, type TableName } from "./records.js";

/** Equality on columns, plus `since`/`until` on `ts`. */
export type RowFilter = { since?: Date; until?: Date } & Record<string, string | Date | undefined>;

export interface ProductionStore {
  insert<T extends TableName>(table: T, rows: RowOf[T][]): Promise<void>;
  /** Rows in insertion order. */
  select<T extends TableName>(table: T, filter?: RowFilter): Promise<RowOf[T][]>;
  /** Updates the row with this key (batch_items: request_id, batches: batch_id). */
  update<T extends "batch_items" | "batches">(table: T, key: string, patch: Partial<RowOf[T]>): Promise<void>;
  /** Shadow spend since a time: the shadow budget's own scope. */
  shadowSpendSince(since: Date): Promise<number>;
}

/** undefined for a ledger that is neither of ours (a test sink). */
export function productionStoreFor(ledger: LedgerSink | undefined): ProductionStore | undefined {
  if (ledger instanceof SqliteLedger) return new SqliteProductionStore(ledger);
  if (ledger instanceof PostgresLedger) return new PostgresProductionStore(ledger);
  return undefined;
}

/** Filter → WHERE parts on known columns only (a column name never comes from a caller unchecked). */
export function whereOf(table: TableName, filter: RowFilter): { column: string; op: ">=" | "<" | "="; value: string }[] {
  const cols = new Set(columnsOf(table));
  const out: { column: string; op: ">=" | "<" | "="; value: string }[] = [];
  for (const [k, v] of Object.entries(filter)) {
    if (v === undefined) continue;
    if (k === "since") out.push({ column: "ts", op: ">=", value: (v as Date).toISOString() });
    else if (k === "until") out.push({ column: "ts", op: "<", value: (v as Date).toISOString() });
    else if (cols.has(k)) out.push({ column: k, op: "=", value: v instanceof Date ? v.toISOString() : v });
    else throw new Error(`table ${table} has no column "${k}"`);
  }
  return out;
}
