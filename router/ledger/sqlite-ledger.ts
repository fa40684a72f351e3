/**
 * The SQLite ledger: one row per attempt (LedgerRecord). WAL mode with synchronous=NORMAL: a
 * committed transaction survives a killed process (the WAL is in the OS before commit returns);
 * only a power cut may lose the last few. Each route's attempts are written in one transaction
 * before the route returns, so a request reported complete is on disk.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { LEDGER_VERSION, LedgerRecordSchema, type LedgerRecord } from "../contracts/ledger-record.js";
import { ConfigError } from "../errors.js";

const COLUMNS = Object.keys(LedgerRecordSchema.shape) as (keyof LedgerRecord)[];

const CREATE = `
CREATE TABLE IF NOT EXISTS calls (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL, ts TEXT NOT NULL, request_id TEXT NOT NULL, action TEXT NOT NULL,
  tier TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, attempt INTEGER NOT NULL,
  input_tokens INTEGER, output_tokens INTEGER, cost_usd REAL NOT NULL, latency_ms REAL NOT NULL,
  ttft_ms REAL, confidence REAL, checks TEXT, verdict TEXT NOT NULL, escalated_from TEXT,
  error_class TEXT, tag TEXT, cache_hit INTEGER NOT NULL, prompt TEXT, answer TEXT
);
CREATE INDEX IF NOT EXISTS calls_ts ON calls(ts);
CREATE INDEX IF NOT EXISTS calls_request ON calls(request_id);
`;

export interface LedgerSink {
  write(records: LedgerRecord[]): void;
}

export interface LedgerQuery {
  since?: Date;
  until?: Date;
  action?: string;
}

export class SqliteLedger implements LedgerSink {
  readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly writeMany: (records: LedgerRecord[]) => void;

  constructor(readonly path: string, opts: { readonly?: boolean } = {}) {
    try {
      if (path !== ":memory:" && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
      if (!opts.readonly) {
        this.db.pragma("journal_mode = WAL");
        this.db.pragma("synchronous = NORMAL");
      }
      this.db.pragma("busy_timeout = 5000");
      if (!opts.readonly) {
        this.db.exec(CREATE);
        this.db.pragma(`user_version = ${LEDGER_VERSION}`);
      }
    } catch (err) {
      throw new ConfigError({ file: path, message: `cannot open the ledger: ${(err as Error).message}`, fix: "set ledger.path in the router config to a writable file, or pass --ledger", cause: err });
    }
    this.insert = this.db.prepare(`INSERT INTO calls (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map((c) => `@${c}`).join(", ")})`);
    this.writeMany = this.db.transaction((records: LedgerRecord[]) => {
      for (const r of records) this.insert.run({ ...r, cache_hit: r.cache_hit ? 1 : 0 });
    });
  }

  write(records: LedgerRecord[]): void {
    if (records.length > 0) this.writeMany(records);
  }

  query(q: LedgerQuery = {}): LedgerRecord[] {
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (q.since) { where.push("ts >= @since"); params.since = q.since.toISOString(); }
    if (q.until) { where.push("ts < @until"); params.until = q.until.toISOString(); }
    if (q.action) { where.push("action = @action"); params.action = q.action; }
    const sql = `SELECT ${COLUMNS.join(", ")} FROM calls ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq`;
    return (this.db.prepare(sql).all(params) as Record<string, unknown>[]).map((row) => ({ ...row, cache_hit: row.cache_hit === 1 }) as LedgerRecord);
  }

  /** Settled API spend since a time, for budgets and `usage`. */
  spendSince(since: Date, filter: { action?: string; tag?: string } = {}): number {
    const where = ["ts >= ?"];
    const args: string[] = [since.toISOString()];
    if (filter.action) { where.push("action = ?"); args.push(filter.action); }
    if (filter.tag) { where.push("tag = ?"); args.push(filter.tag); }
    const row = this.db.prepare(`SELECT COALESCE(SUM(cost_usd), 0) AS s FROM calls WHERE ${where.join(" AND ")}`).get(...args) as { s: number };
    return row.s;
  }

  integrityCheck(): string {
    return String(this.db.pragma("integrity_check", { simple: true }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
