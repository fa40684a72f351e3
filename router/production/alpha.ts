/**
 * The action's target error rate α among kept answers: `alpha` in the action table where the config
 * has one (the action table gains per-action `alpha`/`delta`), else 0.05, the calibration default.
 * The one place the drift alarm and the tightening read it from.
 */
import type { RouterConfig } from "../config/load.js";

export const DEFAULT_ALPHA = 0.05;

export function alphaFor(config: RouterConfig, action: string): number {
  const a = config.data.actions[action] as { alpha?: unknown } | undefined;
  return typeof a?.alpha === "number" && a.alpha > 0 && a.alpha < 1 ? a.alpha : DEFAULT_ALPHA;
}
