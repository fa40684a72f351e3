/**
 * What the cost–quality frontier says a decision maker should do, as a pure function of an EvaluateReport
 * (the policies judged on held-out items). The rule is spelled out in `rule`, so a reader can redo it:
 * against the reference API model alone, take the cheapest calibrated policy whose kept-answer error is
 * within its α and whose accuracy is within the tolerance of the reference; if there is none, or it is
 * not cheaper, the answer is "API first".
 */
import { basename } from "node:path";
import type { EvaluateReport, PolicyPoint } from "../../bench/evaluate/frontier-types.js";
import { pct } from "./text.js";

/** Accuracy a routed policy may give up against the reference API model: 1 % of it (issue 12's "≥ 99 % of gpt-4o"). */
export const ACCURACY_TOLERANCE = 0.01;

export type FrontierRole = "single model" | "seed rule cascade" | "uncalibrated consensus" | "calibrated policy" | "random routing" | "oracle cascade (limit)";

/** A threshold policy is calibrated when it carries the α its thresholds were chosen for (Learn-then-Test). */
export function roleOf(p: PolicyPoint): FrontierRole {
  switch (p.kind) {
    case "single":
      return "single model";
    case "oracle":
      return "oracle cascade (limit)";
    case "random":
      return "random routing";
    case "cascade":
    case "consensus":
      return p.alpha !== null ? "calibrated policy" : p.kind === "cascade" ? "seed rule cascade" : "uncalibrated consensus";
  }
}

export interface FrontierVerdict {
  kind: "route" | "api_first";
  /** The API model alone that the policies are measured against. */
  reference: PolicyPoint;
  /** The policy to route through (route), or the best calibrated policy that did not qualify (api_first; null if none). */
  chosen: PolicyPoint | null;
  /** chosen's accuracy and cost as shares of the reference's; null without a chosen policy. */
  accuracyRatio: number | null;
  costRatio: number | null;
  /** One sentence a decision maker can act on. */
  sentence: string;
  rule: string;
}

/** "datasets/gsm8k-replay.jsonl" → "gsm8k-like". */
export function trafficLabel(dataset: string): string {
  const stem = basename(dataset)
    .replace(/\.gz$/, "")
    .replace(/\.jsonl?$/, "")
    .replace(/-replay$/, "");
  return `${stem}-like`;
}

/** A single model that only calls the API: api_share 1. */
const isApiSingle = (p: PolicyPoint) => p.kind === "single" && p.api_share === 1;

/**
 * The reference is `reference` (a model name) when the report has it alone, else the most accurate
 * single API model (the cheaper on a tie). null when the report has no single API model.
 */
export function frontierVerdict(report: EvaluateReport, opts: { reference?: string; tolerance?: number } = {}): FrontierVerdict | null {
  const tolerance = opts.tolerance ?? ACCURACY_TOLERANCE;
  const singles = report.policies.filter(isApiSingle);
  const named = opts.reference === undefined ? undefined : singles.find((p) => p.name === opts.reference || p.models[0] === opts.reference);
  const reference = named ?? [...singles].sort((a, b) => b.accuracy - a.accuracy || a.cost_per_1k_usd - b.cost_per_1k_usd)[0];
  if (!reference) return null;
  const ref = reference.name;
  const label = trafficLabel(report.dataset);
  const floor = (1 - tolerance) * reference.accuracy;
  const rule = `among the calibrated policies judged on the ${report.split.eval} held-out items, the cheapest whose kept-answer error is within its α and whose accuracy is at least ${pct(1 - tolerance, 0)} of ${ref}'s alone (${pct(reference.accuracy)}), if it costs less than ${ref}; otherwise API first`;
  const calibrated = report.policies.filter((p) => roleOf(p) === "calibrated policy");
  const guaranteed = calibrated.filter((p) => p.kept_error !== null && p.alpha !== null && p.kept_error <= p.alpha);
  const eligible = guaranteed.filter((p) => p.accuracy >= floor && p.cost_per_1k_usd < reference.cost_per_1k_usd);
  const byCost = (a: PolicyPoint, b: PolicyPoint) => a.cost_per_1k_usd - b.cost_per_1k_usd || b.accuracy - a.accuracy;
  const chosen = [...eligible].sort(byCost)[0];
  const ratios = (p: PolicyPoint | undefined) => ({
    accuracyRatio: p && reference.accuracy > 0 ? p.accuracy / reference.accuracy : null,
    costRatio: p && reference.cost_per_1k_usd > 0 ? p.cost_per_1k_usd / reference.cost_per_1k_usd : null,
  });
  if (chosen) {
    const r = ratios(chosen);
    return {
      kind: "route",
      reference,
      chosen,
      ...r,
      rule,
      sentence: `Routing ${label} traffic through ${chosen.name} keeps ${pct(r.accuracyRatio)} of ${ref}'s accuracy at ${pct(r.costRatio)} of its cost.`,
    };
  }
  // The closest miss, to say what fell short: the most accurate calibrated policy that keeps some local
  // answers, with a guarantee if any has one. A calibrated policy that sends everything to the API is no miss.
  const local = calibrated.filter((p) => p.api_share < 1);
  const withGuarantee = local.filter((p) => guaranteed.includes(p));
  const best = [...(withGuarantee.length ? withGuarantee : local)].sort((a, b) => b.accuracy - a.accuracy || a.cost_per_1k_usd - b.cost_per_1k_usd)[0] ?? null;
  const r = ratios(best ?? undefined);
  const why = best
    ? ` (the closest, ${best.name}, keeps ${pct(r.accuracyRatio)} of its accuracy at ${pct(r.costRatio)} of its cost${best.kept_error !== null && best.alpha !== null && best.kept_error > best.alpha ? `, with kept-answer error ${pct(best.kept_error)} above its α ${pct(best.alpha)}` : ""})`
    : calibrated.length
      ? " (every calibrated policy sends all its traffic to the API: no local answer could be kept within α on the fit items)"
      : " (the report has no calibrated policy)";
  return {
    kind: "api_first",
    reference,
    chosen: best,
    ...r,
    rule,
    sentence: `Send ${label} traffic to ${ref} first (API first): no calibrated local policy keeps ${pct(1 - tolerance, 0)} of its accuracy at a lower cost with its kept-answer error within α${why}.`,
  };
}
