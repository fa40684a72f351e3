/**
 * RouteLLM's router metrics (Ong et al. 2024, "RouteLLM: Learning to Route LLMs with Preference Data"),
 * computed as its evaluation code does (routellm/evals/evaluate.py, benchmarks.py):
 *
 * - The curve: the router is run at the num_results + 1 edges of pd.qcut(strong_win_rate, num_results)
 *   (default 10 bins); at edge q_i a request goes to the strong model when its win rate ≥ q_i, and at
 *   the last edge when > q_i (so that point sends none). Each point is (strong-model share, accuracy).
 * - AUC = np.trapz(accuracy, share) over the points sorted by share.
 * - APGR = (AUC − weak·span) / (strong·span − weak·span), span = max share − min share, weak / strong =
 *   each model's accuracy alone. The paper writes it as ∫₀¹ PGR(c) dc with PGR = (r − r_weak)/(r_strong − r_weak);
 *   random routing scores 0.5.
 * - CPT(x) ("calls to reach x of the gap") = np.interp(weak + x·(strong − weak), accuracy, share).
 *
 * Ours: the weak model is the local one, the strong model the API, and the router's win rate is
 * 1 − P(correct local) from the scorer. np.interp assumes accuracy rises along the curve; where it does
 * not, we return the smallest share at which the piecewise-linear curve first reaches the target (the
 * same value on a rising curve), and null when it never does. "Reaches" allows 1e-12 of rounding:
 * 0.4 + 0.5·(0.8 − 0.4) is 0.6000000000000001 in floating point, and 3/5 right must count as reaching it.
 */
import { quantileSorted } from "simple-statistics";
import type { FrontierItem } from "./frontier-types.js";

export interface CurvePoint {
  /** Share of requests sent to the API (strong) model. */
  apiShare: number;
  accuracy: number;
}

export const ROUTELLM_BINS = 10;
const ROUNDING = 1e-12;

/** The RouteLLM curve of a score-threshold router between `local` (weak) and `api` (strong), sorted by API share. */
export function thresholdCurve(args: { items: readonly FrontierItem[]; local: string; api: string; bins?: number }): CurvePoint[] {
  const { items, local, api } = args;
  const bins = args.bins ?? ROUTELLM_BINS;
  if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`thresholdCurve: bins must be a positive integer, got ${bins}`);
  if (items.length === 0) throw new RangeError("thresholdCurve: no items");
  const rows = items.map((item) => {
    const l = item.outcomes[local];
    const a = item.outcomes[api];
    if (!l || !a) throw new RangeError(`thresholdCurve: item ${item.id} has no outcome for ${!l ? local : api}`);
    if (l.score === undefined) throw new RangeError(`thresholdCurve: item ${item.id} has no score for ${local}; the curve ranks requests by it`);
    return { win: 1 - l.score, local: l.correct, api: a.correct };
  });
  const sorted = rows.map((r) => r.win).sort((x, y) => x - y);
  const edges = Array.from({ length: bins + 1 }, (_, i) => quantileSorted(sorted, i / bins));
  const points = edges.map((q, i) => {
    const last = i === edges.length - 1;
    let toApi = 0;
    let right = 0;
    for (const r of rows) {
      const strong = last ? r.win > q : r.win >= q;
      if (strong) toApi++;
      if (strong ? r.api : r.local) right++;
    }
    return { apiShare: toApi / rows.length, accuracy: right / rows.length };
  });
  return sortByShare(points);
}

/** Average performance gap recovered, by RouteLLM's trapezoid formula. */
export function apgr(args: { curve: readonly CurvePoint[]; weak: number; strong: number }): number {
  const { weak, strong } = args;
  const curve = sortByShare(args.curve);
  if (curve.length < 2) throw new RangeError("apgr: the curve needs at least two points");
  if (strong === weak) throw new RangeError(`apgr: the weak and strong models are equally accurate (${weak}); there is no gap to recover`);
  let auc = 0;
  for (let i = 1; i < curve.length; i++) auc += ((curve[i]!.apiShare - curve[i - 1]!.apiShare) * (curve[i]!.accuracy + curve[i - 1]!.accuracy)) / 2;
  const span = curve.at(-1)!.apiShare - curve[0]!.apiShare;
  if (span === 0) throw new RangeError("apgr: every point of the curve has the same API share");
  return (auc - weak * span) / ((strong - weak) * span);
}

/** CPT(fraction): the API share needed to reach weak + fraction·(strong − weak); null when the curve never does. */
export function callsToReachGap(args: { curve: readonly CurvePoint[]; weak: number; strong: number; fraction: number }): number | null {
  const curve = sortByShare(args.curve);
  if (curve.length === 0) throw new RangeError("callsToReachGap: empty curve");
  const target = args.weak + args.fraction * (args.strong - args.weak);
  if (curve[0]!.accuracy >= target - ROUNDING) return curve[0]!.apiShare;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    if (b.accuracy < target - ROUNDING) continue;
    const along = Math.min(1, (target - a.accuracy) / (b.accuracy - a.accuracy));
    return a.apiShare + (b.apiShare - a.apiShare) * along;
  }
  return null;
}

export interface RouterSummary {
  curve: CurvePoint[];
  weak: number;
  strong: number;
  apgr: number;
  /** API share needed to recover 50 / 80 / 95 % of the weak–strong gap. */
  calls_to_gap: { "50": number | null; "80": number | null; "95": number | null };
}

/** The curve, APGR and CPT(50/80/95 %) of a scored local model routed against an API model. */
export function routerSummary(args: { items: readonly FrontierItem[]; local: string; api: string; bins?: number }): RouterSummary {
  const curve = thresholdCurve(args);
  const accuracyOf = (m: string) => args.items.filter((it) => it.outcomes[m]!.correct).length / args.items.length;
  const weak = accuracyOf(args.local);
  const strong = accuracyOf(args.api);
  const cpt = (fraction: number) => callsToReachGap({ curve, weak, strong, fraction });
  return { curve, weak, strong, apgr: apgr({ curve, weak, strong }), calls_to_gap: { "50": cpt(0.5), "80": cpt(0.8), "95": cpt(0.95) } };
}

/** Stable sort by share: equal shares keep their order (they add no area). */
function sortByShare(points: readonly CurvePoint[]): CurvePoint[] {
  return points
    .map((p, i) => ({ p, i }))
    .sort((x, y) => x.p.apiShare - y.p.apiShare || x.i - y.i)
    .map(({ p }) => p);
}
