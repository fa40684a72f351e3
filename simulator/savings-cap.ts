/**
 * The most a usage profile's action mix lets the hybrid save. With free local calls, an action whose
 * chain starts on a paid tier (orchestration, as the seed prescribes) costs the same in both routings,
 * so savings can never exceed 1 − (that action's share of the pure-API spend). Expected costs per call
 * come from the profile's token assumptions (lognormal means) and the baseline model's prices, as the
 * simulator uses them; the cap is arithmetic, not a simulation, so a reader can redo it.
 */
import type { ModelPrice } from "../router/config/prices.js";
import type { LogNormalSpec } from "./profiles.js";

export interface SavingsCap {
  profile: string;
  /** 1 − the paid-first actions' share of the pure-API cost. */
  cap: number;
  /** Actions that start on a paid tier, with their share of calls and of the pure-API cost. */
  paidFirst: { action: string; callShare: number; costShare: number }[];
}

const mean = (s: LogNormalSpec) => s.median * Math.exp((s.log_sd * s.log_sd) / 2);

export function savingsCap(args: {
  profile: string;
  mix: Record<string, number>;
  tokens: Record<string, { input: LogNormalSpec; output: LogNormalSpec }>;
  /** Baseline (pure-API) model price. */
  price: ModelPrice;
  /** Actions whose first tier is not local. */
  paidFirst: readonly string[];
  /** Multiplies the paid-first actions' call shares (others rescaled to keep the sum 1): the mix sensitivity. */
  paidShareScale?: number;
}): SavingsCap {
  const scale = args.paidShareScale ?? 1;
  const paidTotal = Object.entries(args.mix)
    .filter(([a]) => args.paidFirst.includes(a))
    .reduce((s, [, x]) => s + x, 0);
  const newPaid = Math.min(1, paidTotal * scale);
  const rest = paidTotal < 1 ? (1 - newPaid) / (1 - paidTotal) : 0;
  const mix = Object.fromEntries(Object.entries(args.mix).map(([a, x]) => [a, args.paidFirst.includes(a) ? x * scale : x * rest]));
  const cost = (a: string) => {
    const t = args.tokens[a];
    return t ? mean(t.input) * args.price.input_cost_per_token + mean(t.output) * args.price.output_cost_per_token : 0;
  };
  const total = Object.entries(mix).reduce((s, [a, x]) => s + x * cost(a), 0);
  const paidFirst = Object.entries(mix)
    .filter(([a, x]) => args.paidFirst.includes(a) && x > 0)
    .map(([action, callShare]) => ({ action, callShare, costShare: total > 0 ? (callShare * cost(action)) / total : 0 }));
  return { profile: args.profile, cap: 1 - paidFirst.reduce((s, p) => s + p.costShare, 0), paidFirst };
}

/** The paid-first call share at which the cap equals `savings` (bisection on the scale), or null if none in (0, 1/share]. */
export function paidShareForCap(args: Parameters<typeof savingsCap>[0], savings: number): number | null {
  const base = Object.entries(args.mix)
    .filter(([a]) => args.paidFirst.includes(a))
    .reduce((s, [, x]) => s + x, 0);
  if (base === 0) return null;
  const capAt = (scale: number) => savingsCap({ ...args, paidShareScale: scale }).cap;
  let lo = 0,
    hi = 1 / base;
  if (capAt(lo) < savings || capAt(hi) > savings) return null;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (capAt(mid) >= savings) lo = mid;
    else hi = mid;
  }
  return lo * base;
}
