import { describe, expect, it } from "vitest";
import { chart, headline, md, notebook, parseNotebook, ReportError, table } from "./notebook.js";
import { unitTitle } from "./palette.js";
import { sampleNotebook } from "../test-support/sample-notebook.js";

const rows = [{ tier: "a", ms: 1 }];
const bar = (encoding: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  chart({ title: "Latency", spec: { mark: "bar", encoding, ...extra }, data: rows });

describe("chart()", () => {
  it("accepts titled axes with units", () => {
    const c = bar({ x: { field: "tier", type: "nominal", title: "Tier" }, y: { field: "ms", type: "quantitative", title: unitTitle("Latency", "ms") } });
    expect(c.kind).toBe("chart");
  });

  it("rejects x/y encodings without a title, naming the channel", () => {
    const attempt = () => bar({ x: { field: "tier", type: "nominal" }, y: { field: "ms", type: "quantitative" } });
    expect(attempt).toThrow(ReportError);
    expect(attempt).toThrow(/spec\.encoding\.x: axis has no title/);
    expect(attempt).toThrow(/spec\.encoding\.y: axis has no title.*unitTitle/);
  });

  it("rejects a quantitative axis title without a unit", () => {
    expect(() => bar({ x: { field: "tier", type: "nominal", title: "Tier" }, y: { field: "ms", type: "quantitative", title: "Latency" } })).toThrow(
      /quantitative axis title "Latency" has no unit/,
    );
  });

  it("checks every layer, with the parent encoding inherited", () => {
    const spec = {
      encoding: { x: { field: "tier", type: "nominal", title: "Tier" } },
      layer: [
        { mark: "bar", encoding: { y: { field: "ms", type: "quantitative", title: "Latency (ms)" } } },
        { mark: "point", encoding: { y: { field: "ms", type: "quantitative" } } },
      ],
    };
    expect(() => chart({ title: "L", spec, data: rows })).toThrow(/spec\.layer\[1\]\.encoding\.y: axis has no title/);
  });

  it("accepts a titled axis given via axis.title and a datum rule without one", () => {
    const spec = {
      layer: [
        {
          mark: "bar",
          encoding: { x: { field: "tier", type: "nominal", axis: { title: "Tier" } }, y: { field: "ms", type: "quantitative", title: "Latency (ms)" } },
        },
        { mark: "rule", encoding: { y: { datum: 3 } } },
      ],
    };
    expect(chart({ title: "L", spec, data: rows }).kind).toBe("chart");
  });

  it("refuses anything that would load from the network or hide the data", () => {
    const enc = { x: { field: "tier", type: "nominal", title: "Tier" } };
    expect(() => bar(enc, { data: { url: "https://example.com/x.csv" } })).toThrow(/spec\.data: pass the rows/);
    expect(() => bar({ ...enc, href: { field: "tier" } })).toThrow(/clickable marks/);
    expect(() => chart({ title: "L", spec: { layer: [{ data: { url: "x.json" }, mark: "point", encoding: enc }] }, data: rows })).toThrow(
      /url: reports never load/,
    );
  });

  it("requires a title", () => {
    expect(() => chart({ title: "", spec: { mark: "bar" }, data: [] })).toThrow(ReportError);
  });
});

describe("other builders", () => {
  it("md dedents template literals and keeps interpolations", () => {
    const n = 3;
    const cell = md`
      # Title
        indented ${n}
    `;
    expect(cell.text).toBe("# Title\n  indented 3");
  });

  it("table rejects rows of the wrong width", () => {
    expect(() => table({ columns: [{ label: "a" }, { label: "b" }], rows: [["x"]] })).toThrow(/rows\.0: row has 1 values but the table has 2 columns/);
  });

  it("headline rejects an unknown status", () => {
    expect(() => headline({ label: "x", value: 1, status: "maybe" as "holds" })).toThrow(/headline "x"/);
  });

  it("notebook and parseNotebook validate, naming the cell and field", () => {
    const nb = sampleNotebook();
    expect(parseNotebook(JSON.parse(JSON.stringify(nb)))).toEqual(nb);
    const broken = { ...nb, cells: [nb.cells[0], { kind: "headline", label: "x", value: 1 }] };
    expect(() => parseNotebook(broken, "r.json")).toThrow(/r\.json: cells\[1\]\.status/);
    expect(() => notebook({ id: "bad id!", title: "t", generatedAt: "now", inputs: [], cells: [] })).toThrow(/file-name-safe/);
  });
});
