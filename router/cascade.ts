/**
 * The escalation cascade: try the action's tiers in order, each tier's models in order, retry
 * what is retryable, score every answer, stop at the first answer above threshold. Every attempt
 * becomes an Attempt record. The decisions come from policy/escalation.ts, shared with the simulator.
 * Before each attempt a model with an open circuit is skipped, and a paid attempt reserves its
 * worst-case cost; either refusal is recorded as a `skipped` attempt.
 *
 * Streaming rule (with a LiveSink): an attempt streams its text live only when nothing can replace
 * its answer: it runs on the last tier the request can reach, or on a tier whose threshold is 0 (no
 * answer can be rejected there). Every other answer stays buffered until its check passes, so a
 * caller never sees half an answer from one model and the rest from another. A live answer is the
 * answer even when it scores below threshold (a non-streaming route would return the best-scoring
 * rejected one instead), and once text went out a failure of that attempt ends the route: it is not
 * retried and no other model takes over mid-answer.
 */
import type { ActionPlan, TierPlan } from "./action-plan.js";
import { runAttempt, type AttemptRun } from "./attempt.js";
import { meterAnswer, meterFailure, type Metered, type UsageBound } from "./budget/metering.js";
import { inputTokenUpperBound, worstCaseUsd } from "./budget/worst-case.js";
import { circuitOutcome, type CircuitBreaker } from "./circuit/breaker.js";
import type { ResolvedModel } from "./config/load.js";
import type { ChatMessage } from "./contracts/provider.js";
import type { Attempt, RouteRequest } from "./contracts/route-result.js";
import { AbortedError, BudgetExceededError, CircuitOpenError, TierlabError } from "./errors.js";
import { nextStep } from "./policy/escalation.js";
import { scoreAnswer } from "./quality/score.js";
import { retryDelayMs, type BackoffPolicy } from "./retry.js";
import type { Rng } from "./util/rng.js";
import type { BudgetGuard } from "./budget/contract.js";
import { reserveOrWait } from "./budget/wait.js";
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
  /** Per-model circuit breaker shared by every route of the router; undefined = disabled. */
  circuit?: CircuitBreaker | undefined;
}

export interface CascadeAnswer {
  attempt: Attempt;
  text: string;
  confidence: number;
  offsetMs: number;
}

/** Where live text goes; `start` precedes the first piece of the attempt that streams. */
export interface LiveSink {
  start(from: { tier: string; modelId: string; provider: string }): void;
  text(piece: string): void;
}

export interface CascadeOutcome {
  attempts: Attempt[];
  accepted: CascadeAnswer | undefined;
  belowThreshold: CascadeAnswer[];
  lastError: TierlabError | undefined;
  /**
   * Modelled time the clock did not see: Σ (modelled − wall) over replayed attempts. The route's
   * latency is its wall time plus this; 0 when every attempt was measured.
   */
  modelledShiftMs: number;
  /** The answer that streamed live, when it was not accepted (it is still the answer). */
  streamed?: CascadeAnswer;
  /** A live attempt failed after its first text went out: the route ends without an answer. */
  interrupted?: boolean;
}

