/**
 * The ledger on a PostgreSQL database shared by every gateway and router instance: the same rows,
 * contract and group commit as the SQLite ledger, over a connection pool.
 *
 * Group commit: writes that arrive while a batch is on its way to the server wait and go together
 * in the next one, a single INSERT (one round trip, one commit), so load pays one commit per batch
 * rather than per request, and a caller resumes only once its rows are committed.
 *
 * Durability is the server's: with PostgreSQL's default `synchronous_commit = on` a committed batch
 * is on disk; `?synchronous_commit=off` in the URL trades the last ~0.6 s on a server crash for
 * latency, like SQLite's synchronous=NORMAL. Either way a killed tierlab process loses nothing it
 * reported done.
 *
 * The database away: rows not yet committed are never dropped. They stay queued and are retried
 * until the server is back (idempotently: (request_id, attempt) is unique). Waiting callers are
 * rejected at once with LedgerUnavailableError (`when_down: fail`) or let go (`degrade`).
 */
import type { LedgerRecord } from "../../contracts/ledger-record.js";
import { LedgerRecordSchema } from "../../contracts/ledger-record.js";
import type { LedgerQuery, LedgerStore } from "../contract.js";
import { connect, isConflict, isUnavailable, redactUrl, unavailable, type Sql } from "./connect.js";
import { checkSchema, migrate } from "./migrate.js";

const COLUMNS = Object.keys(LedgerRecordSchema.shape) as (keyof LedgerRecord)[];
const COLUMN_LIST = COLUMNS.join(", ");
/**
 * One statement whatever the batch size (the rows travel as one JSON parameter), which also adds
 * the batch's spend to spend_by_day in the same transaction, so budgets see the handover from
 * reservation to ledger row at once. Keys are upserted in sorted order: two instances' batches
 * lock spend_by_day rows in the same order and never deadlock.
 */
const INSERT = `
WITH inserted AS (
  INSERT INTO calls (${COLUMN_LIST}) SELECT ${COLUMN_LIST} FROM jsonb_populate_recordset(NULL::calls, $1::jsonb)
  ON CONFLICT ON CONSTRAINT calls_attempt_once DO NOTHING
  RETURNING ts, action, tag, cost_usd
)
INSERT INTO spend_by_day (day, action, tag, usd)
  SELECT substr(ts, 1, 10), action, COALESCE(tag, ''), SUM(cost_usd) FROM inserted WHERE cost_usd > 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (day, action, tag) DO UPDATE SET usd = spend_by_day.usd + excluded.usd`;
/** Rows per INSERT; a longer queue goes in several. */
const MAX_BATCH = 2000;
const RETRY_MS = [100, 250, 500, 1000, 2000];

export interface PostgresLedgerOptions {
  url: string;
  mode?: "durable" | "batched";
  batchMs?: number;
  /** Readers: never create or migrate the schema. */
  readonly?: boolean;
  poolMax?: number;
  whenDown?: "fail" | "degrade";
  /** Where retry and recovery notes go. Default stderr. */
  log?: (line: string) => void;
}

interface Waiter {
  records: LedgerRecord[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class PostgresLedger implements LedgerStore {
  readonly backend = "postgres" as const;
  readonly location: string;
  readonly url: string;
  readonly sql: Sql;
  readonly mode: "durable" | "batched";
  readonly poolMax: number;
  readonly whenDown: "fail" | "degrade";
  private readonly batchMs: number;
  private readonly log: (line: string) => void;
  /** Rows waiting for the next batch, with the callers waiting on them (none in batched mode). */
  private queue: Waiter[] = [];
  /** Rows whose callers were already answered (batched mode, or the database was away). */
  private orphans: LedgerRecord[] = [];
  private inFlight: Promise<void> | undefined;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private retries = 0;
  private down = false;
  /** A reader on a database no instance has written yet. */
  private empty = false;
  private closed = false;

  private constructor(opts: PostgresLedgerOptions) {
    this.url = opts.url;
    this.location = redactUrl(opts.url);
    this.mode = opts.mode ?? "durable";
    this.batchMs = opts.batchMs ?? 20;
    this.poolMax = opts.poolMax ?? 10;
    this.whenDown = opts.whenDown ?? "fail";
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.sql = connect(opts.url, { max: this.poolMax });
  }

  /** Connects and migrates the schema (readers only check its version). */
  static async open(opts: PostgresLedgerOptions): Promise<PostgresLedger> {
    const ledger = new PostgresLedger(opts);
    try {
      if (opts.readonly) ledger.empty = (await checkSchema(ledger.sql, ledger.location)) === 0;
      else await migrate(ledger.sql, ledger.location);
    } catch (err) {
      await ledger.sql.end({ timeout: 1 });
      throw isUnavailable(err) ? unavailable(ledger.location, err) : err;
    }
    return ledger;
  }

  write(records: LedgerRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error(`the ledger ${this.location} is closed; rows written after close() are not recorded`));
    if (this.mode === "batched") {
      for (const r of records) this.orphans.push(r);
      this.arm(this.batchMs);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      this.kick();
    });
  }

