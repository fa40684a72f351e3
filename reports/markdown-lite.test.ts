import { describe, expect, it } from "vitest";
import { markdownToHtml, markdownToMarkdown, parseMarkdown, safeHref } from "./markdown-lite.js";

const html = (s: string) => markdownToHtml(parseMarkdown(s));
const gfm = (s: string) => markdownToMarkdown(parseMarkdown(s));

describe("markdown subset", () => {
  it("renders headings (below the report title), paragraphs and lists", () => {
    expect(html("# Top\n\nline one\nline two\n\n- a\n- b\n\n1. x\n2. y")).toBe(
      "<h2>Top</h2>\n<p>line one line two</p>\n<ul><li>a</li><li>b</li></ul>\n<ol><li>x</li><li>y</li></ol>",
    );
  });

  it("renders inline bold, italic, code and links", () => {
    expect(html("**b** *i* _j_ `a<b` [docs](https://x.test/a) [here](#inputs)")).toBe(
      '<p><strong>b</strong> <em>i</em> <em>j</em> <code>a&lt;b</code> <a href="https://x.test/a" rel="noopener noreferrer">docs</a> <a href="#inputs" rel="noopener noreferrer">here</a></p>',
    );
  });

  it("leaves snake_case identifiers alone", () => {
    expect(html("p95_latency_ms and cost_usd")).toBe("<p>p95_latency_ms and cost_usd</p>");
  });

  it("escapes raw HTML and drops unsafe link targets", () => {
    expect(html("<script>alert(1)</script> <img src=x onerror=alert(2)>")).toBe(
      "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;</p>",
    );
    expect(html("[click](javascript:void(0))")).toBe("<p>click)</p>");
    expect(html("![pixel](https://t.test/p.png)")).toBe("<p>pixel</p>");
    expect(html('[x](" onmouseover="alert(1))')).not.toMatch(/<a /);
    expect(safeHref("data:text/html,hi")).toBeUndefined();
    expect(safeHref("//evil.test/x")).toBeUndefined();
    expect(safeHref("reports/out/a.html")).toBe("reports/out/a.html");
  });

  it("never lets text and a link combine into an image", () => {
    expect(gfm("wow\\![docs](https://x.test)")).toBe("wow\\![docs](https://x.test)");
    expect(gfm("wow! ![docs](https://x.test) done!")).toBe("wow! docs done!");
  });

  it("re-emits Markdown with the same subset and nothing else", () => {
    expect(gfm("# T\n\nsome **bold** and `code`\n\n- a <b>\n- ![img](https://t.test/p.png)")).toBe("## T\n\nsome **bold** and `code`\n\n- a \\<b\\>\n- img");
  });
});
