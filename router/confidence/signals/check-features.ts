/**
 * The action's format checks as features: `check_<id>` = that check's score (0–1). A check listed
 * twice keeps its lowest score, as a gate would.
 */
import type { CheckResult } from "../../contracts/quality.js";

export const CHECK_FEATURE_PREFIX = "check_";

export const checkFeatureName = (checkId: string) => `${CHECK_FEATURE_PREFIX}${checkId}`;

export function checkFeatureValues(checks: readonly CheckResult[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  addCheckFeatures(out, checks);
  return out;
}

// Feature names by check id, built once per id: the hot path must not concatenate strings per answer.
const NAMES = new Map<string, string>();

/** Adds `check_<id>` of each check to `out` (in place, for the hot path). */
export function addCheckFeatures(out: Record<string, number | undefined>, checks: readonly CheckResult[] | undefined): void {
  if (!checks) return;
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i]!;
    let name = NAMES.get(c.id);
    if (name === undefined) NAMES.set(c.id, (name = checkFeatureName(c.id)));
    const prev = out[name];
    out[name] = prev === undefined ? c.score : Math.min(prev, c.score);
  }
}
