import { describe, expect, it } from "vitest";
import { chart, md, notebook, table } from "./notebook.js";
import { renderMarkdown } from "./render-markdown.js";
import { HOSTILE, sampleNotebook } from "../test-support/sample-notebook.js";

describe("renderMarkdown", () => {
  it("gives the same bytes for the same notebook, also after a JSON round trip", () => {
    const a = renderMarkdown(sampleNotebook());
    expect(renderMarkdown(sampleNotebook())).toBe(a);
    expect(renderMarkdown(JSON.parse(JSON.stringify(sampleNotebook())))).toBe(a);
    expect(a.endsWith("\n")).toBe(true);
  });

  it("shows title, headlines with status words, tables, charts and inputs", () => {
    const out = renderMarkdown(sampleNotebook());
    expect(out).toMatch(/^# Hybrid routing: two-week pilot\n\n\*Local models first, API on escalation\*\n\nGenerated 2025-03-15T09:00:00Z · report `sample`\n/);
    expect(out).toContain("## Summary");
    expect(out).toContain("**p95 latency, routed traffic: 731 ms** — ✅ holds · target: ≤ 800 ms");
    expect(out).toMatch(/\*\*Daily API spend vs budget: 2\.\d\d USD\/day\*\* — ❌ fails/);
    expect(out).toContain("**Bench vs simulator: disagree** — ⚠️ inconsistent");
    expect(out).toContain("> p95 over 13,244 routed requests = 731.4 ms\n> 731.4 ms ≤ 800 ms target");
    expect(out).toContain("| Tier | p95 latency (ms) | Cost (USD) | Pass rate |\n| --- | ---: | ---: | ---: |");
    expect(out).toContain("| local-70b | 1,890 | 0.00 | 90.0% |");
    expect(out).toContain("| unmeasured | — | — | — |");
    expect(out).toContain("*Bar chart of p95 latency (ms) by Tier, 4 rows.*");
    expect(out).toContain("*Layered bar + rule chart of API spend (USD) by Day, 14 rows.*");
    expect(out).toContain("*… and 2 more rows in the HTML report.*");
    expect(out).toContain("| ledger | results/pilot/ledger.jsonl | 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 | — | 84a519d | — |");
  });

  it("escapes hostile text everywhere so GitHub shows it as text", () => {
    const out = renderMarkdown(sampleNotebook({ hostile: true }));
    const escaped = "\\<script\\>alert(1)\\</script\\>\\</script\\>\\<img src=x onerror=alert(2)\\>";
    expect(out).not.toContain(HOSTILE);
    expect(out).not.toMatch(/(^|[^\\])<(script|img|\/script)/);
    // title, markdown cell, headline label and explanation, table caption and cell, chart description and datum, input note
    expect(out.split(escaped).length - 1).toBe(9);
  });

  it("keeps table structure when cells contain pipes, newlines or link syntax", () => {
    const nb = notebook({
      id: "t",
      title: "T",
      generatedAt: "g",
      inputs: [],
      cells: [
        table({ columns: [{ label: "answer" }, { label: "n" }], rows: [["a | b\nc ![x](https://t.test/p.png)", 1]] }),
        md("plain"),
        chart({ title: "c", spec: { mark: "point", encoding: { x: { field: "v", type: "quantitative", title: "v (ms)" } } }, data: [{ v: 1 }] }),
      ],
    });
    const out = renderMarkdown(nb);
    expect(out).toContain("| a \\| b c !\\[x\\](https://t.test/p.png) | 1 |");
    expect(out).toContain("*Point chart over v (ms), 1 row.*");
  });
});
