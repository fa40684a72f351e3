/**
 * The ledger seam: what the router writes to and what every reader (usage, doctor, swarm-daemon
 * --status, the gateway's metrics) reads from, whichever database holds the rows. SQLite answers
 * synchronously, PostgreSQL over the network: results are `MaybePromise` and readers `await` them.
 */
import type { LedgerRecord } from "../contracts/ledger-record.js";

export type MaybePromise<T> = T | Promise<T>;

export interface LedgerSink {
  /** Resolves once the records are committed. */
  write(records: LedgerRecord[]): Promise<void>;
}

export interface LedgerQuery {
  since?: Date;
  until?: Date;
  action?: string;
  /** One request's rows (feedback, batch collection). */
  requestId?: string;
}

export type LedgerBackend = "sqlite" | "postgres";

export interface LedgerStore extends LedgerSink {
  readonly backend: LedgerBackend;
  /** The file path, or the database URL without its password: for messages and status lines. */
  readonly location: string;
  /** Rows in commit order (SQLite) or id order (PostgreSQL: the order their transactions took ids). */
  query(q?: LedgerQuery): MaybePromise<LedgerRecord[]>;
  /** Settled API spend since a time, for budgets and `usage`. */
  spendSince(since: Date, filter?: { action?: string; tag?: string }): MaybePromise<number>;
  /** Commits whatever is pending now (batched mode, shutdown). */
  flush(): MaybePromise<void>;
  close(): MaybePromise<void>;
}
