/**
 * The decision report's frontier section: accuracy (grader, 95 % interval) against cost per 1,000
 * requests for every policy `bench evaluate` judged (single models, the seed's rule cascade, the
 * calibrated policies, random routing at the same API share, the oracle cascade no router can pass),
 * RouteLLM's APGR and calls-to-gap next to it, the one-sentence verdict, and the recommended policy per
 * action from the calibration. Every figure says in its cell whether it is measured, replayed or modelled.
 */
import type { EvaluateReport, PolicyPoint } from "../../bench/evaluate/frontier-types.js";
import { wilsonInterval, wilsonIntervalOfRate, type Interval } from "../../bench/stats/proportion.js";
import { headline, md, table, type Cell, type HeadlineCell } from "../../reports/notebook.js";
import type { Calibration, PolicyEntry } from "../../router/config/calibration.js";
import { frontierChart } from "./charts.js";
import { frontierVerdict, roleOf, type FrontierRole, type FrontierVerdict } from "./frontier-verdict.js";
import { tagged, type Provenance } from "./provenance.js";
import { listing, num, pct, usd } from "./text.js";

export type FrontierState =
  { status: "ok"; report: EvaluateReport; evidence: "replayed" | "measured"; reference?: string } | { status: "unavailable"; reason: string };

const ROLES: readonly FrontierRole[] = [
  "single model",
  "seed rule cascade",
  "uncalibrated consensus",
  "calibrated policy",
  "random routing",
  "oracle cascade (limit)",
];
const HEADLINE = "Cost–quality frontier";

/** "94.8 % (92.9–96.3 %)". */
const withCi = (rate: number, ci: Interval) => `${pct(rate)} (${num(ci.lower * 100, 1)}–${pct(ci.upper)})`;
const shareOf = (rate: number, n: number): Interval => (n === 0 ? { lower: 0, upper: 1 } : wilsonInterval(Math.round(rate * n), n));

export function verdictOf(state: FrontierState): FrontierVerdict | null {
  return state.status === "ok" ? frontierVerdict(state.report, state.reference === undefined ? {} : { reference: state.reference }) : null;
}

export function frontierHeadline(state: FrontierState, verdict: FrontierVerdict | null): HeadlineCell {
  if (state.status === "unavailable") {
    return headline({
      label: HEADLINE,
      value: "not available",
      status: "info",
      explanation: `${state.reason}: no frontier is shown rather than one made up. Pass the JSON of \`bench evaluate --json\` with --evaluate <file>.`,
    });
  }
  if (!verdict)
    return headline({
      label: HEADLINE,
      value: "no single API model to compare with",
      status: "info",
      explanation: `the evaluate report on ${state.report.dataset} has no policy that sends every request to one API model`,
    });
  const ev = state.evidence;
  const ref = verdict.reference;
  const lines = [
    `${ref.name} alone: accuracy ${tagged(withCi(ref.accuracy, ref.accuracy_ci95), ev)}, ${tagged(`${usd(ref.cost_per_1k_usd)} per 1,000 requests`, "modelled")}`,
  ];
  const c = verdict.chosen;
  if (c) {
    lines.push(
      `${c.name}: accuracy ${tagged(withCi(c.accuracy, c.accuracy_ci95), ev)}, API share ${tagged(pct(c.api_share), ev)}, ${tagged(`${usd(c.cost_per_1k_usd)} per 1,000 requests`, "modelled")}${c.kept_error === null ? "" : `, kept-answer error ${tagged(pct(c.kept_error), ev)}${c.alpha === null ? "" : ` (α ${pct(c.alpha)}, δ ${pct(c.delta)})`}`}`,
    );
  }
  lines.push(`rule: ${verdict.rule}`);
  return headline({ label: HEADLINE, value: verdict.sentence, status: verdict.kind === "route" ? "holds" : "info", explanation: lines.join("\n") });
}

export function frontierSection(state: FrontierState, verdict: FrontierVerdict | null): Cell[] {
  const cells: Cell[] = [
    md`
## Cost–quality frontier
    `,
  ];
  if (state.status === "unavailable") {
    cells.push(
      md(
        `Not available: ${state.reason}. The frontier (accuracy against cost for each single model, the seed's rule cascade, the calibrated policies, random routing and the oracle cascade) comes from \`bench evaluate\`; give its JSON with \`--evaluate <file>\`.`,
      ),
    );
    return cells;
  }
  const { report, evidence } = state;
  const points = [...report.policies].sort((a, b) => a.cost_per_1k_usd - b.cost_per_1k_usd || a.name.localeCompare(b.name));
  cells.push(
    md(
      `${report.dataset}: fitted on ${report.split.fit} items, judged on the other ${report.split.eval} (seed ${report.split.seed}). Accuracy is ${evidence === "replayed" ? "replayed: recorded answers graded here" : "measured: live answers graded here"}; cost is modelled: token counts × list prices. The oracle cascade keeps a local answer exactly when it is right, a limit no router passes; random routing sends the same share to the API as a calibrated policy, by chance.`,
    ),
  );
  cells.push(
    frontierChart({
      title: `Accuracy against cost per 1,000 requests, ${report.dataset}`,
      description: "Up is more right answers, left is cheaper; bars are 95 % intervals. A useful router sits above random routing and below the oracle.",
      rows: points.map((p) => ({
        policy: p.name,
        role: roleOf(p),
        cost: p.cost_per_1k_usd,
        accuracy: p.accuracy,
        lower: p.accuracy_ci95.lower,
        upper: p.accuracy_ci95.upper,
      })),
      roles: ROLES,
    }),
  );
  cells.push(
    table({
      caption: "Frontier points (held-out items)",
      columns: [
        { label: "Policy" },
        { label: "Role" },
        { label: "Accuracy (95 % CI)" },
        { label: "API share" },
        { label: "Cost per 1,000 requests" },
        { label: "Kept-answer error (95 % CI), target α" },
      ],
      rows: points.map((p) => frontierRow(p, evidence)),
    }),
  );
  cells.push(...routerMetricCells(report, evidence));
  if (verdict) cells.push(md(`**What to do:** ${verdict.sentence} Rule: ${verdict.rule}.`));
  return cells;
}

