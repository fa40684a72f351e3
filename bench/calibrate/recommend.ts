/**
 * Which policy `bench calibrate` recommends for an action, from the fit items alone (so a held-out
 * check of the choice stays honest): among cascade, consensus and api_first, the cheapest whose
 * kept-answer guarantee holds (one-sided Clopper–Pearson (1 − δ) bound on the error of kept local
 * answers ≤ α, or nothing kept) and whose accuracy is at least (1 − tolerance) × the API tier's alone
 * (the api_first policy), or the action's `accuracy_reference` model alone. None qualifies: api_first.
 * Every policy gets its reason, in words.
 */
import type { PolicyEntry } from "../../router/config/calibration.js";
import type { PolicyKind } from "../../router/policy/policy-cells.js";
import type { FittedPolicy } from "./policy-fit.js";

export interface PolicyCandidate {
  fitted: Extract<FittedPolicy, { ok: true }>;
  entry: Omit<PolicyEntry, "recommended" | "reason">;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const usd = (x: number) => `$${x.toFixed(x < 1 ? 4 : 2)}`;

export function recommendPolicy(a: {
  candidates: readonly PolicyCandidate[];
  tolerance: number;
  /** The action's `accuracy_reference` model alone on the fit items; default the API tier alone (api_first). */
  reference?: { model: string; accuracy: number };
}): { kind: PolicyKind | undefined; reasons: Map<PolicyKind, string> } {
  const entries = a.candidates.map((c) => c.entry);
  const reasons = new Map<PolicyKind, string>();
  if (entries.length === 0) return { kind: undefined, reasons };
  const api = entries.find((e) => e.kind === "api_first");
  const reference = a.reference?.accuracy ?? api?.expected.accuracy ?? Math.max(...entries.map((e) => e.expected.accuracy));
  const floor = (1 - a.tolerance) * reference;
  const refText = a.reference
    ? `${a.reference.model} alone (${pct(reference)}, the action's accuracy_reference)`
    : api
      ? `the API tier alone (${pct(reference)})`
      : `the most accurate policy (${pct(reference)}; no api_first policy)`;
  const holds = (e: (typeof entries)[number]) => e.expected.kept_error_upper === null || e.expected.kept_error_upper <= e.alpha;
  const enough = (e: (typeof entries)[number]) => e.expected.accuracy >= floor;
  // On a tie (a cascade whose local cells were all left out is api_first), the simpler policy wins.
  const simpler = (e: (typeof entries)[number]) => (e.kind === "api_first" ? 0 : e.kind === "cascade" ? 1 : 2);
  const qualifying = entries
    .filter((e) => holds(e) && enough(e))
    .sort((x, y) => x.expected.cost_per_1k_usd - y.expected.cost_per_1k_usd || x.expected.api_share - y.expected.api_share || simpler(x) - simpler(y));
  const chosen = qualifying[0] ?? api ?? [...entries].sort((x, y) => y.expected.accuracy - x.expected.accuracy)[0]!;
  const rule = `the rule: the cheapest policy whose kept-answer error bound is ≤ α and whose accuracy is ≥ ${pct(floor)} (within ${pct(a.tolerance)} of ${refText}), else api_first; judged on ${chosen.expected.n} fit items with out-of-fold scores`;
  for (const e of entries) {
    const bound =
      e.expected.kept_error_upper === null
        ? "keeps no local answer"
        : `kept-answer error ${pct(e.expected.kept_error!)}, upper bound ${pct(e.expected.kept_error_upper)} at ${pct(1 - e.delta)} confidence, α = ${pct(e.alpha)}`;
    const facts = `accuracy ${pct(e.expected.accuracy)}, ${pct(e.expected.api_share)} to the API, ${usd(e.expected.cost_per_1k_usd)} per 1,000 requests; ${bound}`;
    let verdict: string;
    if (e === chosen)
      verdict =
        qualifying[0] === e
          ? "recommended: the cheapest policy that meets the rule"
          : "recommended: no policy meets the rule, so the API tier answers everything";
    else if (!holds(e)) verdict = "not recommended: its error bound exceeds α";
    else if (!enough(e)) verdict = `not recommended: its accuracy is below ${pct(floor)}`;
    else verdict = `not recommended: meets the rule but costs more than ${chosen.kind}`;
    reasons.set(e.kind, `${verdict} (${facts}). ${capitalise(rule)}.`);
  }
  return { kind: chosen.kind, reasons };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
