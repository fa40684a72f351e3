/**
 * Which ledger a command uses, in order: `--ledger` (a file path or a postgres:// URL), the
 * TIERLAB_DATABASE_URL environment variable, the config's `ledger.url`, the config's `ledger.path`.
 */
import { existsSync } from "node:fs";
import type { RouterConfig } from "../config/load.js";
import { resolveFrom } from "../config/load.js";
import { ConfigError } from "../../core/errors.js";
import type { LedgerStore } from "./contract.js";
import { isPostgresUrl, redactUrl } from "./postgres/connect.js";
import { PostgresLedger } from "./postgres/postgres-ledger.js";
import { SqliteLedger } from "./sqlite-ledger.js";

export type LedgerTarget = { backend: "sqlite"; path: string } | { backend: "postgres"; url: string };

export function ledgerTarget(config: RouterConfig, override?: string, env: NodeJS.ProcessEnv = process.env): LedgerTarget {
  const fromEnv = env.TIERLAB_DATABASE_URL || undefined;
  if (fromEnv && !isPostgresUrl(fromEnv)) {
    throw new ConfigError({
      field: "TIERLAB_DATABASE_URL",
      message: `"${redactUrl(fromEnv)}" is not a postgres:// or postgresql:// URL`,
      fix: "set it to postgres://user:password@host:5432/database, or unset it to use ledger.path (SQLite)",
    });
  }
  const url = override ?? fromEnv ?? config.data.ledger.url;
  if (isPostgresUrl(url)) return { backend: "postgres", url };
  return { backend: "sqlite", path: override ?? resolveFrom(config.dir, config.data.ledger.path) };
}

/** The path or the URL without its password. */
export function describeTarget(t: LedgerTarget): string {
  return t.backend === "sqlite" ? t.path : redactUrl(t.url);
}

/**
 * Opens the ledger for writing (migrating a PostgreSQL schema on start) or, with `readonly`, for
 * reading; a reader gets undefined where no SQLite file exists yet (reading never creates one).
 */
export async function openLedgerStore(
  config: RouterConfig,
  opts: { override?: string; readonly?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<LedgerStore | undefined> {
  return openLedgerAt(ledgerTarget(config, opts.override, opts.env), config.data.ledger, { readonly: opts.readonly });
}

export async function openLedgerAt(t: LedgerTarget, l: RouterConfig["data"]["ledger"], opts: { readonly?: boolean } = {}): Promise<LedgerStore | undefined> {
  if (t.backend === "postgres") {
    return PostgresLedger.open({ url: t.url, readonly: opts.readonly, mode: l.commit, batchMs: l.batch_ms, poolMax: l.pool_max, whenDown: l.when_down });
  }
  if (opts.readonly && !existsSync(t.path)) return undefined;
  return new SqliteLedger(t.path, { readonly: opts.readonly, mode: l.commit, batchMs: l.batch_ms });
}
