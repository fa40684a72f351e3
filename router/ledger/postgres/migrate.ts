/**
 * Versioned schema migrations for the PostgreSQL ledger: `migrations/NNNN_name.sql`, applied in
 * order on start, each once, all in one transaction under an advisory lock, so instances starting
 * together neither race nor leave a half-migrated schema. A database already at a newer version
 * (written by a newer tierlab) is refused: this one would misread or corrupt it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { ConfigError } from "../../../core/errors.js";
import type { TransactionSql } from "postgres";
import type { Sql } from "./connect.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const DIR = new URL("./migrations/", import.meta.url);
/** Any constant: serialises migrations of every instance on one database. */
const MIGRATION_LOCK = 0x7469_6572;

export function loadMigrations(): Migration[] {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  return files.map((file, i) => {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m || Number(m[1]) !== i + 1)
      throw new Error(`migration ${file}: expected ${String(i + 1).padStart(4, "0")}_<name>.sql (versions are contiguous from 0001)`);
    return { version: i + 1, name: m[2]!, sql: readFileSync(new URL(file, DIR), "utf8") };
  });
}

export const SCHEMA_VERSION = loadMigrations().length;

async function currentVersion(sql: Sql | TransactionSql): Promise<number> {
  const [t] = await sql<{ exists: boolean }[]>`SELECT to_regclass('tierlab_schema') IS NOT NULL AS exists`;
  if (!t!.exists) return 0;
  const [v] = await sql<{ v: number }[]>`SELECT COALESCE(MAX(version), 0)::int AS v FROM tierlab_schema`;
  return v!.v;
}

function newerError(location: string, found: number): ConfigError {
  return new ConfigError({
    file: location,
    message: `the ledger database is at schema version ${found}, newer than this tierlab knows (up to ${SCHEMA_VERSION})`,
    fix: "run the same tierlab version as the instances that upgraded it, or point ledger.url / TIERLAB_DATABASE_URL at another database",
  });
}

/** Brings the schema up to SCHEMA_VERSION; returns the version found before. */
export async function migrate(sql: Sql, location: string): Promise<number> {
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS tierlab_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;
    const found = await currentVersion(tx);
    if (found > SCHEMA_VERSION) throw newerError(location, found);
    for (const m of loadMigrations().slice(found)) {
      await tx.unsafe(m.sql);
      await tx`INSERT INTO tierlab_schema (version, name) VALUES (${m.version}, ${m.name})`;
    }
    return found;
  });
}

/** For readers, which never create or change a schema: the version found (0 = no ledger yet). */
export async function checkSchema(sql: Sql, location: string): Promise<number> {
  const found = await currentVersion(sql);
  if (found > SCHEMA_VERSION) throw newerError(location, found);
  if (found > 0 && found < SCHEMA_VERSION) {
    throw new ConfigError({
      file: location,
      message: `the ledger database is at schema version ${found}; this tierlab reads version ${SCHEMA_VERSION}`,
      fix: "start `tierlab serve` or `tierlab route` once with this version: they migrate the schema on start",
    });
  }
  return found;
}
