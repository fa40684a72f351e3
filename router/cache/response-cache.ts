/**
 * Exact-match answer cache for the router: an LRU bounded by entry count and bytes, with a TTL on
 * an injected clock. Only accepted answers are stored; an error or a best-effort answer is never
 * replayed, so a transient failure or a weak answer does not stick for the TTL.
 *
 * One cache belongs to one Router (one config): the key does not include the config, so sharing a
 * cache between routers with different action tables would replay answers across them.
 */
import { createHash } from "node:crypto";
import type { Attempt, RouteRequest, RouteResult } from "../contracts/route-result.js";
import { canonicalJson } from "./canonical-json.js";

export interface ResponseCacheOptions {
  /** How long an answer may be replayed, in clock milliseconds. */
  ttlMs: number;
  maxEntries: number;
  /** Bound on the stored JSON, in bytes. Default 64 MiB. */
  maxBytes?: number;
  /** Clock for expiry (ms); injected so tests control time. Default Date.now. */
  now?: () => number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  stores: number;
  evictions: number;
  expirations: number;
  entries: number;
  bytes: number;
}

interface Entry {
  /** The answer as JSON: parsing it on each hit gives every caller its own copy for free. */
  json: string;
  bytes: number;
  expiresAt: number;
}

/**
 * RouteRequest fields that do not change the answer. Every other field is keyed, so a field added
 * to RouteRequest later (say, temperature) is part of the key without anyone remembering to add it.
 */
const NOT_KEYED = new Set<string>(["requestId", "signal", "tag"]);
const KEY_VERSION = 1;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly keys = new WeakMap<RouteRequest, string>();
  private readonly replays = new WeakSet<RouteResult>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private counters = { hits: 0, misses: 0, stores: 0, evictions: 0, expirations: 0 };
  private bytes = 0;

  constructor(opts: ResponseCacheOptions) {
    if (!(opts.ttlMs > 0)) throw new RangeError(`cache ttlMs must be > 0, got ${opts.ttlMs}`);
    if (!Number.isInteger(opts.maxEntries) || opts.maxEntries < 1) throw new RangeError(`cache maxEntries must be an integer >= 1, got ${opts.maxEntries}`);
    this.ttlMs = opts.ttlMs;
    this.maxEntries = opts.maxEntries;
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.now = opts.now ?? Date.now;
  }

  /** sha256 of the canonical JSON of everything in the request that shapes the answer. */
  keyOf(req: RouteRequest): string {
    let key = this.keys.get(req);
    if (key === undefined) {
      const keyed: Record<string, unknown> = { v: KEY_VERSION };
      for (const [k, v] of Object.entries(req)) if (!NOT_KEYED.has(k)) keyed[k] = v;
      key = createHash("sha256").update(canonicalJson(keyed)).digest("hex");
      this.keys.set(req, key);
    }
    return key;
  }

  /**
   * A replay of the cached answer as a fresh RouteResult: the caller's request id, one attempt
   * with the original tier and model, $0 and zero tokens (nothing was generated).
   */
  get(req: RouteRequest, ctx: { requestId: string; at: Date }): RouteResult | undefined {
    const t0 = performance.now();
    const key = this.keyOf(req);
    const entry = this.entries.get(key);
    if (!entry) {
      this.counters.misses++;
      return undefined;
    }
    if (entry.expiresAt <= this.now()) {
      this.remove(key, entry);
      this.counters.expirations++;
      this.counters.misses++;
      return undefined;
    }
    // Re-insert to mark it most recently used: Map iteration order is the LRU order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.counters.hits++;
    const cached = JSON.parse(entry.json) as RouteResult;
    const served = cached.attempts.find((a) => a.verdict === "accepted") ?? cached.attempts[cached.attempts.length - 1]!;
    const latencyMs = performance.now() - t0;
    const attempt: Attempt = {
      ...served,
      attempt: 1,
      startedAt: ctx.at.toISOString(),
      latencyMs,
      ttftMs: latencyMs,
      usage: { inputTokens: 0, outputTokens: 0 },
      costUsd: 0,
      verdict: "accepted",
      escalatedFrom: undefined,
      serverTimings: undefined,
    };
    const result: RouteResult = {
      ...cached,
      requestId: ctx.requestId,
      attempts: [attempt],
      answerAttempt: 1,
      usage: { inputTokens: 0, outputTokens: 0 },
      costUsd: 0,
      latencyMs,
      ttftMs: latencyMs,
    };
    this.replays.add(result);
    return result;
  }

  /** Stores an accepted answer; returns whether it was stored. */
  set(req: RouteRequest, result: RouteResult): boolean {
    if (result.verdict !== "accepted" || this.replays.has(result)) return false;
    const json = JSON.stringify(result);
    const bytes = Buffer.byteLength(json);
    if (bytes > this.maxBytes) return false;
    const key = this.keyOf(req);
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    this.entries.set(key, { json, bytes, expiresAt: this.now() + this.ttlMs });
    this.bytes += bytes;
    this.counters.stores++;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.remove(k, e);
      this.counters.evictions++;
    }
    return true;
  }

  /** Whether this result object was served from the cache (for response headers and metrics). */
  isReplay(result: RouteResult): boolean {
    return this.replays.has(result);
  }

  stats(): CacheStats {
    return { ...this.counters, entries: this.entries.size, bytes: this.bytes };
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
