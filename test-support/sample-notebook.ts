/**
 * A small but complete notebook (bar, line and layered chart, table, headlines) used by the tests
 * and as a worked example for scenario authors. `hostile` puts markup-injection strings into every
 * place untrusted text can reach, as a dataset answer or model output would.
 */
import { chart, headline, md, notebook, table, type Notebook } from "../reports/notebook.js";
import { unitTitle } from "../reports/palette.js";

export const HOSTILE = `<script>alert(1)</script></script><img src=x onerror=alert(2)>`;

export function sampleNotebook(opts: { hostile?: boolean } = {}): Notebook {
  const evil = opts.hostile ? ` ${HOSTILE}` : "";
  const tiers = [
    { tier: "local-8b", p95_ms: 412, cost_usd: 0, pass_rate: 0.81 },
    { tier: "local-70b", p95_ms: 1890, cost_usd: 0, pass_rate: 0.9 },
    { tier: `api-small${evil}`, p95_ms: 730, cost_usd: 0.42, pass_rate: 0.93 },
    { tier: "api-large", p95_ms: 1240, cost_usd: 3.1, pass_rate: 0.97 },
  ];
  const days = Array.from({ length: 14 }, (_x, i) => ({
    day: `2025-03-${String(i + 1).padStart(2, "0")}`,
    requests: 900 + ((i * 137) % 400),
    cost_usd: Number((1.2 + 0.11 * i + ((i * 7) % 5) * 0.08).toFixed(2)),
  }));
  const budget = 2.5;
  const over = days.filter((d) => d.cost_usd > budget);
  const worst = Math.max(...days.map((d) => d.cost_usd));
  return notebook({
    id: opts.hostile ? "sample-hostile" : "sample",
    title: `Hybrid routing: two-week pilot${evil}`,
    subtitle: "Local models first, API on escalation",
    generatedAt: "2025-03-15T09:00:00Z",
    inputs: [
      { name: "ledger", path: "results/pilot/ledger.jsonl", sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", gitCommit: "84a519d" },
      { name: "simulation", path: "results/pilot/sim.json", seed: 42, note: `10,000 Monte Carlo runs${evil}` },
    ],
    cells: [
      md`
        # Summary
        Over 14 days the router answered **${days.reduce((a, d) => a + d.requests, 0)} requests**; *most* stayed local.
        See \`config/router.yaml\` and the [method notes](#inputs).${evil}

        - Escalation rate stayed under target
        - API spend fits the budget on ${days.length - over.length} of ${days.length} days
      `,
      headline({
        label: `p95 latency, routed traffic${evil}`,
        value: 731.4,
        digits: 0,
        unit: "ms",
        target: "≤ 800 ms",
        status: "holds",
        explanation: `p95 over 13,244 routed requests = 731.4 ms\n731.4 ms ≤ 800 ms target${evil}`,
      }),
      headline({
        label: "Daily API spend vs budget",
        value: worst,
        digits: 2,
        unit: "USD/day",
        target: `≤ ${budget} USD/day on every day`,
        status: "fails",
        explanation: `${over.length} of ${days.length} days exceeded ${budget.toFixed(2)} USD; worst day ${worst.toFixed(2)} USD (+${((worst / budget - 1) * 100).toFixed(1)}%)`,
      }),
      headline({
        label: "Bench vs simulator",
        value: "disagree",
        status: "inconsistent",
        explanation: "bench pass-rate 0.93, simulator 0.88: outside the ±0.03 tolerance",
      }),
      table({
        caption: `Per-tier results${evil}`,
        columns: [
          { label: "Tier" },
          { label: "p95 latency", unit: "ms", digits: 0 },
          { label: "Cost", unit: "USD", digits: 2 },
          { label: "Pass rate", percent: true },
        ],
        rows: [...tiers.map((t) => [t.tier, t.p95_ms, t.cost_usd, t.pass_rate]), ["unmeasured", null, null, null]],
      }),
      chart({
        title: "p95 latency by tier",
        description: `Local 8B is fastest; local 70B is slowest.${evil}`,
        spec: {
          mark: { type: "bar", tooltip: true },
          encoding: {
            x: { field: "tier", type: "nominal", title: "Tier", sort: null },
            y: { field: "p95_ms", type: "quantitative", title: unitTitle("p95 latency", "ms") },
            color: { field: "tier", type: "nominal", legend: null },
          },
        },
        data: tiers,
      }),
      chart({
        title: "Requests per day",
        spec: {
          mark: { type: "line", point: true },
          encoding: {
            x: { field: "day", type: "temporal", title: "Day", axis: { format: "%b %d" } },
            y: { field: "requests", type: "quantitative", title: unitTitle("Requests", "count") },
          },
        },
        data: days,
      }),
      chart({
        title: "Daily API spend against budget",
        description: "Bars are spend per day; the rule is the 2.50 USD budget.",
        spec: {
          layer: [
            {
              mark: "bar",
              encoding: {
                x: { field: "day", type: "ordinal", timeUnit: "monthdate", title: "Day" },
                y: { field: "cost_usd", type: "quantitative", title: unitTitle("API spend", "USD") },
              },
            },
            // Own one-row data: with the chart's 14 rows the rule would be drawn 14 times.
            { data: { values: [{}] }, mark: { type: "rule", color: "#D55E00", strokeDash: [4, 3], strokeWidth: 2 }, encoding: { y: { datum: budget } } },
          ],
        },
        data: days,
      }),
    ],
  });
}
