/**
 * The stylesheet and boot script every HTML report carries. Both are fixed strings (no notebook
 * content), so their CSP hashes are the same for every report and nothing untrusted can reach them.
 */
import { FONT_STACK, STATUS_COLOURS } from "./palette.js";

const s = STATUS_COLOURS;

// vega-embed and vega-tooltip inject their own <style> unless told not to; the CSP would block
// that, so the few rules they need are copied here (fit-x sizing, the tooltip box).
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --rule: #d8d8d8; --band: #f5f5f5; }
* { box-sizing: border-box; }
html { background: #fff; color: var(--ink); }
body { font-family: ${FONT_STACK}; font-size: 15px; line-height: 1.5; margin: 0; }
main, header.report-head, footer.report-foot { max-width: 62rem; margin: 0 auto; padding: 0 1.25rem; }
header.report-head { padding-top: 1.5rem; border-bottom: 2px solid var(--ink); margin-bottom: 1rem; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; line-height: 1.2; }
.subtitle { font-size: 1.05rem; color: var(--muted); margin: 0 0 .4rem; }
.meta { font-size: .85rem; color: var(--muted); margin: 0 0 .8rem; }
h2 { font-size: 1.3rem; margin: 1.6rem 0 .5rem; } h3 { font-size: 1.1rem; margin: 1.3rem 0 .4rem; }
h4, h5, h6 { font-size: 1rem; margin: 1rem 0 .3rem; }
code { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: .9em; background: var(--band); padding: 0 .25em; border-radius: 3px; }
a { color: #0060a0; }
section.cell { margin: 1.1rem 0; break-inside: avoid; page-break-inside: avoid; }
.table-wrap { overflow-x: auto; }
table.data { border-collapse: collapse; width: auto; min-width: 50%; font-size: .9rem; }
table.data caption { caption-side: top; text-align: left; font-weight: 600; padding: 0 0 .3rem; }
table.data th, table.data td { border-bottom: 1px solid var(--rule); padding: .3rem .7rem; text-align: left; vertical-align: top; }
table.data thead th { border-bottom: 2px solid var(--ink); font-weight: 600; white-space: nowrap; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data td.missing { color: var(--muted); }
table.data tbody tr:nth-child(even) { background: #fafafa; }
table.data td { overflow-wrap: anywhere; max-width: 32rem; }
figure.chart { margin: 0; }
figure.chart h3 { margin-top: 0; }
figure.chart .desc { color: var(--muted); margin: 0 0 .5rem; }
.chart-box { width: 100%; min-height: 2rem; }
/* Vega sizes to the screen width; on paper (or for wide concat charts) scale the SVG by its viewBox. */
.chart-box svg { max-width: 100%; height: auto; }
.chart-error { color: ${s.fails.bg}; font-weight: 600; }
details.chart-data { font-size: .85rem; margin-top: .3rem; }
details.chart-data summary { cursor: pointer; color: var(--muted); }
.headline { border: 1px solid var(--rule); border-left: 6px solid var(--status); border-radius: 4px; padding: .7rem 1rem; }
.headline.holds { --status: ${s.holds.bg}; } .headline.fails { --status: ${s.fails.bg}; }
.headline.inconsistent { --status: ${s.inconsistent.bg}; } .headline.info { --status: ${s.info.bg}; }
.headline.implausible { --status: ${s.implausible.bg}; } .headline.not_checked { --status: ${s.not_checked.bg}; }
.headline .label { font-size: .9rem; color: var(--muted); margin: 0; font-weight: 600; }
.headline .figure { font-size: 1.9rem; font-weight: 700; margin: .1rem 0; font-variant-numeric: tabular-nums; }
.headline .target { margin: .2rem 0; }
.headline .explain { white-space: pre-wrap; font-size: .9rem; margin: .4rem 0 0; color: #333; }
.badge { display: inline-block; font-size: .8rem; font-weight: 700; padding: .1rem .55rem; border-radius: 999px; vertical-align: middle; text-transform: uppercase; letter-spacing: .03em; }
.badge.holds { background: ${s.holds.bg}; color: ${s.holds.fg}; } .badge.fails { background: ${s.fails.bg}; color: ${s.fails.fg}; }
.badge.inconsistent { background: ${s.inconsistent.bg}; color: ${s.inconsistent.fg}; } .badge.info { background: ${s.info.bg}; color: ${s.info.fg}; }
.badge.implausible { background: ${s.implausible.bg}; color: ${s.implausible.fg}; } .badge.not_checked { background: ${s.not_checked.bg}; color: ${s.not_checked.fg}; }
footer.report-foot { border-top: 1px solid var(--rule); margin-top: 2rem; padding-bottom: 2rem; font-size: .85rem; color: var(--muted); }
footer.report-foot table.data { font-size: .8rem; }
footer.report-foot td:first-child { white-space: nowrap; }
footer.report-foot .hash { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; overflow-wrap: anywhere; }
.vega-embed { position: relative; display: inline-block; box-sizing: border-box; }
.vega-embed.fit-x { display: block; width: 100%; }
.vega-embed .chart-wrapper.fit-x { width: 100%; }
.vega-embed .chart-wrapper.fit-y { height: 100%; }
#vg-tooltip-element { visibility: hidden; position: fixed; z-index: 1000; padding: 6px 8px; font: 12px ${FONT_STACK}; background: rgba(255,255,255,.97); border: 1px solid #bbb; border-radius: 3px; box-shadow: 0 2px 6px rgba(0,0,0,.15); color: #000; }
#vg-tooltip-element.visible { visibility: visible; }
#vg-tooltip-element table { border-spacing: 0; }
#vg-tooltip-element td.key { color: #666; text-align: right; padding-right: 6px; }
@media print {
  body { font-size: 11pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main, header.report-head, footer.report-foot { max-width: none; padding: 0; }
  details.chart-data { display: none; }
  a { color: inherit; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
}
`.trim();

/**
 * Draws every chart from its JSON block. `ast: true` makes Vega interpret expressions instead of
 * compiling them with `new Function`, which is what lets the CSP omit 'unsafe-eval'. The page state
 * is exposed on window.__tierlabReport so tests can wait for rendering and inspect the views.
 */
export const BOOT_SCRIPT = `
(function () {
  "use strict";
  var state = { done: false, rendered: 0, failed: 0, views: {} };
  window.__tierlabReport = state;
  var options = { mode: "vega-lite", renderer: "svg", actions: false, ast: true, defaultStyle: false,
    tooltip: { disableDefaultStyle: true } };
  function fail(box, err) {
    state.failed++;
    box.setAttribute("data-rendered", "false");
    var p = document.createElement("p");
    p.className = "chart-error";
    p.textContent = "This chart could not be drawn (" + String(err && err.message || err) + "). Its data is listed below it.";
    box.appendChild(p);
    console.error("tierlab report: chart " + box.id + " failed", err);
  }
  var blocks = document.querySelectorAll('script[type="application/json"][data-chart-for]');
  var jobs = Array.prototype.map.call(blocks, function (block) {
    var box = document.getElementById(block.getAttribute("data-chart-for"));
    try {
      var spec = JSON.parse(block.textContent);
      return vegaEmbed(box, spec, options).then(function (result) {
        state.views[box.id] = result.view;
        state.rendered++;
        box.setAttribute("data-rendered", "true");
      }, function (err) { fail(box, err); });
    } catch (err) {
      fail(box, err);
      return Promise.resolve();
    }
  });
  Promise.all(jobs).then(function () {
    state.done = true;
    document.documentElement.setAttribute("data-charts", state.failed ? "failed" : "ready");
  });
})();
`.trim();
