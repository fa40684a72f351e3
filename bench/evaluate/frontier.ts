/**
 * The cost–quality frontier: what each routing policy would have done on a set of labelled items, from
 * every model's recorded outcome on each item. Pure arithmetic over the items, no sampling: the same
 * items give the same points. A policy pays for every model it calls (a cascade pays for each tier it
 * passes through, consensus for both local calls). Whether a cell keeps an answer is router/policy's
 * decideCell, the rule the router runs; the oracle alone decides by the label.
 */
import { decideCell } from "../../router/policy/decide-cell.js";
import { wilsonInterval, wilsonIntervalOfRate } from "../stats/proportion.js";
import { PolicySpec, type FrontierItem, type ModelOutcome, type ModelTier, type PolicyPoint } from "./frontier-types.js";

export interface FrontierInput {
  items: readonly FrontierItem[];
  /** Every model a policy may name, with its tier (an API-tier call counts towards api_share). */
  models: readonly ModelTier[];
}

/** What a policy did on one item. */
interface ItemRun {
  correct: boolean;
  costUsd: number;
  calledApi: boolean;
  /** The final answer is a local model's. */
  keptLocal: boolean;
}

export function evaluatePolicies(input: FrontierInput, specs: readonly PolicySpec[]): PolicyPoint[] {
  return specs.map((s) => evaluatePolicy(input, s));
}

export function evaluatePolicy(input: FrontierInput, rawSpec: PolicySpec): PolicyPoint {
  const spec = PolicySpec.parse(rawSpec);
  const tiers = new Map(input.models.map((m) => [m.name, m.tier]));
  const isApi = (model: string) => {
    const tier = tiers.get(model);
    if (!tier) throw new RangeError(`policy ${nameOf(spec)}: model ${model} is not among the models given (${[...tiers.keys()].join(", ")})`);
    return tier === "api";
  };
  const modelsOf = policyModels(spec);
  modelsOf.forEach(isApi);
  if (spec.kind === "random") return randomPoint(input, spec, isApi);
  if (spec.kind === "cascade" && spec.thresholds.length !== spec.models.length - 1) {
    throw new RangeError(
      `policy ${nameOf(spec)}: a cascade of ${spec.models.length} models needs ${spec.models.length - 1} thresholds, got ${spec.thresholds.length}`,
    );
  }
  const runs = input.items.map((item) => runItem({ spec, item, isApi }));
  const n = runs.length;
  const correct = runs.filter((r) => r.correct).length;
  const kept = runs.filter((r) => r.keptLocal);
  const keptWrong = kept.filter((r) => !r.correct).length;
  return {
    name: nameOf(spec),
    kind: spec.kind,
    models: modelsOf,
    thresholds: spec.kind === "cascade" ? spec.thresholds : spec.kind === "consensus" && spec.threshold !== null ? [spec.threshold] : null,
    n,
    accuracy: n === 0 ? 0 : correct / n,
    accuracy_ci95: wilsonInterval(correct, n),
    api_share: n === 0 ? 0 : runs.filter((r) => r.calledApi).length / n,
    cost_per_1k_usd: n === 0 ? 0 : (1000 * runs.reduce((s, r) => s + r.costUsd, 0)) / n,
    kept: kept.length,
    kept_error: spec.kind === "single" || kept.length === 0 ? null : keptWrong / kept.length,
    alpha: "alpha" in spec ? (spec.alpha ?? null) : null,
    delta: "delta" in spec ? (spec.delta ?? null) : null,
  };
}

