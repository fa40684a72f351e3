/**
 * Learning in production, wired to one router: shadow checks of accepted local answers, feedback,
 * the drift alarm on their labels, and (opt-in) automatic tightening of a drifting tier's threshold
 * within bounds, each change a `threshold_changes` row that the next start applies again.
 *
 *   const production = await Production.open({ config, ledger });
 *   const router = new Router({ config, ledger, production });
 */
import type { ActionPlan } from "../action-plan.js";
import { BatchTier } from "../batch/batch-tier.js";
import type { BatchClientOverrides } from "../batch/clients.js";
import type { RouterConfig } from "../config/load.js";
import type { RouteRequest, RouteResult } from "../contracts/route-result.js";
import { ConfigError } from "../../core/errors.js";
import type { LedgerSink, LedgerStore } from "../ledger/contract.js";
import type { ProviderRegistry } from "../providers/registry.js";
import { createRng } from "../../core/rng.js";
import { alphaFor } from "./alpha.js";
import { DriftMonitor, labelsFrom, type DriftEstimate, type Label } from "./drift.js";
import { feedbackFor } from "./feedback.js";
import type { Feedback, ThresholdChange } from "./records.js";
import { ShadowChecker } from "./shadow.js";
import { productionStoreFor, type ProductionStore } from "./store.js";

/** What the router hands over when it takes a Production. */
export interface RouterSide {
  registry: ProviderRegistry;
  now: () => number;
  wallClock: () => Date;
  /** Drops the router's cached plans so new thresholds apply to the next request. */
  replan: () => void;
  /** The action's plan as the router runs it (thresholds included). */
  plan: (action: string) => ActionPlan;
  /** The threshold the router applies now to answers of `action` on `tier` (overrides included). */
  threshold: (action: string, tier: string) => number | undefined;
}

export interface ProductionOptions {
  config: RouterConfig;
  ledger: LedgerStore;
  store: ProductionStore;
  /** Each alarm that turned on, and each threshold change (logs, tests). */
  onAlarm?: (e: DriftEstimate, change: ThresholdChange | undefined) => void;
  /** The batch tier's clients (default: built from each provider's config; tests hand in others). */
  batchClients?: BatchClientOverrides;
  log?: (line: string) => void;
}

const key = (action: string, tier: string) => `${action}\u0000${tier}`;

