/**
 * The drift alarm in `tierlab doctor`: kept-answer error per action and tier from the ledger's shadow
 * checks and feedback (labels since each tier's last threshold change), with its interval against α.
 */
import type { RouterConfig } from "../config/load.js";
import type { LedgerStore } from "../ledger/contract.js";
import { alphaFor } from "../production/alpha.js";
import { estimatesFrom, labelsFrom, type DriftEstimate } from "../production/drift.js";
import { labelsSinceChanges } from "../production/production.js";
import { productionStoreFor } from "../production/store.js";
import type { DoctorFinding } from "./contract.js";

export async function driftEstimatesOf(config: RouterConfig, ledger: LedgerStore): Promise<DriftEstimate[]> {
  const store = productionStoreFor(ledger);
  if (!store) return [];
  const [shadow, feedback, changes] = await Promise.all([store.select("shadow_checks"), store.select("feedback"), store.select("threshold_changes")]);
  const d = config.data.drift;
  return estimatesFrom(labelsSinceChanges(labelsFrom(shadow, feedback), changes), {
    window: d.window,
    minSamples: d.min_samples,
    confidence: d.confidence,
    alphaFor: (a) => alphaFor(config, a),
  });
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function driftFindings(config: RouterConfig, estimates: readonly DriftEstimate[]): DoctorFinding[] {
  if (estimates.length === 0)
    return [
      {
        id: "drift",
        status: "ok",
        message:
          "no shadow checks or feedback in the ledger yet: kept-answer error is not estimated (shadow.rate samples accepted local answers under `tierlab serve`)",
      },
    ];
  return estimates.map((e): DoctorFinding => {
    const id = `drift.${e.action}.${e.tier}`;
    const what = `kept-answer error ${e.error === null ? "n/a" : pct(e.error)} (${e.wrong} wrong of ${e.n} labels: ${e.shadow} shadow, ${e.feedback} feedback), ${Math.round(config.data.drift.confidence * 100)} % interval [${pct(e.interval.lower)}, ${pct(e.interval.upper)}], α ${pct(e.alpha)}`;
    if (e.n < config.data.drift.min_samples) return { id, status: "ok", message: `${what}: fewer than ${config.data.drift.min_samples} labels, not judged` };
    if (!e.alarm) return { id, status: "ok", message: what };
    return {
      id,
      status: "warn",
      message: `${what}: DRIFT — the whole interval lies above α; ${e.tier} keeps more wrong answers of ${e.action} than the threshold was set for`,
      fix: `recalibrate from production labels (\`tierlab bench calibrate --from-ledger\`), raise actions.${e.action}.threshold, or set drift.tighten.enabled: true to raise it automatically within bounds`,
    };
  });
}
