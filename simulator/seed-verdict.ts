/**
 * The verdicts a seed claim can get, and the words a report prints for them. Each word means one thing:
 * - holds: the seed's numbers and our checks agree with it;
 * - inconsistent: the seed contradicts itself (two of its own figures cannot both be true);
 * - fails: an outside fact (a published price, a measurement) contradicts it;
 * - implausible: it fails only under an assumption of ours, which `assuming` names ("8 calls per iteration");
 *   a savings claim the assumed traffic mix rules out reads "fails under the assumed mix";
 * - not checked: nothing here can check it; never folded into "uncertain".
 */
export type SeedVerdict = "holds" | "fails" | "inconsistent" | "implausible" | "not_checked";

export interface SeedFinding {
  id: string;
  claim: string;
  arithmetic: string;
  verdict: SeedVerdict;
  /** The assumption an "implausible" (or an assumption-driven "fails") verdict rests on. */
  assuming?: string;
  detail: string;
}

export function verdictText(f: Pick<SeedFinding, "verdict" | "assuming">): string {
  if (f.verdict === "implausible") return f.assuming ? `implausible, assuming ${f.assuming}` : "implausible";
  if (f.verdict === "fails" && f.assuming) return `fails under ${f.assuming}`;
  return f.verdict === "not_checked" ? "not checked" : f.verdict;
}

/** Worst first: a claim the seed contradicts cannot hold, whatever else says. */
export const VERDICT_RANK: Record<SeedVerdict, number> = { inconsistent: 4, fails: 3, implausible: 2, not_checked: 1, holds: 0 };