/** `attempts` is filled as the cascade goes, so the caller can record them even if it throws. */
export async function runCascade(plan: ActionPlan, req: RouteRequest, deps: CascadeDeps, attempts: Attempt[] = [], live?: LiveSink): Promise<CascadeOutcome> {
  const routeStart = deps.now();
  const deadlineAt = routeStart + deps.deadlineMs;
  const belowThreshold: CascadeAnswer[] = [];
  let lastError: TierlabError | undefined;
  let previousTier: string | undefined;
  let modelledShiftMs = 0;
  const messages = plan.messages(req.prompt, req.history);
  const maxTokens = req.maxTokens ?? plan.maxTokens;
  const bound = (): UsageBound => ({ inputTokens: inputTokenUpperBound(messages, plan.responseFormat), outputTokens: maxTokens });
  const lastTier = live && (req.onlyTiers ? plan.tiers.filter((t) => req.onlyTiers!.includes(t.name)) : plan.tiers).at(-1);

  for (const tier of plan.tiers) {
    if (req.onlyTiers && !req.onlyTiers.includes(tier.name)) continue;
    const escalatedFrom = previousTier;
    let movedOn = false;
    for (const model of tier.models) {
      const provider = deps.registry.get(model.provider);
      for (let retries = 0; ; retries++) {
        // Checked before every attempt, retries included: a circuit that opened mid-retry stops them.
        const ticket = deps.circuit?.admit(model.id);
        if (ticket && !ticket.ok) {
          lastError = new CircuitOpenError({
            modelId: model.id,
            retryInMs: ticket.retryInMs,
            message: `circuit open for ${model.id} after ${ticket.failures} consecutive failures; next probe in ${Math.ceil(ticket.retryInMs / 1000)} s`,
            fix: "see the earlier attempts' errors for why the model fails; `tierlab doctor` checks the providers",
          });
          attempts.push(skipped({ n: attempts.length + 1, tier, model, deps, escalatedFrom, error: lastError }));
          previousTier = tier.name;
          break;
        }
        let reservation: Awaited<ReturnType<typeof reserveIfPaid>>;
        try {
          reservation = await reserveIfPaid({ tier, model, req, plan, messages, maxTokens, deps, attempt: attempts.length + 1 });
        } catch (err) {
          ticket?.report("neutral"); // a half-open probe slot must not leak with a refused request
          // A refusal is on the books like a degrade: the router records these attempts before rethrowing.
          if (err instanceof BudgetExceededError) attempts.push(skipped({ n: attempts.length + 1, tier, model, deps, escalatedFrom, error: err }));
          throw err;
        }
        if (reservation && "skip" in reservation) {
          ticket?.report("neutral");
          lastError = new BudgetExceededError({ message: `${reservation.skip}: degraded to local tiers`, fix: BUDGET_FIX });
          attempts.push(skipped({ n: attempts.length + 1, tier, model, deps, escalatedFrom, error: lastError }));
          break;
        }
        previousTier = tier.name;
        let sent = false;
        const onText = live && (tier === lastTier || tier.threshold <= 0)
          ? (piece: string) => {
            if (!sent) live.start({ tier: tier.name, modelId: model.id, provider: provider.name });
            sent = true;
            live.text(piece);
          }
          : undefined;
        const run = await runAttempt({
          provider,
          request: { model: deps.registry.modelName(model.provider, model.model), messages, maxTokens, temperature: plan.action.temperature, responseFormat: plan.responseFormat, itemId: req.itemId },
          timeoutMs: deps.timeoutMs,
          // Modelled time already spent counts against the deadline as if it had passed.
          deadlineAt: deadlineAt - modelledShiftMs,
          signal: req.signal,
          now: deps.now,
          onText,
          keepText: !tier.local && model.pricing !== undefined,
        });
        ticket?.report(circuitOutcome(run.ok ? undefined : run.error));
        const shiftBefore = modelledShiftMs;
        if (run.timing.source === "modelled") modelledShiftMs += run.timing.latencyMs - run.timing.wallMs;
        const metered = run.ok
          ? meterAnswer({ model, local: tier.local, usage: run.result.usage, bound })
          : await meterFailure({ model, local: tier.local, streamedText: run.streamedText, partialUsage: run.partialUsage, messages, bound });
        const attempt = toAttempt({ n: attempts.length + 1, tier, model, run, deps, escalatedFrom, provider: provider.name, metered });
        attempts.push(attempt);
        if (!run.ok) {
          // A failure after text streamed is billed by the provider: it stays on the budget.
          await (attempt.costUsd > 0 ? reservation?.settle(attempt.costUsd) : reservation?.release());
          lastError = run.error;
          if (run.error instanceof AbortedError) throw run.error;
          if (sent) return { attempts, accepted: undefined, belowThreshold, lastError, interrupted: true, modelledShiftMs };
          const step = nextStep({ kind: "error", retryable: run.error.isRetryable }, retries, deps.maxRetries);
          if (step === "retry") {
            const delay = retryDelayMs({ retry: retries, retryAfterMs: (run.error as { retryAfterMs?: number }).retryAfterMs, policy: deps.backoff, rng: deps.rng });
            // A wait that outlasts the route's deadline cannot lead to an answer: the next model may.
            if (deps.now() + modelledShiftMs + delay >= deadlineAt) break;
            await deps.sleep(delay, req.signal);
            continue;
          }
          break; // next model of this tier
        }
        await reservation?.settle(attempt.costUsd);
        const verdict = scoreAnswer(plan.checks, { text: run.result.text, finishReason: run.result.finishReason, action: plan.name, prompt: req.prompt, schema: plan.action.schema }, tier.threshold);
        attempt.confidence = verdict.confidence;
        attempt.checks = verdict.checks;
        const answer: CascadeAnswer = { attempt, text: run.result.text, confidence: verdict.confidence, offsetMs: run.timing.startedAtMs - routeStart + shiftBefore };
        const step = nextStep({ kind: "answer", confidence: verdict.confidence, threshold: tier.threshold }, retries, deps.maxRetries);
        if (step === "accept") {
          attempt.verdict = "accepted";
          return { attempts, accepted: answer, belowThreshold, lastError, modelledShiftMs };
        }
        attempt.verdict = "rejected";
        if (sent) return { attempts, accepted: undefined, belowThreshold, lastError, streamed: answer, modelledShiftMs };
        belowThreshold.push(answer);
        movedOn = true;
        break;
      }
      if (movedOn) break;
    }
  }
  return { attempts, accepted: undefined, belowThreshold, lastError, modelledShiftMs };
}

