/**
 * Markdown for a CI job summary: a verdict line, the criteria, then one table per model/action.
 * Nothing here depends on time or input order, so the same runs give byte-identical output.
 */
import type { CompareResult, GroupComparison, LatencyComparison, LatencySourceOfRun } from "./compare.js";

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
    `Regression = pass-rate drop ≥ ${pts(o.margin)} pts with McNemar one-sided p < ${o.alpha}; ` +
      `or e2e p50 up ≥ ${(o.latencyMargin * 100).toFixed(1)} % with the 95 % bootstrap interval's lower end > ${o.latencyMarginMs} ms ` +
      `(paired items only; seed ${o.seed}, ${o.iterations} resamples).`,
  );
  if (result.unpaired.base || result.unpaired.head) {
    lines.push("", `Not compared: ${result.unpaired.base} measured records only in base, ${result.unpaired.head} only in head.`);
  }
  for (const g of result.groups) lines.push("", ...renderGroup(g));
  return lines.join("\n") + "\n";
}

function renderGroup(g: GroupComparison): string[] {
  const lines = [`### ${g.regression ? FAIL : PASS} ${cell(g.model_id)} · ${cell(g.action)}`, ""];
  const graded = g.quality?.n ?? 0;
  let note = `${g.paired} paired items, ${graded} graded in both runs; errors base ${g.errors.base}, head ${g.errors.head}`;
  // Errors are kept out of pass rates, so a head that fails more often must at least be visible.
  if (g.errors.head > g.errors.base) note += ` ${WARN} head failed on more items (not counted in the pass rate)`;
  lines.push(note, "", "| | metric | base | head | change | evidence |", "|---|---|---|---|---|---|");
  const q = g.quality;
  if (q) {
    lines.push(
      `| ${q.regression ? FAIL : PASS} | pass rate | ${rate(q.base_passes, q.n, q.base_ci95)} | ${rate(q.head_passes, q.n, q.head_ci95)} | ` +
        `${signed(-q.drop * 100, 1)} pts | McNemar b=${q.mcnemar.b} c=${q.mcnemar.c}, one-sided p=${pval(q.mcnemar.p_regression)} |`,
    );
  } else {
    lines.push("| | pass rate | n/a | n/a | | no item graded in both runs |");
  }
  for (const l of g.latency) {
    const mark = l.regression === null ? "" : l.regression ? FAIL : PASS;
    const rel = l.relative === null ? "" : ` (${signed(l.relative * 100, 1)} %)`;
    const apart = l.source.base !== l.source.head || l.source.base === "mixed";
    const why = apart && l.metric === "e2e_p50" ? `; ${WARN} no verdict: base ${l.source.base}, head ${l.source.head}` : "";
    lines.push(
      `| ${mark} | ${METRIC_NAMES[l.metric]} | ${msText(l.base)}${tag(l.source.base)} | ${msText(l.head)}${tag(l.source.head)} | ${signed(l.diff, msDigits(l.diff))} ms${rel} | ` +
        `${Math.round(l.confidence * 100)} % CI [${signed(l.lower, msDigits(l.lower))}, ${signed(l.upper, msDigits(l.upper))}] ms, n=${l.n}${why} |`,
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
