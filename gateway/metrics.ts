/**
 * Prometheus metrics for the gateway, on a Registry of its own: two gateways in one process (tests,
 * perf) must not share counters, and a host application's default registry stays untouched.
 * Tokens and cost are counted per attempt, so a request that escalated charges each tier it used.
 * Budget gauges are read from the ledger's database at each scrape: with a shared PostgreSQL ledger
 * every instance reports the same spend, that of all instances together.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RouteResult } from "../router/contracts/route-result.js";
import type { BudgetBook, BudgetStatus } from "../router/budget/contract.js";
import type { ResponseCache } from "../router/cache/response-cache.js";
import type { Production } from "../router/production/production.js";
import { driftGauges } from "./drift-metrics.js";

const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export interface RequestObservation {
  action: string;
  status: number;
  seconds: number;
  stream: boolean;
  cacheHit: boolean;
  /** The routed result; also present for failures that carry one (no tier answered). */
  result: RouteResult | undefined;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"action" | "tier" | "model" | "status" | "cache">;
  private readonly attempts: Counter<"action" | "tier" | "model" | "verdict">;
  private readonly tokens: Counter<"action" | "tier" | "model" | "direction">;
  private readonly cost: Counter<"action" | "tier" | "model">;
  private readonly escalations: Counter<"action" | "from_tier" | "to_tier">;
  private readonly requestSeconds: Histogram<"action" | "tier" | "model" | "stream">;
  private readonly attemptSeconds: Histogram<"action" | "tier" | "model">;

  constructor(opts: { cache?: ResponseCache; budget?: BudgetBook; production?: Production } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: "tierlab_gateway_requests_total",
      help: "chat completion requests by answering tier/model, HTTP status and cache use",
      labelNames: ["action", "tier", "model", "status", "cache"],
      registers,
    });
    this.attempts = new Counter({
      name: "tierlab_gateway_attempts_total",
      help: "model attempts behind the requests, by verdict",
      labelNames: ["action", "tier", "model", "verdict"],
      registers,
    });
    this.tokens = new Counter({
      name: "tierlab_gateway_tokens_total",
      help: "tokens reported by the backends (direction: input|output)",
      labelNames: ["action", "tier", "model", "direction"],
      registers,
    });
    this.cost = new Counter({
      name: "tierlab_gateway_cost_usd_total",
      help: "API spend in USD from the price table",
      labelNames: ["action", "tier", "model"],
      registers,
    });
    this.escalations = new Counter({
      name: "tierlab_gateway_escalations_total",
      help: "moves from one tier to the next within a request",
      labelNames: ["action", "from_tier", "to_tier"],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: "tierlab_gateway_request_duration_seconds",
      help: "time from request received to response written, by answering tier/model",
      labelNames: ["action", "tier", "model", "stream"],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.attemptSeconds = new Histogram({
      name: "tierlab_gateway_attempt_duration_seconds",
      help: "latency of each model attempt",
      labelNames: ["action", "tier", "model"],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    const cache = opts.cache;
    if (cache) {
      new Gauge({
        name: "tierlab_cache_entries",
        help: "answers held by the exact-match cache",
        registers,
        collect() {
          this.set(cache.stats().entries);
        },
      });
      new Gauge({
        name: "tierlab_cache_bytes",
        help: "bytes held by the exact-match cache",
        registers,
        collect() {
          this.set(cache.stats().bytes);
        },
      });
    }
    if (opts.budget) budgetGauges(opts.budget, registers);
    if (opts.production) driftGauges(opts.production, registers);
  }

  observe(o: RequestObservation): void {
    const r = o.result;
    const tier = r?.tier ?? "";
    const model = r?.modelId ?? "";
    this.requests.inc({ action: o.action, tier, model, status: String(o.status), cache: o.cacheHit ? "hit" : "miss" });
    this.requestSeconds.observe({ action: o.action, tier, model, stream: String(o.stream) }, o.seconds);
    if (!r) return;
    const moves = new Set<string>();
    for (const a of r.attempts) {
      const labels = { action: o.action, tier: a.tier, model: a.modelId };
      this.attempts.inc({ ...labels, verdict: a.verdict });
      if (a.verdict !== "skipped") this.attemptSeconds.observe(labels, a.latencyMs / 1000);
      if (a.usage.inputTokens) this.tokens.inc({ ...labels, direction: "input" }, a.usage.inputTokens);
      if (a.usage.outputTokens) this.tokens.inc({ ...labels, direction: "output" }, a.usage.outputTokens);
      if (a.costUsd > 0) this.cost.inc(labels, a.costUsd);
      // A tier skipped by the budget was not reached: no move.
      if (a.escalatedFrom && a.verdict !== "skipped") moves.add(`${a.escalatedFrom}\u0000${a.tier}`);
    }
    for (const m of moves) {
      const [from, to] = m.split("\u0000") as [string, string];
      this.escalations.inc({ action: o.action, from_tier: from, to_tier: to });
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** One status read per scrape fills every budget gauge; `tierlab_ledger_up` says whether it worked. */
function budgetGauges(book: BudgetBook, registers: Registry[]): void {
  // prom-client collects all metrics of a scrape concurrently: they share one read, started by the first.
  let read: { at: number; status: Promise<BudgetStatus[] | undefined> } | undefined;
  const snapshot = () => {
    const now = Date.now();
    if (!read || now - read.at > 250) read = { at: now, status: Promise.resolve(book.status(new Date())).catch(() => undefined) };
    return read.status;
  };
  new Gauge({
    name: "tierlab_ledger_up",
    help: "1 when the budget figures could be read from the ledger's database at this scrape, else 0",
    registers,
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });
  const gauge = (name: string, help: string, value: (s: BudgetStatus) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["scope", "key", "period"],
      registers,
      async collect() {
        // Stale figures would look current: none while the database does not answer.
        this.reset();
        for (const s of (await snapshot()) ?? []) this.set({ scope: s.budget.scope, key: s.budget.key ?? "", period: s.budget.period }, value(s));
      },
    });
  gauge("tierlab_budget_spent_usd", "spend committed to the ledger in the budget's current period (every instance sharing the ledger)", (s) => s.spentUsd);
  gauge("tierlab_budget_held_usd", "reserved by calls in flight or settled and not yet committed", (s) => s.heldUsd);
  gauge("tierlab_budget_limit_usd", "the budget's limit per period", (s) => s.budget.limit_usd);
  gauge("tierlab_budget_left_usd", "limit - spent - held, at least 0", (s) => s.leftUsd);
}
