/**
 * One model of a route, until it answers or fails for good: the circuit breaker admits it, a paid call
 * reserves its worst-case cost, the attempt runs with its timeout and the route's deadline, and
 * retryable errors are retried after a backoff (policy/escalation.ts's nextStep). Every attempt,
 * skipped ones included, is pushed to the route's attempts as it happens.
 */
import type { ActionPlan } from "./action-plan.js";
import { runAttempt, type AttemptRun } from "./attempt.js";
import { meterAnswer, meterFailure, type Metered, type UsageBound } from "./budget/metering.js";
import { inputTokenUpperBound, worstCaseUsd } from "./budget/worst-case.js";
import type { BudgetGuard } from "./budget/contract.js";
import { reserveOrWait } from "./budget/wait.js";
import { circuitOutcome, type CircuitBreaker } from "./circuit/breaker.js";
import type { ResolvedModel } from "./config/load.js";
import type { ChatRequest, ChatResult } from "./contracts/provider.js";
import type { Attempt, RouteRequest } from "./contracts/route-result.js";
import { AbortedError, BudgetExceededError, CircuitOpenError, type TierlabError } from "../core/errors.js";
import { nextStep } from "./policy/escalation.js";
import type { ProviderRegistry } from "./providers/registry.js";
import { retryDelayMs, type BackoffPolicy } from "./retry.js";
import type { Rng } from "../core/rng.js";

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

/** What the route knows while it runs; shared by the calls of one route (consensus calls run at once). */
export interface RouteState {
  attempts: Attempt[];
  /** Every error the route met, in order: the last one is reported, and each distinct fix is offered. */
  errors: TierlabError[];
  /**
   * Modelled time the clock did not see: Σ (modelled − wall) over replayed attempts (parallel calls
   * count their longest). The route's latency is its wall time plus this.
   */
  modelledShiftMs: number;
  readonly routeStart: number;
  readonly deadlineAt: number;
}

export type ModelCall =
  | { ok: true; result: ChatResult; attempt: Attempt; run: AttemptRun; shiftMs: number }
  /** `interrupted`: the attempt failed after its text had started streaming live; nothing may take over. */
  | { ok: false; shiftMs: number; interrupted?: boolean };

export interface CallModelArgs {
  plan: ActionPlan;
  req: RouteRequest;
  deps: CascadeDeps;
  state: RouteState;
  model: ResolvedModel;
  tier: { name: string; local: boolean };
  request: Omit<ChatRequest, "signal">;
  escalatedFrom: string | undefined;
  /** The verdict an answered attempt starts with (the caller decides accept/reject after judging it). */
  answeredVerdict?: Attempt["verdict"];
  /** Live streaming (see cascade.ts): each text piece as it arrives; `sent()` says whether any went out. */
  live?: { onText: (piece: string) => void; sent: () => boolean };
}

