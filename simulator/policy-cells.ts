/**
 * Which cells each simulated action walks, and by which rule each cell keeps an answer: exactly the
 * cells the router walks (router/policy/route-cells.ts `routePolicy`: the action's named policy, else the
 * calibration's recommended one, else the config's chain on the self-check), with the calibration's
 * counts for each cell where the policy comes from a calibration file. A cell keeps an answer when its
 * P(correct) (or, without a scorer, its self-check confidence) clears the cell's threshold; the last cell
 * of a calibrated policy always answers.
 */
import type { PolicyCell, PolicyEntry } from "../router/config/calibration.js";
import type { RouterConfig } from "../router/config/load.js";
import { ConfigError } from "../core/errors.js";
import { thresholdFor, type ThresholdChoice } from "../router/policy/escalation.js";
import { routePolicy } from "../router/policy/route-cells.js";

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
      throw new ConfigError({
        file: config.calibrationFile,
        field: `policies[${recommended[1]!.i}].recommended`,
        message: `action ${action} has ${recommended.length} recommended policies; exactly one is walked`,
        fix: "re-run bench calibrate, or set recommended: false on all but one",
      });
    }
    const route = routePolicy(config, action);
    const entry = route.entry;
    const index = entry ? policies.indexOf(entry) : -1;
    return {
      action,
      policy: entry ?? null,
      cells: route.cells.map((c, j): PlannedCell => {
        const counts = entry?.cells[j];
        if (entry && counts) checkCell({ config, entry, index, cell: counts, position: j });
        const basis = c.rule.basis;
        const threshold: ThresholdChoice | null =
          c.rule.basis === "final"
            ? null
            : entry
              ? { threshold: c.rule.threshold, source: "calibration" }
              : { threshold: c.rule.threshold, source: thresholdFor(config, action, c.tier).source };
        return { cell: c.cell, tier: c.tier, calls: c.calls, basis, threshold, counts: counts ?? null };
      }),
    };
  });
}

/** What the router accepts but the simulator cannot model, or a file that no longer matches the config. */
function checkCell(args: { config: RouterConfig; entry: PolicyEntry; index: number; cell: PolicyCell; position: number }): void {
  const { config, entry, cell, position } = args;
  const field = `policies[${args.index}].cells[${position}]`;
  const fail = (what: string, message: string, fix: string) =>
    new ConfigError({ file: config.calibrationFile, field: `${field}.${what}`, message: `${entry.action} (${entry.kind}): ${message}`, fix });
  const tier = config.data.tiers[cell.tier]!;
  if (tier.local !== cell.local)
    throw fail(
      "local",
      `the cell says local: ${cell.local} but tier ${cell.tier} is ${tier.local ? "local" : "paid"} in the router config`,
      "calibrate against this router config",
    );
  if (!tier.local && cell.calls > 1)
    throw fail("calls", `a paid cell making ${cell.calls} calls is not simulated (only local pairs are)`, "use one API call per cell");
  const last = position === entry.cells.length - 1;
  if (last !== (cell.basis === "final") || last !== (cell.threshold === null)) {
    throw fail(
      "basis",
      last
        ? "the last cell must have basis final and threshold null: it answers whatever its score"
        : "only the last cell may have basis final; every other cell needs a threshold",
      "re-run bench calibrate",
    );
  }
}
