/**
 * Why a model fetch failed, in the terms a person can act on (offline, connect or stall timeout, a cut),
 * and the one timer per request that turns a silent network into one of those answers.
 */
import { AbortedError, ModelDownloadError, TierlabError, type ModelFetchFailure } from "../../core/errors.js";

export const fail = (reason: ModelFetchFailure, message: string, cause?: unknown) => new ModelDownloadError({ provider: "embedded", reason, message, cause });

type WatchKind = "connect" | "stall";

/** One timer per request: the connect timeout until headers, then the stall timeout between chunks. */
export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  fired: WatchKind | undefined;
  constructor(
    private readonly ac: AbortController,
    public ms: number,
    public kind: WatchKind,
  ) {
    this.arm();
  }
  rearm(ms: number, kind: WatchKind): void {
    // refresh() restarts the same timer: cheap enough to call on every chunk.
    if (this.timer && kind === this.kind && ms === this.ms) return void this.timer.refresh();
    this.stop();
    this.ms = ms;
    this.kind = kind;
    this.arm();
  }
  private arm(): void {
    this.timer = setTimeout(() => {
      this.fired = this.kind;
      this.ac.abort(new Error(`${this.kind} timeout`));
    }, this.ms);
  }
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const OFFLINE_CODES: Record<string, string> = {
  ENOTFOUND: "cannot resolve the host name (offline, or no DNS)",
  EAI_AGAIN: "cannot resolve the host name (offline, or no DNS)",
  ECONNREFUSED: "connection refused (nothing listens there, or a firewall)",
  ENETUNREACH: "network unreachable (offline)",
  EHOSTUNREACH: "host unreachable (offline)",
  ENETDOWN: "network down (offline)",
};

export function whyFailed(err: unknown, c: { ac: AbortController; watchdog: Watchdog; url: string; bytes?: number; total?: number }): TierlabError {
  if (c.watchdog.fired === "connect") return fail("connect_timeout", `no answer from ${new URL(c.url).host} within ${c.watchdog.ms} ms (connect timeout)`, err);
  if (c.watchdog.fired === "stall")
    return fail("stall_timeout", `no bytes for ${c.watchdog.ms} ms after ${c.bytes} of ${c.total ?? "?"} bytes (stall timeout)`, err);
  if (c.ac.signal.aborted) {
    const reason = c.ac.signal.reason;
    return reason instanceof TierlabError
      ? reason
      : new AbortedError({ provider: "embedded", message: "download interrupted; the partial file is kept and the next try resumes it", cause: reason });
  }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (err as NodeJS.ErrnoException).code ?? "";
  const offline = OFFLINE_CODES[code];
  if (offline) return fail("offline", `${new URL(c.url).host}: ${offline} [${code}]`, err);
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") return fail("connect_timeout", `${new URL(c.url).host}: connect timed out [${code}]`, err);
  if (c.bytes !== undefined || code === "ECONNRESET" || code === "UND_ERR_SOCKET") {
    return fail(
      "cut",
      `the connection was cut${c.bytes !== undefined ? ` after ${c.bytes} of ${c.total ?? "?"} bytes` : ""} [${code || (err as Error).message}]`,
      err,
    );
  }
  return fail("offline", `${new URL(c.url).host}: ${cause?.message ?? (err as Error).message}${code ? ` [${code}]` : ""}`, err);
}