function frontierRow(p: PolicyPoint, ev: Provenance): (string | number | null)[] {
  const share = p.kind === "random" ? `${pct(p.api_share)} (set to match)` : tagged(pct(p.api_share), ev);
  const keptN = Math.round(p.kept);
  const target = p.alpha === null ? "" : `, α ${pct(p.alpha)} (δ ${pct(p.delta)})`;
  const kept =
    p.kept_error === null
      ? "none kept locally"
      : tagged(`${withCi(p.kept_error, keptN === 0 ? { lower: 0, upper: 1 } : wilsonIntervalOfRate(p.kept_error, keptN))}${target}`, ev);
  return [
    p.name,
    roleOf(p),
    tagged(withCi(p.accuracy, p.accuracy_ci95), ev),
    share,
    tagged(usd(p.cost_per_1k_usd), "modelled"),
    p.kind === "single" ? "—" : kept,
  ];
}

function routerMetricCells(report: EvaluateReport, ev: Provenance): Cell[] {
  const rows = report.routellm ?? [];
  if (rows.length === 0)
    return [
      md`
RouteLLM metrics (APGR, API calls to reach 50 / 80 / 95 % of the gap): not in this evaluate report.
      `,
    ];
  const cpt = (x: number | null) => (x === null ? "never reached" : tagged(pct(x), ev));
  const apgr = (x: number | null) => (x === null ? "not computed" : tagged(pct(x), ev));
  return [
    table({
      caption: "RouteLLM metrics: share of the local–API accuracy gap a scored router recovers",
      columns: [
        { label: "Policy cell" },
        { label: "Local model" },
        { label: "API model" },
        { label: "Local alone" },
        { label: "API alone" },
        { label: "APGR (random = 50 %)" },
        { label: "API calls for 50 % of the gap" },
        { label: "… 80 %" },
        { label: "… 95 %" },
      ],
      rows: rows.map((r) => [
        `${r.policy} / ${r.cell}`,
        r.local,
        r.api,
        tagged(pct(r.weak), ev),
        tagged(pct(r.strong), ev),
        apgr(r.apgr),
        cpt(r.calls_to_gap["50"]),
        cpt(r.calls_to_gap["80"]),
        cpt(r.calls_to_gap["95"]),
      ]),
    }),
  ];
}

/** The policy `bench calibrate` recommends per action, with its figures on the fit items and on the held-out ones. */
export function recommendedPolicyCells(calibration: Calibration | undefined): Cell[] {
  const chosen = (calibration?.policies ?? []).filter((p) => p.recommended);
  const cells: Cell[] = [
    md`
## Recommended policy per action
    `,
  ];
  if (chosen.length === 0) {
    cells.push(
      md(
        calibration
          ? "The calibration has no policies (it predates learned scorers, or refused every action): each action walks the config's chain on the self-check, and nothing here says which policy to use."
          : "No calibration: each action walks the config's chain on the self-check.",
      ),
    );
    return cells;
  }
  const apiFirst = chosen.filter((p) => p.kind === "api_first").map((p) => p.action);
  if (apiFirst.length)
    cells.push(md(`**API first for ${listing(apiFirst)}**: no local policy met the calibration's rule there, so every request goes straight to the API.`));
  cells.push(
    table({
      caption: "Recommended policy per action (bench calibrate)",
      columns: [
        { label: "Action" },
        { label: "Policy" },
        { label: "Accuracy, fit (95 % CI)" },
        { label: "Accuracy, held out" },
        { label: "API share (95 % CI)" },
        { label: "Cost per 1,000 requests" },
        { label: "Kept-answer error (bound at 1 − δ)" },
        { label: "Held-out check" },
        { label: "Why" },
      ],
      rows: chosen.map((p) => recommendedRow(p)),
    }),
  );
  return cells;
}

function recommendedRow(p: PolicyEntry): (string | number | null)[] {
  const ev = p.evidence;
  const e = p.expected;
  const h = p.held_out;
  const policy = p.kind === "api_first" ? "API first" : `${p.kind}: ${p.cells.map((c) => (c.calls > 1 ? `${c.cell} (${c.calls} calls)` : c.cell)).join(" → ")}`;
  const kept = e.kept_error === null ? "none kept locally" : tagged(`${pct(e.kept_error)} (≤ ${pct(e.kept_error_upper)})`, ev);
  const held = h ? tagged(`${withCi(h.accuracy, shareOf(h.accuracy, h.n))} of ${h.n}`, ev) : "no held-out split";
  const check = h
    ? h.kept_error === null
      ? "nothing kept locally"
      : tagged(`kept error ${pct(h.kept_error)} ${h.within_alpha ? "≤" : ">"} α ${pct(p.alpha)}: ${h.within_alpha ? "holds" : "fails"}`, ev)
    : "—";
  return [
    p.action,
    policy,
    tagged(withCi(e.accuracy, e.accuracy_ci95), ev),
    held,
    tagged(withCi(e.api_share, shareOf(e.api_share, e.n)), ev),
    tagged(usd(e.cost_per_1k_usd), "modelled"),
    kept,
    check,
    p.reason,
  ];
}
