/**
 * The router: loads nothing itself (it is handed a RouterConfig), plans each action once, runs the
 * cascade, records every attempt to the ledger before returning, and exposes itself as a Provider
 * so the gateway and agent loops can use it like any model.
 */
import { randomUUID } from "node:crypto";
import { planAction, thresholdOfTier, withResponseFormat, type ActionPlan } from "./action-plan.js";
import type { BudgetBook, BudgetGuard } from "./budget/contract.js";
import { budgetBookFor } from "./budget/open-budget.js";
import type { ResponseCache } from "./cache/response-cache.js";
import type { ResolvedModel, RouterConfig } from "./config/load.js";
import {
  PROVIDER_SPEC_VERSION,
  type Availability,
  type ChatRequest,
  type ChatResult,
  type Provider,
  type StreamChunk,
  type Usage,
} from "./contracts/provider.js";
import { ROUTE_RESULT_VERSION, type Attempt, type RouteRequest, type RouteResult } from "./contracts/route-result.js";
import { runCascade, type CascadeAnswer, type CascadeDeps, type LiveSink } from "./cascade.js";
import { CircuitBreaker } from "./circuit/breaker.js";
import { AllTiersFailedError } from "./all-tiers-failed.js";
import { UsageError } from "../core/errors.js";
import { attemptsToRecords } from "./ledger/records.js";
import type { LedgerSink } from "./ledger/contract.js";
import { pickBestEffort } from "./policy/escalation.js";
import type { Production } from "./production/production.js";
import { ProviderRegistry, type ProviderOverrides } from "./providers/registry.js";
import { ContextWindows } from "./reliability/context-window.js";
import { candidateModels, checkRequestFits } from "./reliability/input-guard.js";
import { abortableSleep } from "./retry.js";
import { PushIterator } from "./util/push-iterator.js";
import { createRng, type Rng } from "../core/rng.js";

export interface RouterOptions {
  config: RouterConfig;
  /** Where attempts are recorded; omit for no ledger (tests of pure routing). */
  ledger?: LedgerSink;
  providers?: ProviderOverrides;
  /** Default: the config's `budgets:` enforced in the ledger's own database (SQLite file or PostgreSQL); false = none. */
  budget?: BudgetGuard | false;
  /** Default: one built from the config's `circuit:` on the router's clock; false = none. */
  circuit?: CircuitBreaker | false;
  /** Exact-match answer cache; a hit is one ledger row with cache_hit and $0. */
  cache?: ResponseCache;
  now?: () => number;
  wallClock?: () => Date;
  rng?: Rng;
  newId?: () => string;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Shadow checks, feedback, the drift alarm and the batch tier (router/production/); omit for none. */
  production?: Production;
}

/**
 * What `routeStream` yields, in order: one `answer` (which model the text comes from, and whether it
 * streams live or was released after its check), `text` pieces, the `attempt`s, then the `result`.
 */
export type RouteEvent =
  | { type: "answer"; live: boolean; tier: string | undefined; modelId: string | undefined; provider: string | undefined }
  | { type: "text"; text: string }
  | { type: "attempt"; attempt: Attempt }
  | { type: "result"; result: RouteResult };

export class Router {
  readonly config: RouterConfig;
  readonly registry: ProviderRegistry;
  private readonly plans = new Map<string, ActionPlan>();
  private readonly deps: CascadeDeps;
  private readonly ledger: LedgerSink | undefined;
  /** Public so the gateway can tell a replay from a fresh answer (headers, metrics). */
  readonly cache: ResponseCache | undefined;
  private readonly newId: () => string;
  private readonly contexts: ContextWindows;
  /** The budget book built here from the config (closed with the router), if any. */
  readonly budget: BudgetBook | undefined;
  readonly production: Production | undefined;

  constructor(opts: RouterOptions) {
    this.config = opts.config;
    this.registry = new ProviderRegistry(opts.config, opts.providers);
    this.ledger = opts.ledger;
    this.cache = opts.cache;
    this.newId = opts.newId ?? randomUUID;
    this.contexts = new ContextWindows(opts.config, opts.providers?.env);
    const d = opts.config.data;
    const now = opts.now ?? (() => performance.now());
    this.budget = opts.budget === undefined ? budgetBookFor(opts.config, opts.ledger) : undefined;
    this.deps = {
      registry: this.registry,
      now,
      wallClock: opts.wallClock ?? (() => new Date()),
      rng: opts.rng ?? createRng(Date.now()),
      sleep: opts.sleep ?? abortableSleep,
      timeoutMs: d.defaults.timeout_ms,
      deadlineMs: d.defaults.deadline_ms,
      maxRetries: d.retry.max_retries,
      backoff: { baseDelayMs: d.retry.base_delay_ms, maxDelayMs: d.retry.max_delay_ms },
      storeAnswers: d.ledger.store_prompts,
      budget: opts.budget === false ? undefined : (opts.budget ?? this.budget),
      circuit:
        opts.circuit === false || !d.circuit.enabled
          ? undefined
          : (opts.circuit ?? new CircuitBreaker({ failureThreshold: d.circuit.failure_threshold, cooldownMs: d.circuit.cooldown_ms, now })),
    };
    this.production = opts.production;
    this.production?.attach({
      registry: this.registry,
      now,
      wallClock: this.deps.wallClock,
      replan: () => this.plans.clear(),
      plan: (action) => this.plan(action),
      threshold: (action, tier) => thresholdOfTier(this.plan(action), tier),
    });
  }

