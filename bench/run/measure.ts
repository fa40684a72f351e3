/**
 * One dataset item on one model, measured client side: TTFT, end-to-end, TPOT, inter-token gaps,
 * throughput, plus the router's quality score (the same checks and threshold the router uses) and
 * the dataset grader's verdict. The router's own attempt runner does the call, so bench measures
 * exactly the code path production takes.
 */
import type { ActionPlan, TierPlan } from "../../router/action-plan.js";
import { runAttempt } from "../../router/attempt.js";
import type { ResolvedModel } from "../../router/config/load.js";
import type { ProviderRegistry } from "../../router/providers/registry.js";
import { answerSignals } from "../../router/confidence/answer-signals.js";
import { scoreAnswer } from "../../router/quality/score.js";
import { pYes, verifierRequest } from "../../router/confidence/verifier.js";
import { tokenCostUsd } from "../../router/config/prices.js";
import { BENCH_RECORD_VERSION, type BenchRecord, type VerifierCall } from "../contracts/bench-record.js";
import type { DatasetItem } from "../dataset/schema.js";
import { gradeForRecord } from "../graders/contract.js";
import { grade } from "../graders/registry.js";
import { interTokenLatencies, tpotMs } from "../stats/latency.js";

export interface MeasureArgs {
  runId: string;
  dataset: string;
  item: DatasetItem;
  plan: ActionPlan;
  tier: TierPlan;
  model: ResolvedModel;
  registry: ProviderRegistry;
  timeoutMs: number;
  warmup: boolean;
  storeAnswers: boolean;
  signal: AbortSignal;
  now?: () => number;
  wallClock?: () => Date;
}

export async function measureItem(a: MeasureArgs): Promise<BenchRecord> {
  const now = a.now ?? (() => performance.now());
  const provider = a.registry.get(a.model.provider);
  const startedAt = (a.wallClock ?? (() => new Date()))().toISOString();
  const run = await runAttempt({
    provider,
    request: {
      model: a.registry.modelName(a.model.provider, a.model.model),
      messages: a.plan.messages(a.item.input),
      maxTokens: a.plan.maxTokens,
      temperature: a.plan.action.temperature,
      responseFormat: a.plan.responseFormat,
      itemId: a.item.id,
      // Always asked on the bench, so calibration can learn whether they help; backends without them ignore it.
      logprobs: {},
    },
    timeoutMs: a.timeoutMs,
    deadlineAt: now() + a.timeoutMs,
    signal: a.signal,
    now,
    recordChunks: true,
  });
  const t = run.timing;
  const base = {
    version: BENCH_RECORD_VERSION,
    run_id: a.runId,
    item_id: a.item.id,
    dataset: a.dataset,
    action: a.item.action,
    tier: a.tier.name,
    model_id: a.model.id,
    provider: provider.name,
    started_at: startedAt,
    warmup: a.warmup,
    ttft_ms: t.ttftMs ?? null,
    e2e_ms: t.latencyMs,
    latency_source: t.source,
    itl_ms: interTokenLatencies(t.chunkTimesMs),
    threshold: a.tier.threshold,
    cascade: null,
  };
  if (!run.ok) {
    return {
      ...base,
      tpot_ms: null,
      output_tokens_per_s: null,
      input_tokens: null,
      output_tokens: null,
      token_counter: null,
      server_ns: null,
      confidence: null,
      checks: null,
      quality_pass: null,
      grade: null,
      answer: null,
      reading: null,
      signals: null,
      verifier: null,
      error: { class: run.error.name, message: run.error.message },
    };
  }
  const r = run.result;
  const out = r.usage.outputTokens;
  const verdict = scoreAnswer(
    a.plan.checks,
    { text: r.text, finishReason: r.finishReason, action: a.plan.name, prompt: a.item.input, schema: a.plan.action.schema },
    a.tier.threshold,
  );
  const verifier = await verify(a, r.text, now);
  const signals = answerSignals({
    text: r.text,
    kind: a.plan.action.answer ?? "text",
    checks: verdict.checks,
    logprobs: r.logprobs,
    verifier: verifier?.p_yes ?? undefined,
  });
  const g = await grade(r.text, a.item, { signal: a.signal });
  const st = r.serverTimings;
  return {
    ...base,
    tpot_ms: out !== undefined && t.ttftMs !== undefined ? (tpotMs(t.latencyMs, t.ttftMs, out) ?? null) : null,
    output_tokens_per_s: out !== undefined && t.latencyMs > 0 ? out / (t.latencyMs / 1000) : null,
    input_tokens: r.usage.inputTokens ?? null,
    output_tokens: out ?? null,
    token_counter: r.usageCountedBy ? { tokenizer: r.usageCountedBy.tokenizer, stand_in: r.usageCountedBy.standIn ?? null } : null,
    server_ns: st ? { total: st.totalNs ?? null, load: st.loadNs ?? null, prompt_eval: st.promptEvalNs ?? null, eval: st.evalNs ?? null } : null,
    confidence: verdict.confidence,
    checks: verdict.checks,
    quality_pass: verdict.pass,
    grade: gradeForRecord(g),
    error: null,
    answer: a.storeAnswers ? r.text : null,
    reading: signals.reading,
    signals: Object.fromEntries(Object.entries(signals.own).map(([k, v]) => [k, v ?? null])),
    verifier,
  };
}

/**
 * The action's verifier on a local answer (a live bench measures it so calibration can learn whether
 * it helps): one call, with its cost and latency, like any attempt. Null when the action has none.
 */
async function verify(a: MeasureArgs, answer: string, now: () => number): Promise<VerifierCall | null> {
  const v = a.plan.action.verifier;
  const model = a.plan.verifierModel;
  if (!v || !model || !a.model.local) return null;
  const provider = a.registry.get(model.provider);
  const run = await runAttempt({
    provider,
    request: {
      ...verifierRequest({ question: a.item.input, answer, template: v.template, maxTokens: v.max_tokens }),
      model: a.registry.modelName(model.provider, model.model),
    },
    timeoutMs: a.timeoutMs,
    deadlineAt: now() + a.timeoutMs,
    signal: a.signal,
    now,
  });
  const usage = run.ok ? run.result.usage : {};
  return {
    model_id: model.id,
    p_yes: run.ok ? (pYes(run.result) ?? null) : null,
    cost_usd: !model.local && model.pricing && run.ok ? tokenCostUsd(model.pricing, usage) : 0,
    latency_ms: run.timing.latencyMs,
    latency_source: run.timing.source,
    input_tokens: usage.inputTokens ?? null,
    output_tokens: usage.outputTokens ?? null,
    error: run.ok ? null : `${run.error.name}: ${run.error.message}`,
  };
}
