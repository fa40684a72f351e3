/**
 * A run's records as the offline walk needs them: per action, per item, every model's recorded answer
 * (right or wrong by the grader, what the call cost, the router's reading of it, its own signals and
 * its self-check confidence), joined on item id. Items where a needed model has no usable answer
 * (error, ungraded, missing) are left out and counted, never guessed.
 */
import { allModels, modelsOfTier, type ResolvedModel, type RouterConfig } from "../../router/config/load.js";
import { localUsdPerSecond, tokenCostUsd } from "../../router/config/prices.js";
import type { Evidence } from "../../router/config/calibration.js";
import type { FeatureValues } from "../../router/confidence/scorer-model.js";
import { tierChain } from "../../router/policy/escalation.js";
import type { RecordedAnswer } from "../../router/policy/walk.js";
import type { BenchRecord } from "../contracts/bench-record.js";

export interface EvidenceItem {
  id: string;
  answers: Record<string, RecordedAnswer>;
}

export interface ActionEvidence {
  action: string;
  /** Items with a usable answer from every model of `models`, in first-seen order. */
  items: EvidenceItem[];
  /** The chain's models that have records, by id. */
  models: Map<string, ResolvedModel>;
  /** Items dropped for want of a usable answer from some model, with the first reason seen. */
  dropped: { items: number; example: string | null };
  evidence: Evidence;
  /** Every usable record carries the router's reading and signals (bench run since issue 12). */
  hasSignals: boolean;
}

/** What one recorded answer cost: API tokens at the price table's prices, local busy time at the config's amortised rate, and its verifier call. */
export function recordCostUsd(r: BenchRecord, model: ResolvedModel, config: RouterConfig): number {
  const perMs = localUsdPerSecond(config.data.local_cost) / 1000;
  const own = model.local
    ? perMs * r.e2e_ms
    : model.pricing
      ? tokenCostUsd(model.pricing, { inputTokens: r.input_tokens ?? undefined, outputTokens: r.output_tokens ?? undefined })
      : 0;
  // The verifier is paid on every answer it judges: its tokens if it is an API model, its busy time if local.
  const v = r.verifier;
  const verifierLocal = v !== null && allModels(config).find((m) => m.id === v.model_id)?.local === true;
  return own + (v ? v.cost_usd + (verifierLocal ? perMs * v.latency_ms : 0) : 0);
}

export function recordedAnswer(r: BenchRecord, model: ResolvedModel, config: RouterConfig): RecordedAnswer {
  const own: Record<string, number | null> = { ...(r.signals ?? {}) };
  return {
    correct: r.grade!.pass,
    costUsd: recordCostUsd(r, model, config),
    api: !model.local,
    reading: r.reading ?? { status: r.grade?.unparseable ? "unparseable" : "clean", canonical: r.grade?.extracted ?? null },
    own: own as FeatureValues,
    confidence: r.confidence,
  };
}

/** Per action of the records, the items every chain model with records answered usably. */
export function collectEvidence(records: readonly BenchRecord[], config: RouterConfig): ActionEvidence[] {
  const byAction = new Map<string, BenchRecord[]>();
  for (const r of records) {
    if (r.warmup || r.model_id === "cascade") continue;
    const list = byAction.get(r.action);
    if (list) list.push(r);
    else byAction.set(r.action, [r]);
  }
  const out: ActionEvidence[] = [];
  for (const [action, rows] of [...byAction.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!config.data.actions[action]) continue;
    const chainModels = tierChain(config, action).flatMap((t) => modelsOfTier(config, t));
    const present = new Set(rows.map((r) => r.model_id));
    const models = new Map(chainModels.filter((m) => present.has(m.id)).map((m) => [m.id, m]));
    const byItem = new Map<string, Map<string, BenchRecord>>();
    for (const r of rows) {
      if (!models.has(r.model_id)) continue;
      const m = byItem.get(r.item_id) ?? byItem.set(r.item_id, new Map()).get(r.item_id)!;
      if (!m.has(r.model_id)) m.set(r.model_id, r);
    }
    const items: EvidenceItem[] = [];
    let dropped = 0;
    let example: string | null = null;
    let hasSignals = true;
    for (const [id, recs] of byItem) {
      const why = [...models.keys()].map((m) => unusable(recs.get(m), m)).find((w) => w !== undefined);
      if (why) {
        dropped++;
        example ??= `${id}: ${why}`;
        continue;
      }
      const answers: Record<string, RecordedAnswer> = {};
      for (const [m, model] of models) {
        const r = recs.get(m)!;
        if (r.reading === null || r.signals === null) hasSignals = false;
        answers[m] = recordedAnswer(r, model, config);
      }
      items.push({ id, answers });
    }
    const replayed = rows.some((r) => r.latency_source === "modelled" || r.provider === "replay");
    out.push({
      action,
      items,
      models,
      dropped: { items: dropped, example },
      evidence: replayed ? "replayed" : "measured",
      hasSignals: hasSignals && items.length > 0,
    });
  }
  return out;
}

function unusable(r: BenchRecord | undefined, model: string): string | undefined {
  if (!r) return `no record of ${model}`;
  if (r.error) return `${model} failed (${r.error.class})`;
  if (!r.grade) return `${model}'s answer is ungraded`;
  return undefined;
}
