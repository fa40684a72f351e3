/**
 * `ledger.database`: the shared PostgreSQL ledger is reachable, its schema is one this tierlab
 * reads, and this login may write to it. Never throws.
 */
import { ConfigError, LedgerUnavailableError } from "../../core/errors.js";
import { PostgresLedger } from "../ledger/postgres/postgres-ledger.js";
import { SCHEMA_VERSION } from "../ledger/postgres/migrate.js";
import type { DoctorFinding } from "./contract.js";

const ID = "ledger.database";

export async function checkLedgerDatabase(url: string): Promise<DoctorFinding> {
  let ledger: PostgresLedger | undefined;
  try {
    ledger = await PostgresLedger.open({ url, readonly: true, poolMax: 1 });
    const [row] = await ledger.sql<{ fresh: boolean; insert: boolean; create: boolean }[]>`
      SELECT to_regclass('calls') IS NULL AS fresh,
             COALESCE(has_table_privilege(to_regclass('calls'), 'INSERT'), false) AS insert,
             has_database_privilege(current_database(), 'CREATE') AS create`;
    if (row!.fresh) {
      if (!row!.create)
        return {
          id: ID,
          status: "fail",
          message: `${ledger.location} has no ledger yet and this login may not create tables in it`,
          fix: "GRANT CREATE ON DATABASE to this login, or let an administrator start tierlab once to create the schema",
        };
      return {
        id: ID,
        status: "ok",
        message: `${ledger.location} answers; no ledger yet (the first instance to start creates schema version ${SCHEMA_VERSION})`,
      };
    }
    if (!row!.insert)
      return {
        id: ID,
        status: "fail",
        message: `${ledger.location}: this login may not insert into the ledger`,
        fix: "GRANT INSERT, SELECT, UPDATE, DELETE on the tierlab tables to this login",
      };
    return { id: ID, status: "ok", message: `${ledger.location} answers, schema version ${SCHEMA_VERSION}, writable` };
  } catch (err) {
    if (err instanceof LedgerUnavailableError || err instanceof ConfigError)
      return { id: ID, status: "fail", message: err.message, fix: err.fix ?? "check ledger.url" };
    return {
      id: ID,
      status: "fail",
      message: `cannot use the ledger database: ${(err as Error).message}`,
      fix: "check ledger.url / TIERLAB_DATABASE_URL (user, password, database name)",
    };
  } finally {
    await ledger?.close();
  }
}