  private arm(ms: number): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, ms);
  }

  /** Starts the next batch now, or as soon as the one on the wire is done. */
  private kick(): void {
    if (this.inFlight || this.scheduled || this.closed) return;
    this.scheduled = true;
    // One event-loop turn of gathering: requests finishing together share the batch.
    setImmediate(() => {
      this.scheduled = false;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      if (this.queue.length > 0 || this.orphans.length > 0) this.startBatch();
    });
  }

  private startBatch(): Promise<void> {
    this.inFlight = this.sendBatch().finally(() => {
      this.inFlight = undefined;
      // Writes that arrived while this batch was on the wire go in the next one.
      if (this.queue.length > 0) this.kick();
      else if (this.orphans.length > 0 && !this.closed) this.arm(this.batchMs);
    });
    return this.inFlight;
  }

  private async sendBatch(): Promise<void> {
    const waiters = this.queue;
    this.queue = [];
    const orphans = this.orphans;
    this.orphans = [];
    const rows = orphans.concat(waiters.flatMap((w) => w.records));
    try {
      // Prepared once per connection: planning it each time cost ~150 µs of a ~340 µs write.
      for (let i = 0; i < rows.length; i += MAX_BATCH) await this.sql.unsafe(INSERT, [this.sql.json(rows.slice(i, i + MAX_BATCH))], { prepare: true });
      if (this.down) this.log(`tierlab ledger: ${this.location} is back; ${rows.length} queued row(s) committed`);
      this.down = false;
      this.retries = 0;
      for (const w of waiters) w.resolve();
    } catch (err) {
      if (isConflict(err)) {
        // A deadlock or serialization failure with another instance's batch: nothing was written; send again.
        this.queue = waiters.concat(this.queue);
        this.orphans = orphans.concat(this.orphans);
        return;
      }
      if (!isUnavailable(err)) {
        // Not the network: the batch itself is bad (a bug), and sending it again would fail again.
        for (const w of waiters) w.reject(err);
        this.log(`tierlab ledger: ${rows.length} row(s) refused by ${this.location}: ${(err as Error).message}`);
      } else {
        // Keep every row (rows of the first sub-batches may be in already: the retry skips them).
        this.orphans = rows.concat(this.orphans);
        if (!this.down)
          this.log(`tierlab ledger: ${this.location} unreachable (${(err as { code?: string }).code}); keeping ${rows.length} row(s) to write when it returns`);
        this.down = true;
        const e = unavailable(this.location, err);
        for (const w of waiters) {
          if (this.whenDown === "fail") w.reject(e);
          else w.resolve();
        }
        this.arm(RETRY_MS[Math.min(this.retries++, RETRY_MS.length - 1)]!);
      }
    }
  }

  /** Commits everything queued; rejects if the database is away. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.inFlight) await this.inFlight;
      if (this.queue.length === 0 && this.orphans.length === 0) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      await this.startBatch();
      if (this.down) throw unavailable(this.location, new Error(`${this.orphans.length} row(s) not yet committed`));
    }
  }

  /** Rows held in memory, not yet committed (batched mode or while the database is away). */
  get unwritten(): number {
    return this.orphans.length + this.queue.reduce((n, w) => n + w.records.length, 0);
  }

  async query(q: LedgerQuery = {}): Promise<LedgerRecord[]> {
    if (this.empty) return [];
    const sql = this.sql;
    const rows = await this.read(
      () => sql<LedgerRecord[]>`
      SELECT ${sql.unsafe(COLUMN_LIST)} FROM calls
      WHERE true
        ${q.since ? sql`AND ts >= ${q.since.toISOString()}` : sql``}
        ${q.until ? sql`AND ts < ${q.until.toISOString()}` : sql``}
        ${q.action ? sql`AND action = ${q.action}` : sql``}
        ${q.requestId ? sql`AND request_id = ${q.requestId}` : sql``}
      ORDER BY seq`,
    );
    return rows.map((r) => ({ ...r }));
  }

  async spendSince(since: Date, filter: { action?: string; tag?: string } = {}): Promise<number> {
    if (this.empty) return 0;
    const sql = this.sql;
    const [row] = await this.read(
      () => sql<{ s: number }[]>`
      SELECT COALESCE(SUM(cost_usd), 0)::float8 AS s FROM calls
      WHERE ts >= ${since.toISOString()}
        ${filter.action ? sql`AND action = ${filter.action}` : sql``}
        ${filter.tag ? sql`AND tag = ${filter.tag}` : sql``}`,
    );
    return row!.s;
  }

  private async read<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw isUnavailable(err) ? unavailable(this.location, err) : err;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } catch (err) {
      this.log(`tierlab ledger: closing with ${this.unwritten} row(s) not committed: ${(err as Error).message}`);
    }
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.sql.end({ timeout: 5 });
  }
}