  plan(action: string): ActionPlan {
    let p = this.plans.get(action);
    if (!p) {
      p = planAction(this.config, action);
      if (this.production) p = this.production.adjustPlan(p);
      this.plans.set(action, p);
    }
    return p;
  }

  route(req: RouteRequest): Promise<RouteResult> {
    return this.run(req, undefined);
  }

  private async run(req: RouteRequest, live: LiveSink | undefined): Promise<RouteResult> {
    if (req.prompt.trim() === "" && !req.history?.length) throw new UsageError({ message: "the prompt is empty", fix: "pass the text to route with --prompt" });
    const plan = req.responseFormat ? withResponseFormat(this.plan(req.action), req.responseFormat) : this.plan(req.action);
    const models = candidateModels(plan, req);
    checkRequestFits({
      plan,
      req,
      windows: this.contexts.settledFor(models) ?? (await this.windowsFor(models)),
      unusable: (m) => this.registry.unusable(m.provider),
    });
    const requestId = req.requestId ?? this.newId();
    const start = this.deps.now();
    const hit = this.cache?.get(req, { requestId, at: this.deps.wallClock() });
    if (hit) {
      await this.record(requestId, req, hit.attempts, true);
      return hit;
    }
    const attempts: Attempt[] = [];
    let outcome;
    try {
      // The id reaches the budget, which keys each reservation to the ledger row it becomes.
      outcome = await runCascade(plan, { ...req, requestId }, this.deps, attempts, live);
    } catch (err) {
      // Recorded even when the cascade throws (abort, budget refusal): spend must never go missing.
      await this.record(requestId, req, attempts);
      throw err;
    }
    await this.record(requestId, req, attempts);
    const chosen: CascadeAnswer | undefined = outcome.interrupted
      ? undefined
      : (outcome.accepted ?? outcome.streamed ?? pickBestEffort(outcome.belowThreshold));
    const verdict = outcome.accepted ? "accepted" : chosen ? "best_effort" : "failed";
    const result: RouteResult = {
      version: ROUTE_RESULT_VERSION,
      requestId,
      action: req.action,
      verdict,
      text: chosen?.text ?? "",
      tier: chosen?.attempt.tier,
      modelId: chosen?.attempt.modelId,
      provider: chosen?.attempt.provider,
      confidence: chosen?.confidence,
      threshold: plan.tiers.find((t) => t.name === chosen?.attempt.tier)?.threshold ?? plan.tiers[0]?.threshold ?? this.config.data.defaults.threshold,
      ...(chosen?.pCorrect === undefined ? {} : { pCorrect: chosen.pCorrect }),
      ...(outcome.accepted?.pCorrectThreshold === undefined ? {} : { pCorrectThreshold: outcome.accepted.pCorrectThreshold }),
      policy: plan.policy.kind,
      checks: chosen?.attempt.checks ?? [],
      attempts: outcome.attempts,
      answerAttempt: chosen?.attempt.attempt,
      usage: sumUsage(outcome.attempts),
      costUsd: outcome.attempts.reduce((s, a) => s + a.costUsd, 0),
      latencyMs: this.deps.now() - start + outcome.modelledShiftMs,
      ttftMs: chosen?.attempt.ttftMs === undefined ? undefined : chosen.offsetMs + chosen.attempt.ttftMs,
      ...(outcome.attempts.some((x) => x.latencySource === "modelled") ? { latencySource: "modelled" as const } : {}),
    };
    if (verdict === "failed") {
      const last = outcome.errors.at(-1);
      // Each distinct cause's fix (no Ollama and no API key are two things to do), in the order met.
      const fixes = [...new Set(outcome.errors.flatMap((e) => (e.fix ? [e.fix] : [])))];
      const err = new AllTiersFailedError({
        message: outcome.interrupted
          ? `the answer streaming for action "${req.action}" broke off: ${last ? `${last.name}: ${last.message}` : "unknown error"}; text already sent is not continued by another model`
          : `no tier answered action "${req.action}": ${outcome.attempts.length} attempt(s); last error: ${last ? `${last.name}: ${last.message}` : "none"}`,
        fix: fixes.length ? fixes.join("; and ") : "run `tierlab doctor` to see which providers are reachable",
        cause: last,
        result,
      });
      throw err;
    }
    this.cache?.set(req, result);
    // Shadow sampling: one RNG draw here, the rest after this request returned (production/shadow.ts).
    if (verdict === "accepted") this.production?.afterAnswer({ plan, req, result });
    return result;
  }

