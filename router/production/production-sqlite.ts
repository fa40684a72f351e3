/**
 * The production tables in the ledger's SQLite file. Created on first use by a writer; a read-only
 * reader (usage, doctor) of a ledger that has none sees empty tables.
 */
import type Database from "better-sqlite3";
import type { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { columnsOf, TABLES, type RowOf, type TableName } from "./records.js";
import { whereOf, type ProductionStore, type RowFilter } from "./store.js";

const CREATE = `
CREATE TABLE IF NOT EXISTS shadow_checks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ts TEXT NOT NULL, request_id TEXT NOT NULL, action TEXT NOT NULL, tier TEXT NOT NULL, model TEXT NOT NULL,
  confidence REAL, shadow_tier TEXT NOT NULL, shadow_model TEXT NOT NULL, agree INTEGER,
  local_answer TEXT, shadow_answer TEXT, reason TEXT NOT NULL, local_text TEXT, shadow_text TEXT,
  input_tokens INTEGER, output_tokens INTEGER, cost_usd REAL NOT NULL, latency_ms REAL NOT NULL, error_class TEXT
);
CREATE INDEX IF NOT EXISTS shadow_checks_ts ON shadow_checks(ts);
CREATE TABLE IF NOT EXISTS feedback (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ts TEXT NOT NULL, request_id TEXT NOT NULL, action TEXT NOT NULL, tier TEXT NOT NULL, model TEXT NOT NULL,
  "right" INTEGER NOT NULL, note TEXT, source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_ts ON feedback(ts);
CREATE TABLE IF NOT EXISTS threshold_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ts TEXT NOT NULL, action TEXT NOT NULL, tier TEXT NOT NULL, old_threshold REAL NOT NULL, new_threshold REAL NOT NULL,
  reason TEXT NOT NULL, error_lower REAL NOT NULL, error_upper REAL NOT NULL, samples INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS batch_items (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL UNIQUE, ts TEXT NOT NULL, action TEXT NOT NULL, tag TEXT, tier TEXT NOT NULL, model TEXT NOT NULL,
  provider TEXT NOT NULL, model_name TEXT NOT NULL, attempt INTEGER NOT NULL, escalated_from TEXT, request TEXT NOT NULL,
  state TEXT NOT NULL, batch_id TEXT, submissions INTEGER NOT NULL, submitted_at TEXT, finished_at TEXT,
  answer TEXT, verdict TEXT, confidence REAL, cost_usd REAL, error TEXT
);
CREATE INDEX IF NOT EXISTS batch_items_state ON batch_items(state);
CREATE TABLE IF NOT EXISTS batches (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  batch_id TEXT NOT NULL UNIQUE, provider TEXT NOT NULL, kind TEXT NOT NULL, model TEXT NOT NULL, state TEXT NOT NULL,
  requests INTEGER NOT NULL, submitted_at TEXT NOT NULL, ended_at TEXT
);
`;

const quote = (c: string) => `"${c}"`;

export class SqliteProductionStore implements ProductionStore {
  private readonly db: Database.Database;
  private readonly readonly: boolean;

  constructor(ledger: SqliteLedger) {
    this.db = ledger.db;
    this.readonly = this.db.readonly;
    if (!this.readonly) this.db.exec(CREATE);
  }

  private exists(table: TableName): boolean {
    return !this.readonly || !!this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
  }

  async insert<T extends TableName>(table: T, rows: RowOf[T][]): Promise<void> {
    if (rows.length === 0) return;
    const cols = columnsOf(table);
    const stmt = this.db.prepare(`INSERT INTO ${table} (${cols.map(quote).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`);
    this.db.transaction(() => {
      for (const r of rows) stmt.run(cols.map((c) => toSql((r as Record<string, unknown>)[c])));
    })();
  }

  async select<T extends TableName>(table: T, filter: RowFilter = {}): Promise<RowOf[T][]> {
    if (!this.exists(table)) return [];
    const where = whereOf(table, filter);
    const cols = columnsOf(table);
    const sql = `SELECT ${cols.map(quote).join(", ")} FROM ${table}${where.length ? ` WHERE ${where.map((w) => `${quote(w.column)} ${w.op} ?`).join(" AND ")}` : ""} ORDER BY seq`;
    const booleans = TABLES[table].booleans as readonly string[];
    return (this.db.prepare(sql).all(...where.map((w) => w.value)) as Record<string, unknown>[]).map((row) => {
      for (const b of booleans) if (row[b] !== null) row[b] = row[b] === 1;
      return row as unknown as RowOf[T];
    });
  }

  async update<T extends "batch_items" | "batches">(table: T, key: string, patch: Partial<RowOf[T]>): Promise<void> {
    const cols = new Set(columnsOf(table));
    const entries = Object.entries(patch).filter(([k]) => cols.has(k));
    if (entries.length === 0) return;
    const keyCol = TABLES[table].key!;
    this.db
      .prepare(`UPDATE ${table} SET ${entries.map(([k]) => `${quote(k)} = ?`).join(", ")} WHERE ${keyCol} = ?`)
      .run(...entries.map(([, v]) => toSql(v)), key);
  }

  async shadowSpendSince(since: Date): Promise<number> {
    if (!this.exists("shadow_checks")) return 0;
    return (this.db.prepare("SELECT COALESCE(SUM(cost_usd), 0) AS s FROM shadow_checks WHERE ts >= ?").get(since.toISOString()) as { s: number }).s;
  }
}

function toSql(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === "boolean") return v ? 1 : 0;
  return v;
}
