/**
 * Opens a rendered report in real headless Chromium with every network request blocked and checks
 * what a reader would see: charts drawn, nothing executed from the data, nothing logged, nothing
 * fetched. Skips (with the reason printed) where Chromium is not installed.
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { loadReport, withChromium } from "../test-support/browser.js";
import { sampleNotebook } from "../test-support/sample-notebook.js";
import { writeReport } from "./write.js";

const OUT = resolve("test-output/reports");

// The third bar is the tier whose name carries the <script>/<img onerror> payload; vega-tooltip
// writes tooltip HTML with innerHTML, so this is where an escaping slip would execute.
async function hoverHostileBar(page: Page): Promise<string> {
  await page.locator("#chart-6 svg .role-mark > path").nth(2).hover();
  const tooltip = page.locator("#vg-tooltip-element.visible");
  await tooltip.waitFor({ timeout: 5_000 });
  expect(await tooltip.locator("img, script").count()).toBe(0);
  return tooltip.innerText();
}

describe("HTML report in headless Chromium", () => {
  it("draws every chart offline, with no errors, dialogs or requests, even with hostile data", async (ctx) => {
    await mkdir(OUT, { recursive: true });
    const { htmlPath } = await writeReport(sampleNotebook({ hostile: true }), OUT);
    await withChromium(
      async (browser) => {
        let tooltipText = "";
        const load = await loadReport(browser, {
          htmlPath,
          screenshotPath: join(OUT, "sample-hostile.png"),
          interact: async (page) => {
            tooltipText = await hoverHostileBar(page);
            await page.mouse.move(0, 0);
          },
        });
        console.log(`report loaded and charts drawn in ${load.loadMs} ms; screenshot ${load.screenshotPath}`);
        expect(load.consoleErrors).toEqual([]);
        expect(load.consoleWarnings).toEqual([]);
        expect(load.pageErrors).toEqual([]);
        expect(load.cspViolations).toEqual([]);
        expect(load.dialogs).toEqual([]);
        expect(load.blockedRequests).toEqual([]);
        expect(load.failedRequests).toEqual([]);
        expect(load.charts.map((c) => c.id)).toEqual(["chart-6", "chart-7", "chart-8"]);
        for (const c of load.charts) {
          expect(c.rendered, c.id).toBe("true");
          expect(c.marks, c.id).toBeGreaterThan(0);
        }
        // bar: 4 bars; line: 1 line + 14 points; layered: 14 bars + 1 budget rule
        expect(load.charts.map((c) => c.marks)).toEqual([4, 15, 15]);
        expect(tooltipText).toContain("<script>alert(1)</script>");
      },
      { skip: (note) => ctx.skip(note) },
    );
  });
});