function runItem(args: { spec: Exclude<PolicySpec, { kind: "random" }>; item: FrontierItem; isApi: (m: string) => boolean }): ItemRun {
  const { spec, item, isApi } = args;
  const get = (model: string): ModelOutcome => {
    const o = item.outcomes[model];
    if (!o) throw new RangeError(`item ${item.id}: no outcome for model ${model}, which policy ${nameOf(spec)} calls`);
    return o;
  };
  let costUsd = 0;
  let calledApi = false;
  const call = (model: string) => {
    const o = get(model);
    costUsd += o.costUsd;
    calledApi ||= isApi(model);
    return o;
  };
  const finish = (model: string, o: ModelOutcome): ItemRun => ({ correct: o.correct, costUsd, calledApi, keptLocal: !isApi(model) });

  switch (spec.kind) {
    case "single":
      return finish(spec.model, call(spec.model));
    case "cascade":
    case "oracle": {
      const last = spec.models.length - 1;
      for (let i = 0; i < last; i++) {
        const model = spec.models[i]!;
        const o = call(model);
        // An unscored answer cannot clear a threshold: decideCell escalates it.
        const keep = spec.kind === "oracle" ? o.correct : decideCell({ basis: "p_correct", threshold: spec.thresholds[i]!, pCorrect: o.score }) === "accept";
        if (keep) return finish(model, o);
      }
      return finish(spec.models[last]!, call(spec.models[last]!));
    }
    case "consensus": {
      const [a, b] = spec.models;
      const first = call(a);
      const second = call(b);
      const agree = first.answer != null && first.answer === second.answer;
      // No threshold: agreement alone decides, i.e. any P(correct) clears a threshold of 0.
      const score = spec.threshold === null ? 1 : get(spec.scoreFrom ?? a).score;
      if (decideCell({ basis: "p_correct", threshold: spec.threshold ?? 0, pCorrect: score, agree }) === "accept") return finish(a, first);
      return finish(spec.fallback, call(spec.fallback));
    }
  }
}

/** Random routing as an exact expectation: each item's outcome weighted by the share it goes each way. */
function randomPoint(input: FrontierInput, spec: Extract<PolicySpec, { kind: "random" }>, isApi: (m: string) => boolean): PolicyPoint {
  const { local, api, apiShare: s } = spec;
  if (isApi(local) || !isApi(api)) throw new RangeError(`policy ${nameOf(spec)}: random routing needs a local-tier \`local\` and an API-tier \`api\``);
  const n = input.items.length;
  let localRight = 0;
  let apiRight = 0;
  let cost = 0;
  for (const item of input.items) {
    const l = item.outcomes[local];
    const a = item.outcomes[api];
    if (!l || !a) throw new RangeError(`item ${item.id}: no outcome for model ${!l ? local : api}, which policy ${nameOf(spec)} calls`);
    if (l.correct) localRight++;
    if (a.correct) apiRight++;
    cost += (1 - s) * l.costUsd + s * a.costUsd;
  }
  const localAccuracy = n === 0 ? 0 : localRight / n;
  const accuracy = n === 0 ? 0 : ((1 - s) * localRight + s * apiRight) / n;
  // Which way a request goes is independent of it, so the kept answers are the local model at large.
  const kept = (1 - s) * n;
  return {
    name: nameOf(spec),
    kind: "random",
    models: [local, api],
    thresholds: null,
    n,
    accuracy,
    accuracy_ci95: wilsonIntervalOfRate(accuracy, n),
    api_share: s,
    cost_per_1k_usd: n === 0 ? 0 : (1000 * cost) / n,
    kept,
    kept_error: kept === 0 ? null : 1 - localAccuracy,
    alpha: null,
    delta: null,
  };
}

function policyModels(spec: PolicySpec): string[] {
  switch (spec.kind) {
    case "single":
      return [spec.model];
    case "cascade":
    case "oracle":
      return [...spec.models];
    case "consensus":
      return [...spec.models, spec.fallback];
    case "random":
      return [spec.local, spec.api];
  }
}

const pct = (x: number) => `${Number((x * 100).toFixed(1))}%`;

/** The spec's name, or one that says what the policy is. */
export function nameOf(spec: PolicySpec): string {
  if (spec.name) return spec.name;
  switch (spec.kind) {
    case "single":
      return spec.model;
    case "cascade":
      return `cascade ${spec.models.join(" → ")} @ ${spec.thresholds.join(", ")}`;
    case "consensus":
      return `consensus ${spec.models.join(" + ")} → ${spec.fallback}${spec.threshold === null ? "" : ` @ ${spec.threshold}`}`;
    case "oracle":
      return `oracle ${spec.models.join(" → ")}`;
    case "random":
      return `random ${spec.local} / ${spec.api} @ ${pct(spec.apiShare)} API`;
  }
}
