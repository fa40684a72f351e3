/**
 * Pass-rate regression of one (model, action) group: McNemar's exact test on the items both runs
 * graded, or Fisher's exact test when the runs are independent samples. A regression needs the drop to
 * reach the margin and the one-sided test to reject at alpha.
 */
import { discordantCounts, mcnemarExact } from "../stats/paired-tests.js";
import { type Interval, wilsonInterval } from "../stats/proportion.js";
import { fisherExact } from "../stats/unpaired-tests.js";
import type { CompareOptions, Design, Samples } from "./compare.js";

export type QualityComparison = {
  test: "mcnemar_exact" | "fisher_exact";
  /** Why this test, in a sentence for the report. */
  test_reason: string;
  /** Graded items per run that the test used (equal for McNemar). */
  n_base: number;
  n_head: number;
  base_passes: number;
  head_passes: number;
  base_rate: number;
  head_rate: number;
  base_ci95: Interval;
  head_ci95: Interval;
  /** base_rate − head_rate; positive = head got worse. */
  drop: number;
  /** One-sided p-value for "head passes less often". */
  p_regression: number;
  /** McNemar's discordant counts (paired only): b = base right, head wrong; c = the reverse. */
  mcnemar: { b: number; c: number; p_two_sided: number } | null;
  regression: boolean;
};

// Rates are ratios of counts; without slack a drop of exactly 2 points can round to 0.0199999.
const EPS = 1e-12;

export function compareQuality(args: { samples: Samples; design: Design; options: Required<CompareOptions> }): QualityComparison | null {
  const { samples: s, design, options: o } = args;
  if (design === "paired") {
    const graded = s.pairs.filter(([x, y]) => x.grade !== null && y.grade !== null);
    const n = graded.length;
    if (n === 0) return null;
    const basePass = graded.map(([x]) => x.grade!.pass);
    const headPass = graded.map(([, y]) => y.grade!.pass);
    const m = mcnemarExact(discordantCounts(basePass, headPass));
    const bp = basePass.filter(Boolean).length,
      hp = headPass.filter(Boolean).length;
    // From the discordant counts, so the drop and the test see exactly the same items.
    const drop = (m.b - m.c) / n;
    return {
      test: "mcnemar_exact",
      test_reason: "McNemar's exact test: the same items in both runs, so only items that changed verdict carry information",
      n_base: n,
      n_head: n,
      base_passes: bp,
      head_passes: hp,
      base_rate: bp / n,
      head_rate: hp / n,
      base_ci95: wilsonInterval(bp, n),
      head_ci95: wilsonInterval(hp, n),
      drop,
      p_regression: m.pRegression,
      mcnemar: { b: m.b, c: m.c, p_two_sided: m.pTwoSided },
      regression: drop >= o.margin - EPS && m.pRegression < o.alpha,
    };
  }
  const bg = s.base.filter((r) => r.grade !== null),
    hg = s.head.filter((r) => r.grade !== null);
  if (bg.length === 0 || hg.length === 0) return null;
  const bp = bg.filter((r) => r.grade!.pass).length,
    hp = hg.filter((r) => r.grade!.pass).length;
  const f = fisherExact({ basePasses: bp, baseN: bg.length, headPasses: hp, headN: hg.length });
  const drop = bp / bg.length - hp / hg.length;
  return {
    test: "fisher_exact",
    test_reason:
      "Fisher's exact test (one-sided): the runs graded mostly different items, so their pass counts are independent samples; exact, so valid at these small counts",
    n_base: bg.length,
    n_head: hg.length,
    base_passes: bp,
    head_passes: hp,
    base_rate: bp / bg.length,
    head_rate: hp / hg.length,
    base_ci95: wilsonInterval(bp, bg.length),
    head_ci95: wilsonInterval(hp, hg.length),
    drop,
    p_regression: f.pRegression,
    mcnemar: null,
    regression: drop >= o.margin - EPS && f.pRegression < o.alpha,
  };
}
