/**
 * The escalation cascade: try the action's tiers in order, each tier's models in order, retry
 * what is retryable, score every answer, stop at the first answer above threshold. Every attempt
 * becomes an Attempt record. The decisions come from policy/escalation.ts, shared with the simulator.
 */
import type { ActionPlan, TierPlan } from "./action-plan.js";
import { runAttempt, type AttemptRun } from "./attempt.js";
import type { ResolvedModel } from "./config/load.js";
import { tokenCostUsd } from "./config/prices.js";
import type { Usage } from "./contracts/provider.js";
import type { Attempt, RouteRequest } from "./contracts/route-result.js";
import { AbortedError, BudgetExceededError, TierlabError } from "./errors.js";
import { nextStep } from "./policy/escalation.js";
import { scoreAnswer } from "./quality/score.js";
import { retryDelayMs, type BackoffPolicy } from "./retry.js";
import type { Rng } from "./util/rng.js";
import type { BudgetGuard } from "./budget/contract.js";
import type { ProviderRegistry } from "./providers/registry.js";

export interface CascadeDeps {
  registry: ProviderRegistry;
  now: () => number;
  wallClock: () => Date;
  rng: Rng;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  timeoutMs: number;
  deadlineMs: number;
  maxRetries: number;
  backoff: BackoffPolicy;
  storeAnswers: boolean;
  budget: BudgetGuard | undefined;
}

export interface CascadeAnswer {
  attempt: Attempt;
  text: string;
  confidence: number;
  offsetMs: number;
}

export interface CascadeOutcome {
  attempts: Attempt[];
  accepted: CascadeAnswer | undefined;
  belowThreshold: CascadeAnswer[];
  lastError: TierlabError | undefined;
}

/** `attempts` is filled as the cascade goes, so the caller can record them even if it throws. */
export async function runCascade(plan: ActionPlan, req: RouteRequest, deps: CascadeDeps, attempts: Attempt[] = []): Promise<CascadeOutcome> {
  const routeStart = deps.now();
  const deadlineAt = routeStart + deps.deadlineMs;
  const belowThreshold: CascadeAnswer[] = [];
  let lastError: TierlabError | undefined;
  let previousTier: string | undefined;
  const messages = plan.messages(req.prompt, req.history);
  const maxTokens = req.maxTokens ?? plan.maxTokens;

  for (const tier of plan.tiers) {
    if (req.onlyTiers && !req.onlyTiers.includes(tier.name)) continue;
    const escalatedFrom = previousTier;
    let movedOn = false;
    for (const model of tier.models) {
      const reservation = reserveIfPaid({ tier, model, req, plan, messagesChars: charCount(messages), maxTokens, deps });
      if (reservation === "skip") {
        attempts.push(skipped({ n: attempts.length + 1, tier, model, deps, escalatedFrom, reason: "budget limit: degraded to local tiers" }));
        continue;
      }
      previousTier = tier.name;
      for (let retries = 0; ; retries++) {
        const provider = deps.registry.get(model.provider);
        const run = await runAttempt({
          provider,
          request: { model: deps.registry.modelName(model.provider, model.model), messages, maxTokens, temperature: plan.action.temperature, responseFormat: plan.responseFormat },
          timeoutMs: deps.timeoutMs,
          deadlineAt,
          signal: req.signal,
          now: deps.now,
        });
        const attempt = toAttempt({ n: attempts.length + 1, tier, model, run, deps, escalatedFrom, provider: provider.name });
        attempts.push(attempt);
        if (!run.ok) {
          reservation?.release();
          lastError = run.error;
          if (run.error instanceof AbortedError) throw run.error;
          const step = nextStep({ kind: "error", retryable: run.error.isRetryable }, retries, deps.maxRetries);
          if (step === "retry") {
            await deps.sleep(retryDelayMs({ retry: retries, retryAfterMs: (run.error as { retryAfterMs?: number }).retryAfterMs, policy: deps.backoff, rng: deps.rng }), req.signal);
            continue;
          }
          break; // next model of this tier
        }
        reservation?.settle(attempt.costUsd);
        const verdict = scoreAnswer(plan.checks, { text: run.result.text, finishReason: run.result.finishReason, action: plan.name, prompt: req.prompt, schema: plan.action.schema }, tier.threshold);
        attempt.confidence = verdict.confidence;
        attempt.checks = verdict.checks;
        const answer: CascadeAnswer = { attempt, text: run.result.text, confidence: verdict.confidence, offsetMs: run.timing.startedAtMs - routeStart };
        const step = nextStep({ kind: "answer", confidence: verdict.confidence, threshold: tier.threshold }, retries, deps.maxRetries);
        if (step === "accept") {
          attempt.verdict = "accepted";
          return { attempts, accepted: answer, belowThreshold, lastError };
        }
        attempt.verdict = "rejected";
        belowThreshold.push(answer);
        movedOn = true;
        break;
      }
      if (movedOn) break;
    }
  }
  return { attempts, accepted: undefined, belowThreshold, lastError };
}

