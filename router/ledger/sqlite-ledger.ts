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
import { ConfigError } from "../../core/errors.js";
import type { LedgerQuery, LedgerStore } from "./contract.js";

export type { LedgerQuery, LedgerSink } from "./contract.js";

const COLUMNS = Object.keys(LedgerRecordSchema.shape) as (keyof LedgerRecord)[];
/** Columns added after the first ledger files were written: added to an older file on open, read as NULL from a read-only one. */
const ADDED_COLUMNS: Partial<Record<keyof LedgerRecord, string>> = { p_correct: "REAL", usage_audit: "TEXT" };

const CREATE = `
CREATE TABLE IF NOT EXISTS calls (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  version INTEGER NOT NULL, ts TEXT NOT NULL, request_id TEXT NOT NULL, action TEXT NOT NULL,
  tier TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, attempt INTEGER NOT NULL,
  input_tokens INTEGER, output_tokens INTEGER, cost_usd REAL NOT NULL, latency_ms REAL NOT NULL,
  ttft_ms REAL, confidence REAL, checks TEXT, verdict TEXT NOT NULL, escalated_from TEXT,
  error_class TEXT, tag TEXT, cache_hit INTEGER NOT NULL, prompt TEXT, answer TEXT, p_correct REAL, usage_audit TEXT
);
CREATE INDEX IF NOT EXISTS calls_ts ON calls(ts);
CREATE INDEX IF NOT EXISTS calls_request ON calls(request_id);
`;

export class SqliteLedger implements LedgerStore {
  readonly backend = "sqlite" as const;
  readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly writeMany: (records: LedgerRecord[]) => void;
  private pending: LedgerRecord[] = [];
  private flushing: Promise<void> | undefined;

  /**
   * `durable` (default): each write resolves after its group commit. `batched`: writes resolve at
   * once and rows are committed every `batchMs`; a killed process may lose that window. For
   * high-volume gateways that accept it.
   */
  readonly mode: "durable" | "batched";
  /** Columns an older, read-only file lacks; selected as NULL. */
  private readonly missing = new Set<string>();
  private readonly batchMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    opts: { readonly?: boolean; mode?: "durable" | "batched"; batchMs?: number } = {},
  ) {
    this.mode = opts.mode ?? "durable";
    this.batchMs = opts.batchMs ?? 20;
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
      const present = new Set((this.db.pragma("table_info(calls)") as { name: string }[]).map((c) => c.name));
      for (const [name, type] of Object.entries(ADDED_COLUMNS)) {
        if (present.has(name) || present.size === 0) continue;
        if (opts.readonly) this.missing.add(name);
        else this.db.exec(`ALTER TABLE calls ADD COLUMN ${name} ${type}`);
      }
    } catch (err) {
      throw new ConfigError({
        file: path,
        message: `cannot open the ledger: ${(err as Error).message}`,
        fix: "set ledger.path in the router config to a writable file, or pass --ledger",
        cause: err,
      });
    }
    // Positional parameters bind measurably faster than named ones in better-sqlite3.
    // A read-only file of an older layout lacks the added columns; it is never written to.
    const columns = COLUMNS.filter((c) => !this.missing.has(c));
    const cacheHit = columns.indexOf("cache_hit");
    this.insert = this.db.prepare(`INSERT INTO calls (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
    const values = new Array<unknown>(columns.length);
    this.writeMany = this.db.transaction((records: LedgerRecord[]) => {
      for (const r of records) {
        for (let i = 0; i < columns.length; i++) values[i] = r[columns[i]!];
        values[cacheHit] = r.cache_hit ? 1 : 0;
        this.insert.run(values);
      }
    });
  }

  /**
   * Group commit: records from every request that finishes in the same event-loop turn share one
   * transaction, and each caller resumes only after that commit, so a request reported complete
   * is on disk while concurrent load pays one commit per batch instead of one per request.
   */
  write(records: LedgerRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    for (const r of records) this.pending.push(r);
    if (this.mode === "batched") {
      this.timer ??= setTimeout(() => this.flushNow(), this.batchMs);
      return Promise.resolve();
    }
    this.flushing ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        const batch = this.pending;
        this.pending = [];
        this.flushing = undefined;
        try {
          if (batch.length > 0) this.writeMany(batch);
          resolve();
        } catch (err) {
          reject(err);
        }
      });
    });
    return this.flushing;
  }

  get location(): string {
    return this.path;
  }

  flush(): void {
    this.flushNow();
  }

  /** Commits whatever is pending now (close, exit handlers). */
  flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) this.writeMany(batch);
  }

  /** Synchronous write for callers outside an event loop turn (crash tests, exit handlers). */
  writeNow(records: LedgerRecord[]): void {
    if (records.length > 0) this.writeMany(records);
  }

  query(q: LedgerQuery = {}): LedgerRecord[] {
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (q.since) {
      where.push("ts >= @since");
      params.since = q.since.toISOString();
    }
    if (q.until) {
      where.push("ts < @until");
      params.until = q.until.toISOString();
    }
    if (q.action) {
      where.push("action = @action");
      params.action = q.action;
    }
    if (q.requestId) {
      where.push("request_id = @requestId");
      params.requestId = q.requestId;
    }
    const sql = `SELECT ${COLUMNS.map((c) => (this.missing.has(c) ? `NULL AS ${c}` : c)).join(", ")} FROM calls ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq`;
    return (this.db.prepare(sql).all(params) as Record<string, unknown>[]).map((row) => ({ ...row, cache_hit: row.cache_hit === 1 }) as LedgerRecord);
  }

  /** Settled API spend since a time, for budgets and `usage`. */
  spendSince(since: Date, filter: { action?: string; tag?: string } = {}): number {
    const where = ["ts >= ?"];
    const args: string[] = [since.toISOString()];
    if (filter.action) {
      where.push("action = ?");
      args.push(filter.action);
    }
    if (filter.tag) {
      where.push("tag = ?");
      args.push(filter.tag);
    }
    const row = this.db.prepare(`SELECT COALESCE(SUM(cost_usd), 0) AS s FROM calls WHERE ${where.join(" AND ")}`).get(...args) as { s: number };
    return row.s;
  }

  integrityCheck(): string {
    return String(this.db.pragma("integrity_check", { simple: true }));
  }

  close(): void {
    if (!this.db.open) return;
    // A durable flush scheduled for this turn finds an empty queue and resolves its waiters.
    this.flushNow();
    this.db.close();
  }
}
