/**
 * A throwaway PostgreSQL server for tests and perf: `initdb` + `pg_ctl` in a temp folder, listening on
 * a free 127.0.0.1 port (and a unix socket in the same folder), trust auth for a `tierlab` superuser,
 * removed again by `destroy()`. No mock: the real server the PostgreSQL backend runs against.
 *
 *   const pg = await startPostgresCluster();
 *   const url = await pg.createDatabase();        // a fresh database per test or suite
 *   await pg.stop(); await pg.start();             // outage tests
 *   await pg.destroy();
 *
 * initdb and the server refuse to run as root. As root (CI, containers) they run as the `postgres`
 * system user that Debian's package creates (else `nobody`) through `runuser`, which is the
 * documented way: "initdb must be run as the user that will own the server process".
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";

export interface PostgresCluster {
  /** postgres://tierlab@127.0.0.1:<port>/postgres (the maintenance database). */
  adminUrl: string;
  port: number;
  dir: string;
  /** Creates an empty database and returns its URL; `settings` are appended as URL parameters. */
  createDatabase(opts?: { name?: string; settings?: Record<string, string> }): Promise<string>;
  /** `pg_ctl stop -m fast`: open connections are cut, as in a crash or a restart of the server. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): void;
}

/** Where initdb lives: $PG_BIN, else PATH, else Debian's /usr/lib/postgresql/<version>/bin. */
export function findPostgresBin(): string | undefined {
  const candidates = [process.env.PG_BIN, ...(process.env.PATH ?? "").split(":")].filter((d): d is string => !!d);
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) for (const v of readdirSync(debian).sort().reverse()) candidates.push(join(debian, v, "bin"));
  for (const dir of candidates) {
    try {
      accessSync(join(dir, "initdb"), constants.X_OK);
      accessSync(join(dir, "pg_ctl"), constants.X_OK);
      return dir;
    } catch {
      // next candidate
    }
  }
  return undefined;
}

/**
 * Why PostgreSQL tests cannot run here (printed as a skip), or undefined when they can. With
 * TIERLAB_REQUIRE_POSTGRES=1 (set by .ci/run) a missing server is an error, not a skip.
 */
export function postgresSkipReason(what: string): string | undefined {
  // The inner loop (`npm run test:fast`) starts no database server; `npm test` and CI do.
  if (process.env.TIERLAB_TEST_FAST === "1") return `${what}: skipped by npm run test:fast (npm test runs them on a throwaway PostgreSQL)`;
  if (findPostgresBin()) return undefined;
  const reason = `${what}: no PostgreSQL binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin; apt-get install postgresql`;
  if (process.env.TIERLAB_REQUIRE_POSTGRES === "1") throw new Error(`TIERLAB_REQUIRE_POSTGRES=1 but ${reason}`);
  process.stdout.write(`[skip] ${reason}\n`);
  return reason;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The account the server runs as: ourselves, or an unprivileged one when we are root. */
function serverUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ["postgres", "nobody"]) if (spawnSync("id", ["-u", user]).status === 0) return user;
  throw new Error("running as root and neither a `postgres` nor a `nobody` account exists to run PostgreSQL as");
}

export async function startPostgresCluster(opts: { settings?: Record<string, string> } = {}): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error("no PostgreSQL binaries found; apt-get install postgresql");
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), "tierlab-pg-"));
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  if (user) {
    const uid = Number(execFileSync("id", ["-u", user], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", user], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const command = (exe: string, args: string[]): [string, string[]] =>
    user ? ["runuser", ["-u", user, "--", join(bin, exe), ...args]] : [join(bin, exe), args];
  const failure = (exe: string, args: string[], out: string) =>
    new Error(`${exe} ${args.join(" ")} failed: ${out}\n${existsSync(log) ? readFileSync(log, "utf8").slice(-2000) : ""}`);
  const run = (exe: string, args: string[]) => {
    const r = spawnSync(...command(exe, args), { encoding: "utf8", cwd: dir });
    if (r.status !== 0) throw failure(exe, args, r.stderr || r.stdout);
  };
  // Without blocking the event loop: outage tests keep their clients running meanwhile.
  const runAsync = async (exe: string, args: string[]) => {
    try {
      await promisify(execFile)(...command(exe, args), { cwd: dir });
    } catch (err) {
      throw failure(exe, args, String((err as { stderr?: string }).stderr ?? err));
    }
  };
  // --no-sync: a throwaway cluster need not survive a power cut during initdb; the server itself keeps fsync on.
  run("initdb", ["-D", data, "-U", "tierlab", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  const settings = { listen_addresses: "127.0.0.1", port: String(port), unix_socket_directories: dir, max_connections: "200", ...opts.settings };
  const serverOpts = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(" ");
  const startArgs = ["-D", data, "-l", log, "-w", "-t", "30", "-o", serverOpts, "start"];
  run("pg_ctl", startArgs);
  const adminUrl = `postgres://tierlab@127.0.0.1:${port}/postgres`;
  let n = 0;
  let running = true;
  return {
    adminUrl,
    port,
    dir,
    async createDatabase(o = {}) {
      const name = o.name ?? `tierlab_${process.pid}_${n++}`;
      const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`CREATE DATABASE "${name}"`);
      } finally {
        await sql.end();
      }
      const query = new URLSearchParams(o.settings ?? {}).toString();
      return `postgres://tierlab@127.0.0.1:${port}/${name}${query ? `?${query}` : ""}`;
    },
    async stop() {
      if (running) await runAsync("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      running = false;
    },
    async start() {
      if (!running) await runAsync("pg_ctl", startArgs);
      running = true;
    },
    destroy() {
      try {
        if (running) run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        running = false;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