  /**
   * Streams the answer. On the last tier the request can reach (or a tier with threshold 0) text
   * streams live as the model writes it; any other answer is buffered until its quality check
   * passes, then released at once. The rule and its consequences are in cascade.ts. Errors are
   * thrown from the iterator, carrying `result` like `route`'s. Leaving the loop early aborts the route.
   */
  async *routeStream(req: RouteRequest): AsyncIterable<RouteEvent> {
    const events = new PushIterator<RouteEvent>();
    const stop = new AbortController();
    const forward = () => stop.abort(req.signal?.reason);
    if (req.signal?.aborted) forward();
    else req.signal?.addEventListener("abort", forward, { once: true });
    let live = false;
    let settled = false;
    const sink: LiveSink = {
      start: (from) => {
        live = true;
        events.push({ type: "answer", live: true, ...from });
      },
      text: (text) => events.push({ type: "text", text }),
    };
    this.run({ ...req, signal: stop.signal }, sink).then(
      (result) => {
        settled = true;
        if (!live) {
          events.push({ type: "answer", live: false, tier: result.tier, modelId: result.modelId, provider: result.provider });
          if (result.text) events.push({ type: "text", text: result.text });
        }
        for (const attempt of result.attempts) events.push({ type: "attempt", attempt });
        events.push({ type: "result", result });
        events.end();
      },
      (err: unknown) => {
        settled = true;
        events.fail(err);
      },
    );
    try {
      yield* events;
    } finally {
      req.signal?.removeEventListener("abort", forward);
      if (!settled) stop.abort();
    }
  }

  private async windowsFor(models: ResolvedModel[]) {
    const out = new Map<string, Awaited<ReturnType<ContextWindows["of"]>>>();
    for (const m of models) out.set(m.id, await this.contexts.of(m));
    return out;
  }

  /** Resolves once the attempts are committed: a request reported complete is in the ledger. */
  private async record(requestId: string, req: RouteRequest, attempts: Attempt[], cacheHit = false): Promise<void> {
    if (!this.ledger || attempts.length === 0) return;
    await this.ledger.write(
      attemptsToRecords({ requestId, action: req.action, tag: req.tag, attempts, prompt: this.deps.storeAnswers ? req.prompt : undefined, cacheHit }),
    );
  }

  /** The router as a Provider for one action: `model` is ignored, the action's chain decides. */
  asProvider(action: string): Provider {
    const chat = async (request: ChatRequest): Promise<ChatResult> => {
      const history = request.messages.slice(0, -1).filter((m) => m.role !== "system");
      const last = request.messages[request.messages.length - 1];
      const r = await this.route({
        action,
        prompt: last?.content ?? "",
        history,
        signal: request.signal,
        maxTokens: request.maxTokens,
        itemId: request.itemId,
      });
      const timing = r.latencySource === "modelled" ? { timing: { source: "modelled" as const, ttftMs: r.ttftMs ?? r.latencyMs, totalMs: r.latencyMs } } : {};
      return { text: r.text, finishReason: "stop", usage: r.usage, model: r.modelId ?? action, ...timing };
    };
    return {
      specificationVersion: PROVIDER_SPEC_VERSION,
      name: "tierlab",
      chat,
      async *stream(request: ChatRequest): AsyncIterable<StreamChunk> {
        const result = await chat(request);
        if (result.text) yield { type: "text", text: result.text };
        yield { type: "done", result };
      },
      async availability(): Promise<Availability> {
        return { ok: true };
      },
    };
  }

  async close(): Promise<void> {
    await this.production?.drain();
    await this.registry.closeAll();
    await this.budget?.close?.();
  }
}

function sumUsage(attempts: Attempt[]): Usage {
  const sum = (k: keyof Usage) => {
    let total: number | undefined;
    for (const a of attempts) if (a.usage[k] !== undefined) total = (total ?? 0) + a.usage[k]!;
    return total;
  };
  return { inputTokens: sum("inputTokens"), outputTokens: sum("outputTokens") };
}
