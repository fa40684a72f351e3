/**
 * Which cells each simulated action walks, and by which rule each cell keeps an answer. An action with a
 * recommended policy in a version 2 calibration walks that policy's cells (a tier, or the consensus pair
 * that calls two local models at once; none but the API under `api_first`), keeping an answer when its
 * P(correct) (or, without a scorer, its self-check confidence) clears the cell's threshold; the last
 * cell always answers. Any other action walks the config's chain (tierChain) with thresholdFor on the
 * self-check confidence, as the router does without a calibrated policy.
 */
import type { PolicyCell, PolicyEntry } from "../router/config/calibration.js";
import type { RouterConfig } from "../router/config/load.js";
import { ConfigError } from "../router/errors.js";
import { thresholdFor, tierChain, type ThresholdChoice } from "../router/policy/escalation.js";

export type CellBasis = PolicyCell["basis"];

export interface PlannedCell {
  /** A tier name, or "consensus". */
  cell: string;
  tier: string;
  /** Model calls the cell makes when reached (consensus: 2, in parallel). */
  calls: number;
  basis: CellBasis;
  /** Threshold on the cell's score; null on the last cell of a calibrated policy, which keeps every answer. */
  threshold: ThresholdChoice | null;
  /** The calibration's counts for this cell; null on a config chain. */
  counts: PolicyCell | null;
}

export interface PlannedAction {
  action: string;
  /** The calibrated policy walked, or null for the config's chain. */
  policy: PolicyEntry | null;
  cells: PlannedCell[];
}

export function planActions(config: RouterConfig, actions: readonly string[]): PlannedAction[] {
  const policies = config.calibration?.policies ?? [];
  return actions.map((action) => {
    const recommended = policies.map((p, i) => ({ p, i })).filter(({ p }) => p.action === action && p.recommended);
    if (recommended.length > 1) {
      throw new ConfigError({ file: config.calibrationFile, field: `policies[${recommended[1]!.i}].recommended`, message: `action ${action} has ${recommended.length} recommended policies; exactly one is walked`, fix: "re-run bench calibrate, or set recommended: false on all but one" });
    }
    const chosen = recommended[0];
    if (!chosen) return { action, policy: null, cells: configChain(config, action) };
    return { action, policy: chosen.p, cells: chosen.p.cells.map((c, j) => policyCell({ config, entry: chosen.p, index: chosen.i, cell: c, position: j })) };
  });
}

/** The config's chain: every tier of tierChain, kept on self-check confidence ≥ thresholdFor. */
function configChain(config: RouterConfig, action: string): PlannedCell[] {
  return tierChain(config, action).map((tier) => ({ cell: tier, tier, calls: 1, basis: "self_check", threshold: thresholdFor(config, action, tier), counts: null }));
}

function policyCell(args: { config: RouterConfig; entry: PolicyEntry; index: number; cell: PolicyCell; position: number }): PlannedCell {
  const { config, entry, cell, position } = args;
  const field = `policies[${args.index}].cells[${position}]`;
  const fail = (what: string, message: string, fix: string) => new ConfigError({ file: config.calibrationFile, field: `${field}.${what}`, message: `${entry.action} (${entry.kind}): ${message}`, fix });
  const tier = config.data.tiers[cell.tier];
  if (!tier) throw fail("tier", `unknown tier "${cell.tier}"; the router config defines ${Object.keys(config.data.tiers).join(", ")}`, "calibrate against this router config, or pass the config the calibration was made for");
  if (tier.local !== cell.local) throw fail("local", `the cell says local: ${cell.local} but tier ${cell.tier} is ${tier.local ? "local" : "paid"} in the router config`, "calibrate against this router config");
  if (!tier.local && cell.calls > 1) throw fail("calls", `a paid cell making ${cell.calls} calls is not simulated (only local pairs are)`, "use one API call per cell");
  const last = position === entry.cells.length - 1;
  if (last !== (cell.basis === "final") || last !== (cell.threshold === null)) {
    throw fail("basis", last ? "the last cell must have basis final and threshold null: it answers whatever its score" : "only the last cell may have basis final; every other cell needs a threshold", "re-run bench calibrate");
  }
  return {
    cell: cell.cell, tier: cell.tier, calls: cell.calls, basis: cell.basis,
    threshold: cell.threshold === null ? null : { threshold: cell.threshold, source: "calibration" },
    counts: cell,
  };
}
