/**
 * Fetches one file over HTTP into `<dest>.partial`, then renames it to `dest` once its size and
 * sha256 check out, so `dest` is never half written (Ctrl-C, a cut, a full disk). Every wait is
 * bounded: a connect timeout until the response headers, a stall timeout between body chunks.
 * A cut connection resumes with a Range request, within this call and across calls; the partial's
 * validator (ETag or Last-Modified) sits in `<dest>.partial.json` and goes out as If-Range, so a file
 * that changed on the server restarts from zero instead of being spliced.
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import lockfile from "proper-lockfile";
import { z } from "zod";
import { ModelDownloadError } from "../../core/errors.js";
import { fail, Watchdog, whyFailed } from "./download-failure.js";

export interface DownloadProgress {
  receivedBytes: number;
  totalBytes: number | undefined;
  /** Bytes that were already on disk from an interrupted download when this call started. */
  resumedFromBytes: number;
  /** Average over this call's own bytes. */
  bytesPerSecond: number;
  etaMs: number | undefined;
  done: boolean;
}

export interface DownloadFileOptions {
  url: string;
  headers?: Record<string, string>;
  dest: string;
  expected?: { sha256?: string; size?: number };
  /** Until the response headers arrive (DNS, TCP, TLS and the server's first answer). */
  connectTimeoutMs: number;
  /** Longest silence between two body chunks. */
  stallTimeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Minimum gap between progress events; the last one is always sent. Default 100 ms. */
  progressIntervalMs?: number;
  /** Range requests after a cut connection within this call. Default 3. */
  maxResumes?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  resumedFromBytes: number;
  elapsedMs: number;
  requests: number;
}

export const partialPathOf = (dest: string) => `${dest}.partial`;
const metaPathOf = (dest: string) => `${dest}.partial.json`;

const PartialMeta = z.object({
  version: z.literal(1),
  url: z.string(),
  validator: z.string().optional(),
  totalBytes: z.number().int().nonnegative().optional(),
});
type PartialMeta = z.infer<typeof PartialMeta>;

export async function downloadFile(o: DownloadFileOptions): Promise<DownloadResult> {
  const now = o.now ?? (() => performance.now());
  const started = now();
  const partial = partialPathOf(o.dest);
  await mkdir(dirname(o.dest), { recursive: true });
  const lockLost = new AbortController();
  const release = await lockPartial(partial, lockLost);
  const signal = o.signal ? AbortSignal.any([o.signal, lockLost.signal]) : lockLost.signal;
  try {
    const session: Session = { resumedFromBytes: await bytesToResume(o.dest, o.url) };
    const progress = progressReporter({ o, now, started, session });
    let requests = 0;
    for (;;) {
      requests++;
      try {
        const got = await fetchOnce({ o, signal, progress, session });
        const result = await finish(o, got);
        progress.emit(got.bytes, got.total, true);
        return { ...result, resumedFromBytes: session.resumedFromBytes, elapsedMs: now() - started, requests };
      } catch (err) {
        const again = err instanceof ModelDownloadError && err.reason === "cut" && requests <= (o.maxResumes ?? 3) && !signal.aborted;
        if (!again) throw err;
      }
    }
  } finally {
    await release().catch(() => undefined);
  }
}

