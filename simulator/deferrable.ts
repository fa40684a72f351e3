/**
 * The batch tier in the simulator. A profile's `deferrable:` says which share of an action's calls
 * come from callers that can wait; the router config's `deferrable: true` says which actions allow
 * it. Those calls run their local tiers as usual, and what the local tiers do not accept goes to
 * the first API tier through its batch API: half price (batch-price.ts), hours of latency (an
 * assumption, `assumptions.batch_latency_hours`), never retried live.
 *
 * Modelled by rewriting the inputs, not the engine: each such action splits into its live calls and
 * a `<action>~batch` twin whose chain ends at a `<tier>~batch` tier priced at the batch price. The
 * twin's decisions come from the same policy functions on a derived config that holds the twin
 * (thresholds and calibration entries copied), so there is still one copy of the rules.
 */
import { batchPrice } from "../router/batch/batch-price.js";
import type { RouterConfig } from "../router/config/load.js";
import type { ActionConfig } from "../router/config/schema.js";
import { compileInputs } from "./compile.js";
import type { ActionInput, SimInputs, TierInput } from "./inputs.js";
import type { Profile } from "./profiles.js";
import type { Prepared } from "./run.js";

export const BATCH_SUFFIX = "~batch";

export interface DeferralPlan {
  /** action → share of its calls that may wait (only actions the router config marks deferrable). */
  shares: Record<string, number>;
  latencyHours: { lo: number; hi: number };
  notes: string[];
}

export function deferralPlan(config: RouterConfig, profile: Profile, latencyHours: { lo: number; hi: number }): DeferralPlan {
  const shares: Record<string, number> = {};
  const notes: string[] = [];
  for (const [action, share] of Object.entries(profile.deferrable ?? {})) {
    if (share <= 0 || !(action in profile.action_mix)) continue;
    if (!config.data.actions[action]?.deferrable)
      notes.push(`${action}: ${Math.round(share * 100)} % of its calls could wait, but the router config does not mark it deferrable: served live`);
    else shares[action] = share;
  }
  return { shares, latencyHours, notes };
}

/** The prepared simulation with the plan's deferred calls on the batch tier. */
export function withDeferral(prepared: Prepared, plan: DeferralPlan): Prepared {
  const { inputs, config } = prepared;
  const tiers: TierInput[] = [...inputs.tiers];
  const actions: ActionInput[] = [];
  const extraActions: Record<string, ActionConfig> = {};
  const extraTiers: RouterConfig["data"]["tiers"] = {};
  for (const a of inputs.actions) {
    const share = plan.shares[a.name] ?? 0;
    const paidAt = a.cells.findIndex((c) => !inputs.tiers.find((t) => t.name === c.tier)!.local);
    if (share <= 0 || paidAt < 0) {
      actions.push(a);
      continue;
    }
    const paid = a.cells[paidAt]!;
    const batchTier = `${paid.tier}${BATCH_SUFFIX}`;
    if (!tiers.some((t) => t.name === batchTier)) {
      const live = inputs.tiers.find((t) => t.name === paid.tier)!;
      tiers.push({ ...live, name: batchTier, price: live.price ? batchPrice(live.price) : null });
      extraTiers[batchTier] = { ...config.data.tiers[paid.tier]!, latency_ms: [plan.latencyHours.lo * 3_600_000, plan.latencyHours.hi * 3_600_000] };
    }
    const twin = `${a.name}${BATCH_SUFFIX}`;
    actions.push({ ...a, share: a.share * (1 - share) });
    actions.push({
      ...a,
      name: twin,
      share: a.share * share,
      cells: [
        ...a.cells.slice(0, paidAt),
        {
          ...paid,
          tier: batchTier,
          latency: { kind: "uniform", lo: plan.latencyHours.lo * 3_600_000, hi: plan.latencyHours.hi * 3_600_000, source: "config" },
        },
      ],
    });
    const own = config.data.actions[a.name]!;
    extraActions[twin] =
      paidAt === 0 ? { ...own, tier: batchTier, escalate: [] } : { ...own, escalate: [...a.cells.slice(1, paidAt).map((c) => c.tier), batchTier] };
  }
  const derived: RouterConfig = {
    ...config,
    data: { ...config.data, tiers: { ...config.data.tiers, ...extraTiers }, actions: { ...config.data.actions, ...extraActions } },
    calibration: config.calibration && twinCalibration(config.calibration, Object.keys(extraActions)),
  };
  const deferredInputs: SimInputs = { ...inputs, tiers, actions, notes: [...inputs.notes, ...plan.notes] };
  return { ...prepared, config: derived, inputs: deferredInputs, compiled: compileInputs(deferredInputs) };
}

/** Calibration entries of each action copied to its twin, so the twin's local tiers keep their thresholds. */
function twinCalibration<C extends NonNullable<RouterConfig["calibration"]>>(cal: C, twins: string[]): C {
  const out: Record<string, unknown> = { ...cal };
  for (const [key, value] of Object.entries(cal)) {
    if (!Array.isArray(value)) continue;
    const copies = value.flatMap((e: unknown) => {
      const action = (e as { action?: unknown })?.action;
      return twins.filter((t) => t === `${String(action)}${BATCH_SUFFIX}`).map((t) => ({ ...(e as object), action: t }));
    });
    out[key] = [...value, ...copies];
  }
  return out as C;
}