/** Calls one model with retries; `shiftMs` is the modelled time this model's attempts added (the caller adds it to the state). */
export async function callModel(a: CallModelArgs): Promise<ModelCall> {
  const { deps, state, model, tier, req } = a;
  const provider = deps.registry.get(model.provider);
  let shiftMs = 0;
  // The most a paid call can be billed for: what the budget reserved; a provider reporting more is clamped to it.
  const bound = (): UsageBound => ({
    inputTokens: inputTokenUpperBound(a.request.messages, a.plan.responseFormat),
    outputTokens: a.request.maxTokens ?? a.plan.maxTokens,
  });
  for (let retries = 0; ; retries++) {
    // Checked before every attempt, retries included: a circuit that opened mid-retry stops them.
    const ticket = deps.circuit?.admit(model.id);
    if (ticket && !ticket.ok) {
      const open = new CircuitOpenError({
        modelId: model.id,
        retryInMs: ticket.retryInMs,
        message: `circuit open for ${model.id} after ${ticket.failures} consecutive failures; next probe in ${Math.ceil(ticket.retryInMs / 1000)} s`,
        fix: "see the earlier attempts' errors for why the model fails; `tierlab doctor` checks the providers",
      });
      state.errors.push(open);
      state.attempts.push(skipped({ n: state.attempts.length + 1, tier, model, deps, escalatedFrom: a.escalatedFrom, error: open }));
      return { ok: false, shiftMs };
    }
    let reservation: Awaited<ReturnType<typeof reserveIfPaid>>;
    try {
      reservation = await reserveIfPaid({ ...a, attempt: state.attempts.length + 1, bound });
    } catch (err) {
      ticket?.report("neutral"); // a half-open probe slot must not leak with a refused request
      // A refusal is on the books like a degrade: the router records the route's attempts before rethrowing.
      if (err instanceof BudgetExceededError)
        state.attempts.push(skipped({ n: state.attempts.length + 1, tier, model, deps, escalatedFrom: a.escalatedFrom, error: err }));
      throw err;
    }
    if (reservation && "skip" in reservation) {
      ticket?.report("neutral");
      const degraded = new BudgetExceededError({ message: `${reservation.skip}: degraded to local tiers`, fix: BUDGET_FIX });
      state.errors.push(degraded);
      state.attempts.push(skipped({ n: state.attempts.length + 1, tier, model, deps, escalatedFrom: a.escalatedFrom, error: degraded }));
      return { ok: false, shiftMs };
    }
    const run = await runAttempt({
      provider,
      request: a.request,
      timeoutMs: deps.timeoutMs,
      // Modelled time already spent counts against the deadline as if it had passed.
      deadlineAt: state.deadlineAt - state.modelledShiftMs - shiftMs,
      signal: req.signal,
      now: deps.now,
      onText: a.live?.onText,
      keepText: !tier.local && model.pricing !== undefined,
    });
    ticket?.report(circuitOutcome(run.ok ? undefined : run.error));
    if (run.timing.source === "modelled") shiftMs += run.timing.latencyMs - run.timing.wallMs;
    const metered = run.ok
      ? meterAnswer({ model, local: tier.local, usage: run.result.usage, bound })
      : await meterFailure({ model, local: tier.local, streamedText: run.streamedText, partialUsage: run.partialUsage, messages: a.request.messages, bound });
    const attempt = toAttempt({
      n: state.attempts.length + 1,
      tier,
      model,
      run,
      deps,
      escalatedFrom: a.escalatedFrom,
      provider: provider.name,
      answeredVerdict: a.answeredVerdict,
      metered,
    });
    state.attempts.push(attempt);
    if (run.ok) {
      await reservation?.settle(attempt.costUsd);
      return { ok: true, result: run.result, attempt, run, shiftMs };
    }
    // A failure after text streamed is billed by the provider: it stays on the budget.
    await (attempt.costUsd > 0 ? reservation?.settle(attempt.costUsd) : reservation?.release());
    state.errors.push(run.error);
    if (run.error instanceof AbortedError) throw run.error;
    // Text already reached the caller: a retry or another model would splice two answers.
    if (a.live?.sent()) return { ok: false, shiftMs, interrupted: true };
    const step = nextStep({ kind: "error", retryable: run.error.isRetryable }, retries, deps.maxRetries);
    if (step !== "retry") return { ok: false, shiftMs };
    const delay = retryDelayMs({ retry: retries, retryAfterMs: (run.error as { retryAfterMs?: number }).retryAfterMs, policy: deps.backoff, rng: deps.rng });
    // A wait that outlasts the route's deadline cannot lead to an answer: the next model may.
    if (deps.now() + state.modelledShiftMs + shiftMs + delay >= state.deadlineAt) return { ok: false, shiftMs };
    await deps.sleep(delay, req.signal);
  }
}

/**
 * Reserve the worst-case cost of a paid attempt, priced on the same bound its usage is later clamped to;
 * "skip" when the budget says degrade.
 */
async function reserveIfPaid(args: CallModelArgs & { attempt: number; bound: () => UsageBound }) {
  const { tier, model, deps } = args;
  if (tier.local || !deps.budget || !model.pricing) return undefined;
  const b = args.bound();
  const worst = worstCaseUsd({ pricing: model.pricing, inputTokens: b.inputTokens, maxOutputTokens: b.outputTokens });
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

function toAttempt(a: {
  n: number;
  tier: { name: string; local: boolean };
  model: ResolvedModel;
  run: AttemptRun;
  deps: CascadeDeps;
  escalatedFrom: string | undefined;
  provider: string;
  answeredVerdict?: Attempt["verdict"];
  metered: Metered | undefined;
}): Attempt {
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
    verdict: run.ok ? (a.answeredVerdict ?? "rejected") : "error",
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
    base.error = {
      class: e.name,
      message: e.message,
      retryable: e.isRetryable,
      ...((e as { status?: number }).status ? { status: (e as { status?: number }).status } : {}),
    };
  }
  return base;
}

function skipped(a: {
  n: number;
  tier: { name: string };
  model: ResolvedModel;
  deps: CascadeDeps;
  escalatedFrom: string | undefined;
  error: TierlabError;
}): Attempt {
  return {
    attempt: a.n,
    tier: a.tier.name,
    modelId: a.model.id,
    provider: a.model.provider,
    model: a.model.model,
    startedAt: a.deps.wallClock().toISOString(),
    latencyMs: 0,
    usage: {},
    costUsd: 0,
    verdict: "skipped",
    escalatedFrom: a.escalatedFrom,
    error: { class: a.error.name, message: a.error.message, retryable: false },
  };
}