async function lockPartial(partial: string, lost: AbortController): Promise<() => Promise<void>> {
  try {
    // realpath: false locks a name that need not exist yet; a holder that died goes stale after 10 s.
    return await lockfile.lock(partial, {
      realpath: false,
      stale: 10_000,
      update: 2_000,
      onCompromised: (err) => lost.abort(fail("busy", `lost the lock on ${partial} (${err.message}); another process may be writing it`, err)),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ELOCKED") throw err;
    throw fail("busy", `another process is downloading ${partial} (lock ${partial}.lock)`, err);
  }
}

/** Bytes of a partial that may continue this URL; anything else is cleared so the download starts clean. */
async function bytesToResume(dest: string, url: string): Promise<number> {
  const meta = await readMeta(dest);
  const size = await stat(partialPathOf(dest)).then(
    (s) => s.size,
    () => 0,
  );
  if (meta?.url === url && size > 0 && (meta.totalBytes === undefined || size <= meta.totalBytes)) return size;
  await clearPartial(dest);
  return 0;
}

async function readMeta(dest: string): Promise<PartialMeta | undefined> {
  try {
    const parsed = PartialMeta.safeParse(JSON.parse(await readFile(metaPathOf(dest), "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function clearPartial(dest: string): Promise<void> {
  await rm(partialPathOf(dest), { force: true });
  await rm(metaPathOf(dest), { force: true });
}

/** What this call reused: set to 0 as soon as the server makes it start over. */
interface Session {
  resumedFromBytes: number;
}

interface Got {
  bytes: number;
  total: number | undefined;
  sha256: string;
}

async function fetchOnce(a: { o: DownloadFileOptions; signal: AbortSignal; progress: ReturnType<typeof progressReporter>; session: Session }): Promise<Got> {
  const { o } = a;
  const meta = await readMeta(o.dest);
  const partial = partialPathOf(o.dest);
  let have =
    meta?.url === o.url
      ? await stat(partial).then(
          (s) => s.size,
          () => 0,
        )
      : 0;
  // identity: byte offsets and Content-Length must count the file's bytes, not a compressed stream's.
  const headers: Record<string, string> = { "accept-encoding": "identity", ...o.headers };
  if (have > 0) {
    headers.range = `bytes=${have}-`;
    if (meta?.validator) headers["if-range"] = meta.validator;
  }
  const ac = new AbortController();
  const onOuter = () => ac.abort(a.signal.reason);
  if (a.signal.aborted) onOuter();
  else a.signal.addEventListener("abort", onOuter, { once: true });
  const watchdog = new Watchdog(ac, o.connectTimeoutMs, "connect");
  try {
    let res: Response;
    try {
      res = await (o.fetch ?? fetch)(o.url, { headers, signal: ac.signal, redirect: "follow" });
    } catch (err) {
      throw whyFailed(err, { ac, watchdog, url: o.url });
    }
    if (res.status === 404 || res.status === 410) throw fail("not_found", `the server answered HTTP ${res.status} (no such file) for ${o.url}`);
    if (res.status === 416 && have > 0) {
      await clearPartial(o.dest);
      a.session.resumedFromBytes = 0;
      throw fail("cut", "the server refused to resume the partial download; starting over");
    }
    if (res.status !== 200 && res.status !== 206) throw fail("http_error", `the server answered HTTP ${res.status} ${res.statusText} for ${o.url}`);
    let total: number | undefined;
    if (res.status === 206) {
      const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get("content-range") ?? "");
      if (!range || Number(range[1]) !== have) {
        await clearPartial(o.dest);
        a.session.resumedFromBytes = 0;
        throw fail("cut", `the server resumed at the wrong offset (${res.headers.get("content-range")}, wanted ${have}); starting over`);
      }
      total = range[2] === "*" ? undefined : Number(range[2]);
    } else {
      // 200 to a Range request: the server ignores ranges or the file changed (If-Range); start over.
      if (have > 0) a.session.resumedFromBytes = 0;
      have = 0;
      const length = res.headers.get("content-length");
      total = length !== null && !res.headers.get("content-encoding") ? Number(length) : undefined;
    }
    const expectedSize = o.expected?.size;
    if (expectedSize !== undefined && total !== undefined && total !== expectedSize) {
      await clearPartial(o.dest);
      throw fail("size_mismatch", `the server offers ${total} bytes, the config says size: ${expectedSize}`);
    }
    const validator = strongValidator(res.headers);
    await writeFile(metaPathOf(o.dest), JSON.stringify({ version: 1, url: o.url, validator, totalBytes: total } satisfies PartialMeta));
    const hash = createHash("sha256");
    if (have > 0) await hashFile(partial, hash);
    const fh = await open(partial, have > 0 ? "a" : "w");
    let bytes = have;
    try {
      watchdog.rearm(o.stallTimeoutMs, "stall");
      const reader = res.body!.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          watchdog.rearm(o.stallTimeoutMs, "stall");
          await fh.write(value);
          hash.update(value);
          bytes += value.byteLength;
          a.progress.emit(bytes, total, false);
        }
      } catch (err) {
        throw whyFailed(err, { ac, watchdog, url: o.url, bytes, total });
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (total !== undefined && bytes < total) throw fail("cut", `the connection closed after ${bytes} of ${total} bytes`);
    return { bytes, total, sha256: hash.digest("hex") };
  } finally {
    watchdog.stop();
    a.signal.removeEventListener("abort", onOuter);
  }
}

/** Checks size and sha256, then moves the partial into place: the only way `dest` comes to exist. */
async function finish(o: DownloadFileOptions, got: Got): Promise<Omit<DownloadResult, "resumedFromBytes" | "elapsedMs" | "requests">> {
  const want = o.expected ?? {};
  if (want.size !== undefined && got.bytes !== want.size) {
    await clearPartial(o.dest);
    throw fail("size_mismatch", `downloaded ${got.bytes} bytes, the config says size: ${want.size}`);
  }
  if (want.sha256 !== undefined && got.sha256 !== want.sha256.toLowerCase()) {
    await clearPartial(o.dest);
    throw fail("checksum_mismatch", `sha256 of the downloaded file is ${got.sha256}, the config says ${want.sha256.toLowerCase()}; the file was deleted`);
  }
  await rename(partialPathOf(o.dest), o.dest);
  await rm(metaPathOf(o.dest), { force: true });
  return { path: o.dest, bytes: got.bytes, sha256: got.sha256 };
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  await hashFile(path, hash);
  return hash.digest("hex");
}

/** If-Range takes a strong ETag or a date; a weak ETag would make every resume start over. */
function strongValidator(h: Headers): string | undefined {
  const etag = h.get("etag");
  if (etag && !etag.startsWith("W/")) return etag;
  return h.get("last-modified") ?? undefined;
}

function progressReporter(a: { o: DownloadFileOptions; now: () => number; started: number; session: Session }) {
  const interval = a.o.progressIntervalMs ?? 100;
  let last = -Infinity;
  return {
    emit(received: number, total: number | undefined, done: boolean) {
      if (!a.o.onProgress) return;
      const t = a.now();
      if (!done && t - last < interval) return;
      last = t;
      const seconds = (t - a.started) / 1000;
      const rate = seconds > 0 ? Math.max(0, received - a.session.resumedFromBytes) / seconds : 0;
      const etaMs = total !== undefined && rate > 0 ? ((total - received) / rate) * 1000 : undefined;
      a.o.onProgress({
        receivedBytes: received,
        totalBytes: total,
        resumedFromBytes: a.session.resumedFromBytes,
        bytesPerSecond: rate,
        etaMs: done ? 0 : etaMs,
        done,
      });
    },
  };
}
