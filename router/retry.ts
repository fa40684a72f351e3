/**
 * Retry timing, in the official SDKs' order: retry-after-ms, then retry-after (seconds or HTTP date),
 * then jittered exponential backoff; sleeps are abortable.
 */
import type { Rng } from "../core/rng.js";

export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Reads a server's requested wait from response headers; undefined when absent or unparseable. */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now: () => number = Date.now): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get("retry-after");
  if (ra === null || ra.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.max(0, Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}

/** Full-jitter-ish: base·2^retry scaled by a factor in [0.75, 1], capped (as the Anthropic/OpenAI SDKs do). */
export function backoffDelayMs(retry: number, policy: BackoffPolicy, rng: Rng): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return exp * (1 - rng.next() * 0.25);
}

/** The delay before retry number `retry` (0-based): the server's request wins when it is sane (≤ 60 s). */
export function retryDelayMs(args: { retry: number; retryAfterMs?: number; policy: BackoffPolicy; rng: Rng }): number {
  if (args.retryAfterMs !== undefined && args.retryAfterMs >= 0 && args.retryAfterMs <= 60_000) return args.retryAfterMs;
  return backoffDelayMs(args.retry, args.policy, args.rng);
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
