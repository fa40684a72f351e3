import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { md, notebook } from "./notebook.js";
import { chartSpec, renderHtml } from "./render-html.js";
import { HOSTILE, sampleNotebook } from "../test-support/sample-notebook.js";
import { vegaAssets } from "./vega-assets.js";

const SCRIPT = /<script(\s[^>]*)?>([\s\S]*?)<\/script>/g;
/** The markup this renderer wrote: every <script> body removed (libraries and JSON data). */
const markupOnly = (html: string) => html.replace(SCRIPT, "<script$1></script>");
const tags = (html: string) => markupOnly(html).match(/<[a-z][^>]*>/gi) ?? [];
// Plain toContain would print the whole ~850 KB page on failure.
const expectIn = (html: string, part: string) => expect(html.includes(part), `expected the HTML to contain ${part}`).toBe(true);
const expectNotIn = (html: string, part: string) => expect(html.includes(part), `expected the HTML not to contain ${part}`).toBe(false);

describe("renderHtml: self-contained", () => {
  const html = renderHtml(sampleNotebook());

  it("is deterministic", () => {
    expect(renderHtml(sampleNotebook()) === html).toBe(true);
  });

  it("inlines vega, vega-lite and vega-embed and loads nothing by URL", () => {
    for (const a of vegaAssets()) expectIn(html, `<script>${a.code}</script>`);
    for (const tag of tags(html)) {
      expect(tag).not.toMatch(/\s(src|href|action|srcset|poster|data)\s*=\s*["']?\s*(https?:)?\/\//i);
      expect(tag).not.toMatch(/^<(link|iframe|object|embed|base|img)\b/i);
    }
    expect(/https?:\/\//.test(markupOnly(html))).toBe(false);
    expect(/@import|url\(/.test(markupOnly(html))).toBe(false);
  });

  it("has a CSP that allows exactly the emitted scripts and no remote origin or eval", () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/);
    const inline = [...html.matchAll(SCRIPT)].filter((m) => !m[1]).map((m) => m[2]!);
    expect(inline).toHaveLength(4);
    const hashes = inline.map((code) => `'sha256-${createHash("sha256").update(code).digest("base64")}'`);
    expect(/script-src ([^;]+)/.exec(csp!)?.[1]).toBe(hashes.join(" "));
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<script"));
  });

  it("carries chart specs as JSON that parses back to the themed spec with inline data", () => {
    const blocks = [...html.matchAll(/<script type="application\/json" data-chart-for="(chart-\d+)">([\s\S]*?)<\/script>/g)];
    expect(blocks.map((b) => b[1])).toEqual(["chart-6", "chart-7", "chart-8"]);
    const charts = sampleNotebook().cells.filter((c) => c.kind === "chart");
    blocks.forEach((b, i) => expect(JSON.parse(b[2]!)).toEqual(chartSpec(charts[i]!)));
    expect(JSON.parse(blocks[0]![2]!).data.values).toHaveLength(4);
  });

  it("labels statuses in words, right-aligns numbers and lists inputs", () => {
    expectIn(html, '<span class="badge holds">✓ holds</span>');
    expectIn(html, '<span class="badge fails">✗ fails</span>');
    expectIn(html, '<span class="badge inconsistent">⚠ inconsistent</span>');
    expectIn(html, '<th scope="col" class="num">p95 latency (ms)</th>');
    expectIn(html, '<td class="num">1,890</td>');
    expectIn(html, '<td class="num missing">—</td>');
    expect(
      /<h2 id="inputs">Inputs<\/h2>[\s\S]*results\/pilot\/ledger\.jsonl[\s\S]*9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08[\s\S]*84a519d[\s\S]*<td>42<\/td>/.test(
        html,
      ),
    ).toBe(true);
  });

  it("omits the chart libraries when there is no chart", () => {
    const small = renderHtml(notebook({ id: "x", title: "x", generatedAt: "g", inputs: [], cells: [md("hi")] }));
    expect(small.length).toBeLessThan(10_000);
    expectIn(small, "script-src 'none'");
    expectNotIn(small, "<script");
  });
});

describe("renderHtml: escaping", () => {
  const html = renderHtml(sampleNotebook({ hostile: true }));
  const markup = markupOnly(html);

  it("never emits a tag or handler from notebook text", () => {
    expectNotIn(markup, HOSTILE);
    expect(/<img|<script>alert/i.test(markup)).toBe(false);
    for (const tag of tags(html)) expect(tag).not.toMatch(/\son\w+\s*=/i);
    const escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;";
    // <title>, h1, markdown cell, headline label + explanation, caption, table cell, chart description, chart data table, input note
    expect(markup.split(escaped).length - 1).toBe(10);
  });

  it("keeps </script> in chart data from closing the JSON block", () => {
    const blocks = [...html.matchAll(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(3);
    for (const b of blocks) expect(b).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.stringify(JSON.parse(blocks[0]!))).toContain(HOSTILE);
    // Exactly the 3 JSON blocks and 4 code scripts: nothing in the data opened or closed a script.
    expect(html.match(/<script/g)).toHaveLength(7);
    expect(html.match(/<\/script>/g)).toHaveLength(7);
  });
});
