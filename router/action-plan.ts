/**
 * Everything about an action that does not change between requests, computed once: the tier
 * chain and thresholds, the cells the route walks and their rules (policy/route-cells.ts, with the
 * scorers compiled), prepared checks, prompt template, output format.
 */
import type { RouterConfig, ResolvedModel } from "./config/load.js";
import { allModels, modelsOfTier } from "./config/load.js";
import type { ActionConfig } from "./config/schema.js";
import type { ChatMessage, ResponseFormat } from "./contracts/provider.js";
import { UsageError } from "../core/errors.js";
import type { AnswerKind } from "./answers/kinds.js";
import { thresholdFor, tierChain } from "./policy/escalation.js";
import { routePolicy, type RoutePolicy } from "./policy/route-cells.js";
import { prepareChecks, type PreparedCheck } from "./quality/score.js";

export interface TierPlan {
  name: string;
  local: boolean;
  threshold: number;
  models: ResolvedModel[];
}

export interface ActionPlan {
  name: string;
  action: ActionConfig;
  tiers: TierPlan[];
  /** The policy the route runs: its cells, each with its accept rule. */
  policy: RoutePolicy;
  /** How answers are read for agreement and the signals (`text` when the action does not say). */
  answerKind: AnswerKind;
  /** The action's verifier model (policy.wantsVerifier says whether any cell reads it). */
  verifierModel: ResolvedModel | undefined;
  checks: PreparedCheck[];
  responseFormat: ResponseFormat;
  maxTokens: number;
  messages(prompt: string, history?: ChatMessage[]): ChatMessage[];
}

export function planAction(config: RouterConfig, name: string): ActionPlan {
  const action = config.data.actions[name];
  if (!action) {
    throw new UsageError({
      message: `unknown action "${name}"`,
      fix: `use one of: ${Object.keys(config.data.actions).join(", ")} (defined in ${config.file})`,
    });
  }
  const tiers = tierChain(config, name).map((t) => ({
    name: t,
    local: config.data.tiers[t]!.local,
    threshold: thresholdFor(config, name, t).threshold,
    models: modelsOfTier(config, t),
  }));
  const template = action.template ?? "{input}";
  return {
    name,
    action,
    tiers,
    policy: routePolicy(config, name),
    answerKind: action.answer ?? "text",
    verifierModel: action.verifier ? allModels(config).find((m) => m.id === action.verifier!.model) : undefined,
    checks: prepareChecks(action.checks),
    responseFormat: action.output === "json" ? { type: "json", schema: action.schema } : { type: "text" },
    maxTokens: action.max_tokens ?? config.data.defaults.max_tokens,
    messages(prompt, history = []) {
      const out: ChatMessage[] = [];
      if (action.system) out.push({ role: "system", content: action.system });
      out.push(...history, { role: "user", content: template.split("{input}").join(prompt) });
      return out;
    },
  };
}

/**
 * The plan with a caller's output format in place of the action's: JSON output with the caller's
 * schema, which reaches the backend's structured output (grammar, Ollama `format`, the APIs'
 * response format) and the checks. A json_schema gate is added when the action has none, because
 * a caller that asked for a schema cannot use an answer that misses it.
 */
export function withResponseFormat(plan: ActionPlan, format: ResponseFormat): ActionPlan {
  if (format.type !== "json") return plan;
  const hasSchemaCheck = plan.checks.some((c) => c.check.id === "json_schema");
  return {
    ...plan,
    action: { ...plan.action, output: "json", schema: format.schema },
    responseFormat: format,
    checks: hasSchemaCheck ? plan.checks : [...plan.checks, ...prepareChecks([{ id: "json_schema", gate: true }])],
  };
}

/** The threshold that decides whether a tier's answer is kept: its cell's accept rule, else the tier's self-check threshold. */
export function thresholdOfTier(plan: ActionPlan, tier: string): number | undefined {
  for (const c of plan.policy.cells) if (c.tier === tier && c.rule.basis !== "final") return c.rule.threshold;
  return plan.tiers.find((t) => t.name === tier)?.threshold;
}
