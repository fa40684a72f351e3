/** The production tables on the shared PostgreSQL ledger (created by migration 0004_production.sql). */
import type { PostgresLedger } from "../ledger/postgres/postgres-ledger.js";
import { isUnavailable, unavailable } from "../ledger/postgres/connect.js";
import { columnsOf, type RowOf, type TableName } from "./records.js";
import { whereOf, type ProductionStore, type RowFilter } from "./store.js";

const quote = (c: string) => `"${c}"`;

export class PostgresProductionStore implements ProductionStore {
  constructor(private readonly ledger: PostgresLedger) {}

  private async run<T>(text: string, params: unknown[]): Promise<T[]> {
    try {
      return (await this.ledger.sql.unsafe(text, params as never[])) as unknown as T[];
    } catch (err) {
      // A reader on a database no writer has migrated yet: the tables are simply empty.
      if ((err as { code?: string }).code === "42P01") return [];
      throw isUnavailable(err) ? unavailable(this.ledger.location, err) : err;
    }
  }

  async insert<T extends TableName>(table: T, rows: RowOf[T][]): Promise<void> {
    if (rows.length === 0) return;
    const cols = columnsOf(table).map(quote).join(", ");
    await this.run(`INSERT INTO ${table} (${cols}) SELECT ${cols} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [
      this.ledger.sql.json(rows as never),
    ]);
  }

  async select<T extends TableName>(table: T, filter: RowFilter = {}): Promise<RowOf[T][]> {
    const where = whereOf(table, filter);
    const text = `SELECT ${columnsOf(table).map(quote).join(", ")} FROM ${table}${where.length ? ` WHERE ${where.map((w, i) => `${quote(w.column)} ${w.op} $${i + 1}`).join(" AND ")}` : ""} ORDER BY seq`;
    const rows = await this.run<RowOf[T]>(
      text,
      where.map((w) => w.value),
    );
    return rows.map((r) => ({ ...r }));
  }

  async update<T extends "batch_items" | "batches">(table: T, key: string, patch: Partial<RowOf[T]>): Promise<void> {
    const cols = new Set(columnsOf(table));
    const entries = Object.entries(patch).filter(([k]) => cols.has(k));
    if (entries.length === 0) return;
    const keyCol = table === "batch_items" ? "request_id" : "batch_id";
    await this.run(`UPDATE ${table} SET ${entries.map(([k], i) => `${quote(k)} = $${i + 1}`).join(", ")} WHERE ${keyCol} = $${entries.length + 1}`, [
      ...entries.map(([, v]) => v ?? null),
      key,
    ]);
  }

  async shadowSpendSince(since: Date): Promise<number> {
    const [row] = await this.run<{ s: number }>("SELECT COALESCE(SUM(cost_usd), 0)::float8 AS s FROM shadow_checks WHERE ts >= $1", [since.toISOString()]);
    return row?.s ?? 0;
  }
}
