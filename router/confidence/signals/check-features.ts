/**
 * The action's format checks as features: `check_<id>` = that check's score (0–1). A check listed
 * twice keeps its lowest score, as a gate would.
 */
import type { CheckResult } from "../../contracts/quality.js";

export const CHECK_FEATURE_PREFIX = "check_";

export const checkFeatureName = (checkId: string) => `${CHECK_FEATURE_PREFIX}${checkId}`;

export function checkFeatureValues(checks: readonly CheckResult[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!checks) return out;
  for (const c of checks) {
    const name = checkFeatureName(c.id);
    const prev = out[name];
    out[name] = prev === undefined ? c.score : Math.min(prev, c.score);
  }
  return out;
}