/** Reserve the worst-case cost of a paid attempt; "skip" when the budget says degrade. */
async function reserveIfPaid(args: { tier: TierPlan; model: ResolvedModel; req: RouteRequest; plan: ActionPlan; messages: ChatMessage[]; maxTokens: number; deps: CascadeDeps; attempt: number }) {
  const { tier, model, deps } = args;
  if (tier.local || !deps.budget || !model.pricing) return undefined;
  const worst = worstCaseUsd({ pricing: model.pricing, inputTokens: inputTokenUpperBound(args.messages, args.plan.responseFormat), maxOutputTokens: args.maxTokens });
  const decision = await reserveOrWait({
    guard: deps.budget,
    request: () => ({ action: args.plan.name, tag: args.req.tag, costUsd: worst, at: deps.wallClock(), requestId: args.req.requestId, attempt: args.attempt }),
    sleep: deps.sleep,
    signal: args.req.signal,
    maxWaitMs: deps.timeoutMs,
  });
  if (decision.ok) return decision.reservation;
  if (decision.onExceed === "degrade") return { skip: decision.reason };
  throw new BudgetExceededError({ message: decision.reason, fix: `${BUDGET_FIX}, or set on_exceed: degrade to fall back to local tiers` });
}

const BUDGET_FIX = "raise limit_usd in the config's `budgets:` or wait for the next period";

function toAttempt(a: { n: number; tier: TierPlan; model: ResolvedModel; run: AttemptRun; deps: CascadeDeps; escalatedFrom: string | undefined; provider: string; metered: Metered | undefined }): Attempt {
  const { run, tier, model, metered } = a;
  const base: Attempt = {
    attempt: a.n,
    tier: tier.name,
    modelId: model.id,
    provider: a.provider,
    model: model.model,
    startedAt: a.deps.wallClock().toISOString(),
    latencyMs: run.timing.latencyMs,
    ttftMs: run.timing.ttftMs,
    ...(run.timing.source === "modelled" ? { latencySource: "modelled" as const } : {}),
    usage: metered?.usage ?? (run.ok ? run.result.usage : {}),
    costUsd: metered?.costUsd ?? 0,
    verdict: run.ok ? "rejected" : "error",
    escalatedFrom: a.escalatedFrom,
  };
  if (metered?.audit) base.usageAudit = metered.audit;
  const countedBy = metered?.countedBy ?? (run.ok ? run.result.usageCountedBy : undefined);
  if (countedBy) base.usageCountedBy = countedBy;
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

function skipped(a: { n: number; tier: TierPlan; model: ResolvedModel; deps: CascadeDeps; escalatedFrom: string | undefined; error: TierlabError }): Attempt {
  return {
    attempt: a.n, tier: a.tier.name, modelId: a.model.id, provider: a.model.provider, model: a.model.model,
    startedAt: a.deps.wallClock().toISOString(), latencyMs: 0, usage: {}, costUsd: 0, verdict: "skipped",
    escalatedFrom: a.escalatedFrom, error: { class: a.error.name, message: a.error.message, retryable: false },
  };
}
