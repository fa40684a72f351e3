/**
 * Combines an action's checks into one confidence: the weighted mean of check scores, capped by
 * every gate check's score (a wrong format cannot be outvoted by fluent prose). The per-check
 * breakdown is kept for the ledger and for calibration.
 */
import type { CheckConfig } from "../config/schema.js";
import type { CheckInput, CheckResult, QualityCheck, QualityVerdict } from "../contracts/quality.js";
import { getCheck } from "./registry.js";

export interface PreparedCheck {
  check: QualityCheck;
  params: Record<string, unknown>;
  weight: number;
  gate: boolean;
}

/** Used when an action lists no checks: the seed's three families at their most generic. */
export const DEFAULT_CHECKS: CheckConfig[] = [{ id: "non_empty" }, { id: "finish_reason" }, { id: "repetition" }, { id: "refusal" }];

export function prepareChecks(configs: CheckConfig[]): PreparedCheck[] {
  return (configs.length ? configs : DEFAULT_CHECKS).map((c) => {
    const check = getCheck(c.id);
    const { id: _id, weight, gate, ...params } = c;
    return { check, params, weight: weight ?? 1, gate: gate ?? check.category === "format" };
  });
}

export function scoreAnswer(prepared: PreparedCheck[], input: CheckInput, threshold: number): QualityVerdict {
  const checks: CheckResult[] = new Array(prepared.length);
  let sum = 0;
  let weights = 0;
  let cap = 1;
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i]!;
    const r = p.check.run(input, p.params);
    checks[i] = r;
    sum += r.score * p.weight;
    weights += p.weight;
    if (p.gate && r.score < cap) cap = r.score;
  }
  const mean = weights > 0 ? sum / weights : 1;
  const confidence = Math.min(mean, cap);
  return { confidence, threshold, pass: confidence >= threshold, checks };
}
