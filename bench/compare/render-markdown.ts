/**
 * Markdown for a CI job summary: a verdict line, the criteria, then one table per model/action.
 * Nothing here depends on time or input order, so the same runs give byte-identical output.
 */
import type { CompareResult, GroupComparison, LatencyComparison } from "./compare.js";
import type { LatencySourceOfRun } from "./compare-latency.js";

const PASS = "✅";
const FAIL = "❌";
const WARN = "⚠️";

const METRIC_NAMES: Record<LatencyComparison["metric"], string> = { e2e_p50: "e2e p50", e2e_mean: "e2e mean", ttft_p50: "TTFT p50" };

export function renderCompareMarkdown(result: CompareResult): string {
  const o = result.options;
  const regressed = result.groups.filter((g) => g.regression);
  const lines: string[] = [`## Bench compare: \`${cell(result.base_run)}\` → \`${cell(result.head_run)}\``, ""];
  lines.push(
    regressed.length
      ? `${FAIL} **Significant regression** in ${regressed.length} of ${result.groups.length} model/action groups: ${regressed.map((g) => `${cell(g.model_id)} · ${cell(g.action)}`).join(", ")}`
      : `${PASS} **No significant regression** in ${result.groups.length} model/action group${result.groups.length === 1 ? "" : "s"}`,
    "",
    `Regression = pass-rate drop ≥ ${pts(o.margin)} pts with a one-sided exact test p < ${o.alpha} (McNemar on shared items, Fisher when the runs are independent samples); ` +
      `or e2e p50 up ≥ ${(o.latencyMargin * 100).toFixed(1)} % and ≥ ${o.latencyMarginMs} ms (the practical effect) with head slower at p < ${o.alpha} (significance: sign test on shared items, Mann–Whitney for independent runs). ` +
      `Both halves are needed, so run-to-run noise on a loaded machine does not fail the job (seed ${o.seed}, ${o.iterations} resamples).`,
  );
  if (result.unpaired.base || result.unpaired.head) {
    lines.push(
      "",
      `Items measured in one run only: ${result.unpaired.base} in base, ${result.unpaired.head} in head (used by unpaired groups, left out of paired ones).`,
    );
  }
  if (result.only_in.base.length || result.only_in.head.length) {
    lines.push(
      "",
      `Not compared (in one run only): ${[...result.only_in.base.map((g) => `${cell(g)} (base)`), ...result.only_in.head.map((g) => `${cell(g)} (head)`)].join(", ")}.`,
    );
  }
  for (const g of result.groups) lines.push("", ...renderGroup(g));
  return lines.join("\n") + "\n";
}

function renderGroup(g: GroupComparison): string[] {
  const lines = [`### ${g.regression ? FAIL : PASS} ${cell(g.model_id)} · ${cell(g.action)}`, ""];
  const q = g.quality;
  let note =
    g.design === "paired"
      ? `paired: ${g.paired} items in both runs, ${q?.n_base ?? 0} graded in both; errors base ${g.errors.base}, head ${g.errors.head}`
      : `unpaired: base ${g.n_base} items, head ${g.n_head}, ${g.paired} shared; errors base ${g.errors.base}, head ${g.errors.head}`;
  // Errors are kept out of pass rates, so a head that fails more often must at least be visible.
  if (g.errors.head > g.errors.base) note += ` ${WARN} head failed on more items (not counted in the pass rate)`;
  lines.push(note, "", `Design: ${g.design_reason}.`, "", "| | metric | base | head | change | evidence |", "|---|---|---|---|---|---|");
  if (q) {
    const evidence = q.mcnemar
      ? `McNemar b=${q.mcnemar.b} c=${q.mcnemar.c}, one-sided p=${pval(q.p_regression)}`
      : `Fisher exact, one-sided p=${pval(q.p_regression)}`;
    lines.push(
      `| ${q.regression ? FAIL : PASS} | pass rate | ${rate(q.base_passes, q.n_base, q.base_ci95)} | ${rate(q.head_passes, q.n_head, q.head_ci95)} | ` +
        `${signed(-q.drop * 100, 1)} pts | ${evidence} |`,
    );
  } else {
    lines.push("| | pass rate | n/a | n/a | | no graded items to compare |");
  }
  for (const l of g.latency) {
    const mark = l.regression === null ? "" : l.regression ? FAIL : PASS;
    const rel = l.relative === null ? "" : ` (${signed(l.relative * 100, 1)} %)`;
    const test = l.significance_test === "sign_test" ? "sign test" : "Mann–Whitney";
    const gate =
      l.ratio === null
        ? ""
        : `; ratio ${l.ratio.toFixed(3)} (one-sided bound ${l.ratio_lower!.toFixed(3)}), ${test} p=${pval(l.p_slower!)}: ${l.significant ? "significant" : "not significant"}, ${l.practical ? "practical" : "below the practical effect"}`;
    const apart = l.source.base !== l.source.head || l.source.base === "mixed";
    const why = apart && l.metric === "e2e_p50" ? `; ${WARN} no verdict: base ${l.source.base}, head ${l.source.head}` : "";
    lines.push(
      `| ${mark} | ${METRIC_NAMES[l.metric]} | ${msText(l.base)}${tag(l.source.base)} | ${msText(l.head)}${tag(l.source.head)} | ${signed(l.diff, msDigits(l.diff))} ms${rel} | ` +
        `${Math.round(l.confidence * 100)} % CI [${signed(l.lower, msDigits(l.lower))}, ${signed(l.upper, msDigits(l.upper))}] ms, n=${l.n_base}/${l.n_head}${gate}${why} |`,
    );
  }
  return lines;
}

/** Measured is the default a reader assumes; anything else is said in the cell. */
function tag(source: LatencySourceOfRun): string {
  return source === "measured" ? "" : ` (${source})`;
}

function rate(passes: number, n: number, ci: { lower: number; upper: number }): string {
  return `${((passes / n) * 100).toFixed(1)} % (${passes}/${n}) [${(ci.lower * 100).toFixed(1)}, ${(ci.upper * 100).toFixed(1)}]`;
}

function pts(x: number): string {
  return Number((x * 100).toFixed(2)).toString();
}

function pval(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}

function msDigits(x: number): number {
  return Math.abs(x) < 10 ? 1 : 0;
}

function msText(x: number): string {
  return `${x.toFixed(msDigits(x))} ms`;
}

function signed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  // "-0.0" reads as a change; show it as none.
  if (Number(s) === 0) return (0).toFixed(digits);
  return x > 0 ? `+${s}` : s;
}

/** Model ids and actions come from config files; a `|` would split the table cell. */
function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/`/g, "'");
}