function charCount(messages: { content: string }[]): number {
  let n = 0;
  for (const m of messages) n += m.content.length;
  return n;
}

/** Reserve the worst-case cost of a paid call; "skip" when the budget says degrade. */
function reserveIfPaid(args: { tier: TierPlan; model: ResolvedModel; req: RouteRequest; plan: ActionPlan; messagesChars: number; maxTokens: number; deps: CascadeDeps }) {
  const { tier, model, deps } = args;
  if (tier.local || !deps.budget || !model.pricing) return undefined;
  // ~3 characters per token over-estimates input tokens for English, so the reservation is an upper bound.
  const worst = Math.ceil(args.messagesChars / 3) * model.pricing.input_cost_per_token + args.maxTokens * model.pricing.output_cost_per_token;
  const decision = deps.budget.reserve({ action: args.plan.name, tag: args.req.tag, costUsd: worst, at: deps.wallClock() });
  if (decision.ok) return decision.reservation;
  if (decision.onExceed === "degrade") return "skip" as const;
  throw new BudgetExceededError({ message: decision.reason, fix: "raise the limit in config/router.yaml `budgets:`, or set on_exceed: degrade to fall back to local tiers" });
}

function usageCost(model: ResolvedModel, local: boolean, usage: Usage): number {
  return local || !model.pricing ? 0 : tokenCostUsd(model.pricing, usage);
}

function toAttempt(a: { n: number; tier: TierPlan; model: ResolvedModel; run: AttemptRun; deps: CascadeDeps; escalatedFrom: string | undefined; provider: string }): Attempt {
  const { run, tier, model } = a;
  const base: Attempt = {
    attempt: a.n,
    tier: tier.name,
    modelId: model.id,
    provider: a.provider,
    model: model.model,
    startedAt: a.deps.wallClock().toISOString(),
    latencyMs: run.timing.latencyMs,
    ttftMs: run.timing.ttftMs,
    usage: run.ok ? run.result.usage : {},
    costUsd: run.ok ? usageCost(model, tier.local, run.result.usage) : 0,
    verdict: run.ok ? "rejected" : "error",
    escalatedFrom: a.escalatedFrom,
  };
  if (run.ok) {
    base.finishReason = run.result.finishReason;
    if (run.result.serverTimings) base.serverTimings = run.result.serverTimings;
    if (a.deps.storeAnswers) base.answer = run.result.text;
  } else {
    const e = run.error;
    base.error = { class: e.name, message: e.message, retryable: e.isRetryable, ...((e as { status?: number }).status ? { status: (e as { status?: number }).status } : {}) };
  }
  return base;
}

function skipped(a: { n: number; tier: TierPlan; model: ResolvedModel; deps: CascadeDeps; escalatedFrom: string | undefined; reason: string }): Attempt {
  return {
    attempt: a.n, tier: a.tier.name, modelId: a.model.id, provider: a.model.provider, model: a.model.model,
    startedAt: a.deps.wallClock().toISOString(), latencyMs: 0, usage: {}, costUsd: 0, verdict: "skipped",
    escalatedFrom: a.escalatedFrom, error: { class: "BudgetExceededError", message: a.reason, retryable: false },
  };
}