export class Production {
  readonly config: RouterConfig;
  readonly store: ProductionStore;
  readonly ledger: LedgerStore;
  readonly monitor: DriftMonitor;
  private shadowChecker: ShadowChecker | undefined;
  private batchTier: BatchTier | undefined;
  private side: RouterSide | undefined;
  private readonly overrides = new Map<string, number>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly o: ProductionOptions) {
    this.config = o.config;
    this.store = o.store;
    this.ledger = o.ledger;
    const d = o.config.data.drift;
    this.monitor = new DriftMonitor({ window: d.window, minSamples: d.min_samples, confidence: d.confidence, alphaFor: (a) => alphaFor(o.config, a) });
  }

  /** The production tables of this ledger, the thresholds changed before, and the labels since those changes. */
  static async open(args: {
    config: RouterConfig;
    ledger: LedgerSink;
    onAlarm?: ProductionOptions["onAlarm"];
    batchClients?: BatchClientOverrides;
    log?: (line: string) => void;
  }): Promise<Production> {
    const store = productionStoreFor(args.ledger);
    if (!store)
      throw new ConfigError({
        message: "shadow checks, feedback and the batch tier keep their rows in the ledger's database; this ledger is neither SQLite nor PostgreSQL",
        fix: "open the ledger with openLedgerStore",
      });
    const p = new Production({
      config: args.config,
      ledger: args.ledger as LedgerStore,
      store,
      onAlarm: args.onAlarm,
      batchClients: args.batchClients,
      log: args.log,
    });
    await p.reload();
    return p;
  }

  /** Re-reads threshold changes and labels from the ledger (another instance's feedback, a restart). */
  async reload(): Promise<void> {
    const [changes, shadow, feedback] = await Promise.all([
      this.store.select("threshold_changes"),
      this.store.select("shadow_checks"),
      this.store.select("feedback"),
    ]);
    this.overrides.clear();
    for (const c of changes) this.overrides.set(key(c.action, c.tier), c.new_threshold);
    const since = labelsSinceChanges(labelsFrom(shadow, feedback), changes);
    this.monitor.clear();
    for (const l of since) this.monitor.add(l);
    this.side?.replan();
  }

  /** Called by the Router's constructor. */
  attach(side: RouterSide): void {
    this.side = side;
    const seed = this.config.data.shadow.seed ?? Date.now();
    this.shadowChecker = new ShadowChecker({
      config: this.config,
      registry: side.registry,
      store: this.store,
      rng: createRng(seed),
      now: side.now,
      wallClock: side.wallClock,
      onChecked: (row) => {
        if (row.agree !== null) this.label({ ts: row.ts, action: row.action, tier: row.tier, wrong: !row.agree, source: "shadow" });
      },
      log: this.o.log,
    });
    this.batchTier = new BatchTier({
      config: this.config,
      store: this.store,
      ledger: this.ledger,
      plan: side.plan,
      clients: this.o.batchClients,
      wallClock: side.wallClock,
      log: this.o.log,
    });
  }

  /** The batch tier (deferrable actions); present once a Router took this Production. */
  get batch(): BatchTier | undefined {
    return this.batchTier;
  }

  get shadow(): ShadowChecker | undefined {
    return this.shadowChecker;
  }

  /**
   * The plan with any threshold the drift alarm raised: on the tier and on the accept rule of each of its
   * policy's cells (the rule is what the walk reads; the last cell always answers and has none).
   */
  adjustPlan(plan: ActionPlan): ActionPlan {
    if (this.overrides.size === 0) return plan;
    let changed = false;
    const raised = (tier: string, current: number): number => {
      const o = this.overrides.get(key(plan.name, tier));
      if (o === undefined || o === current) return current;
      changed = true;
      return o;
    };
    const tiers = plan.tiers.map((t) => ({ ...t, threshold: raised(t.name, t.threshold) }));
    const cells = plan.policy.cells.map((c) => (c.rule.basis === "final" ? c : { ...c, rule: { ...c.rule, threshold: raised(c.tier, c.rule.threshold) } }));
    return changed ? { ...plan, tiers, policy: { ...plan.policy, cells } } : plan;
  }

  /** After each accepted route; returns at once (see shadow.ts). */
  afterAnswer(args: { plan: ActionPlan; req: RouteRequest; result: RouteResult }): void {
    this.shadowChecker?.offer(args);
  }

  async feedback(args: { requestId: string; right: boolean; note?: string; source: Feedback["source"] }): Promise<Feedback> {
    const row = await feedbackFor({ ledger: this.ledger, ...args, at: this.side?.wallClock() ?? new Date() });
    await this.store.insert("feedback", [row]);
    this.label({ ts: row.ts, action: row.action, tier: row.tier, wrong: !row.right, source: "feedback" });
    return row;
  }

  estimates(): DriftEstimate[] {
    return this.monitor.estimates();
  }

  private label(l: Label): void {
    const fired = this.monitor.add(l);
    if (!fired) return;
    const job = this.onAlarm(fired).catch((err: unknown) => this.o.log?.(`tierlab drift: ${(err as Error).message}`));
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  private async onAlarm(e: DriftEstimate): Promise<void> {
    const t = this.config.data.drift.tighten;
    const current = this.currentThreshold(e.action, e.tier);
    let change: ThresholdChange | undefined;
    if (t.enabled && current !== undefined && current < t.max_threshold) {
      const next = Math.min(t.max_threshold, Math.round((current + t.step) * 1e6) / 1e6);
      change = {
        ts: (this.side?.wallClock() ?? new Date()).toISOString(),
        action: e.action,
        tier: e.tier,
        old_threshold: current,
        new_threshold: next,
        reason: `drift alarm: kept-answer error ${pct(e.error)} over ${e.n} labels, interval [${pct(e.interval.lower)}, ${pct(e.interval.upper)}] above α ${pct(e.alpha)}`,
        error_lower: e.interval.lower,
        error_upper: e.interval.upper,
        samples: e.n,
      };
      await this.store.insert("threshold_changes", [change]);
      this.overrides.set(key(e.action, e.tier), next);
      // The window's labels judged answers kept under the old threshold; the new one starts afresh.
      this.monitor.reset(e.action, e.tier);
      this.side?.replan();
    }
    this.o.onAlarm?.(e, change);
  }

  private currentThreshold(action: string, tier: string): number | undefined {
    return this.overrides.get(key(action, tier)) ?? this.side?.threshold(action, tier);
  }

  /** Waits for shadow checks and alarm handling in flight. */
  async drain(): Promise<void> {
    await this.shadowChecker?.drain();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

/** Labels newer than the last threshold change of their (action, tier): older ones judged another threshold. */
export function labelsSinceChanges(labels: readonly Label[], changes: readonly ThresholdChange[]): Label[] {
  const last = new Map<string, string>();
  for (const c of changes) {
    const k = key(c.action, c.tier);
    if (!last.has(k) || last.get(k)! < c.ts) last.set(k, c.ts);
  }
  return labels.filter((l) => {
    const cut = last.get(key(l.action, l.tier));
    return cut === undefined || l.ts > cut;
  });
}

const pct = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(1)} %`);
