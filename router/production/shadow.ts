/**
 * Shadow checks: for a sampled share of accepted local answers, the API tier answers the same request
 * too, after the caller has its answer, and the two are compared as the graders compare (compare.ts).
 * The pair goes to the ledger's `shadow_checks` table and the verdict to the drift alarm.
 *
 * Off the critical path: the route returns first; `offer` does one RNG draw and, for a sampled answer,
 * schedules the work with setImmediate. Nothing the shadow call does (latency, failure, budget) can
 * reach the request. Its spend is its own budget scope (`shadow.budget`): a check that could push it
 * over is skipped, never the request.
 */
import type { ActionPlan, TierPlan } from "../action-plan.js";
import { runAttempt } from "../attempt.js";
import { periodStartUtc } from "../budget/period.js";
import { inputTokenUpperBound, worstCaseUsd } from "../budget/worst-case.js";
import type { RouterConfig } from "../config/load.js";
import { tokenCostUsd } from "../config/prices.js";
import type { RouteRequest, RouteResult } from "../contracts/route-result.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { Rng } from "../../core/rng.js";
import { compareAnswers } from "./compare.js";
import type { ShadowCheck } from "./records.js";
import type { ProductionStore } from "./store.js";

export interface ShadowStats {
  offered: number;
  sampled: number;
  checked: number;
  skippedBudget: number;
  skippedBusy: number;
  failed: number;
}

export interface ShadowCheckerOptions {
  config: RouterConfig;
  registry: ProviderRegistry;
  store: ProductionStore;
  rng: Rng;
  now: () => number;
  wallClock: () => Date;
  /** Each finished check, after its row is committed. */
  onChecked: (row: ShadowCheck) => void;
  log?: (line: string) => void;
}

export class ShadowChecker {
  readonly stats: ShadowStats = { offered: 0, sampled: 0, checked: 0, skippedBudget: 0, skippedBusy: 0, failed: 0 };
  private inFlight = 0;
  /** Worst cases of checks running now: counted against the shadow budget until their rows exist. */
  private heldUsd = 0;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly o: ShadowCheckerOptions) {}

  /** The share of an action's accepted local answers that are checked. */
  rateFor(action: string): number {
    return this.o.config.data.actions[action]?.shadow_rate ?? this.o.config.data.shadow.rate;
  }

  /** Called with each accepted answer after the route finished; returns at once. */
  offer(args: { plan: ActionPlan; req: RouteRequest; result: RouteResult }): void {
    const { plan, result } = args;
    this.stats.offered++;
    const kept = plan.tiers.find((t) => t.name === result.tier);
    if (!kept?.local) return;
    const rate = this.rateFor(plan.name);
    if (rate <= 0 || this.o.rng.next() >= rate) return;
    this.stats.sampled++;
    const reference = this.referenceTier(plan);
    if (!reference) return;
    if (this.inFlight >= this.o.config.data.shadow.max_in_flight) {
      this.stats.skippedBusy++;
      return;
    }
    this.inFlight++;
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.check({ ...args, reference }))
      .catch((err: unknown) => {
        this.stats.failed++;
        this.o.log?.(`tierlab shadow check for ${result.requestId}: ${(err as Error).message}`);
      })
      .finally(() => {
        this.inFlight--;
        this.running.delete(job);
      });
    this.running.add(job);
  }

  /** Waits for the checks in flight (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private referenceTier(plan: ActionPlan): TierPlan | undefined {
    const named = this.o.config.data.shadow.tier;
    if (named) return plan.tiers.find((t) => t.name === named) ?? undefined;
    return plan.tiers.filter((t) => !t.local).at(-1);
  }

  private async check(args: { plan: ActionPlan; req: RouteRequest; result: RouteResult; reference: TierPlan }): Promise<void> {
    const { plan, req, result, reference } = args;
    const model = reference.models[0]!;
    const messages = plan.messages(req.prompt, req.history);
    const maxTokens = req.maxTokens ?? plan.maxTokens;
    const worst = model.pricing
      ? worstCaseUsd({ pricing: model.pricing, inputTokens: inputTokenUpperBound(messages, plan.responseFormat), maxOutputTokens: maxTokens })
      : 0;
    const b = this.o.config.data.shadow.budget;
    const at = this.o.wallClock();
    const spent = await this.o.store.shadowSpendSince(periodStartUtc(b.period, at));
    if (spent + this.heldUsd + worst > b.limit_usd) {
      this.stats.skippedBudget++;
      return;
    }
    this.heldUsd += worst;
    try {
      const run = await runAttempt({
        provider: this.o.registry.get(model.provider),
        request: {
          model: this.o.registry.modelName(model.provider, model.model),
          messages,
          maxTokens,
          temperature: plan.action.temperature,
          responseFormat: plan.responseFormat,
        },
        timeoutMs: this.o.config.data.defaults.timeout_ms,
        deadlineAt: this.o.now() + this.o.config.data.defaults.timeout_ms,
        now: this.o.now,
      });
      const store = this.o.config.data.ledger.store_prompts;
      const base = {
        ts: at.toISOString(),
        request_id: result.requestId,
        action: plan.name,
        tier: result.tier!,
        model: result.modelId!,
        confidence: result.confidence ?? null,
        shadow_tier: reference.name,
        shadow_model: model.id,
        local_text: store ? result.text : null,
        latency_ms: run.timing.latencyMs,
      };
      let row: ShadowCheck;
      if (!run.ok) {
        this.stats.failed++;
        row = {
          ...base,
          agree: null,
          local_answer: null,
          shadow_answer: null,
          reason: `the reference call failed: ${run.error.message}`,
          shadow_text: null,
          input_tokens: null,
          output_tokens: null,
          cost_usd: 0,
          error_class: run.error.name,
        };
      } else {
        const usage = run.result.usage;
        const verdict = compareAnswers({ local: result.text, reference: run.result.text, kind: plan.action.answer ?? "text" });
        row = {
          ...base,
          agree: verdict.agree,
          local_answer: verdict.local,
          shadow_answer: verdict.reference,
          reason: verdict.reason,
          shadow_text: store ? run.result.text : null,
          input_tokens: usage.inputTokens ?? null,
          output_tokens: usage.outputTokens ?? null,
          cost_usd: model.pricing ? tokenCostUsd(model.pricing, usage) : 0,
          error_class: null,
        };
      }
      await this.o.store.insert("shadow_checks", [row]);
      this.stats.checked++;
      this.o.onChecked(row);
    } finally {
      this.heldUsd -= worst;
    }
  }
}
