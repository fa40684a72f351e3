/**
 * The one way tierlab writes a file that someone may read at the same time (reports, results,
 * calibration, exports): the bytes go to a temporary file beside the target, which is then renamed
 * over it (or, with `overwrite: false`, hard-linked to it, which fails if the target exists, so no
 * existing file is ever replaced). Readers see the old file or the new one, never half of one, and
 * a failed write leaves neither a half-written target nor a stray temporary file.
 */
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface AtomicWriteOptions {
  /** false: fail with EEXIST instead of replacing an existing file. Default true. */
  overwrite?: boolean;
}

export function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, data, { flag: "wx" });
    if (opts.overwrite === false) placeNew(tmp, file);
    else renameSync(tmp, file);
  } catch (err) {
    // The error names the file the caller asked for, not our temporary one.
    const e = err as NodeJS.ErrnoException;
    if (e.path === tmp) e.path = file;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function writeJsonAtomic(file: string, value: unknown, opts: AtomicWriteOptions = {}): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n", opts);
}

/** link(2) refuses an existing target atomically; file systems without hard links get a check then a rename. */
function placeNew(tmp: string, file: string): void {
  try {
    linkSync(tmp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw err;
    if (existsSync(file)) throw Object.assign(new Error(`EEXIST: file already exists, ${file}`), { code: "EEXIST", path: file });
    renameSync(tmp, file);
  }
}
