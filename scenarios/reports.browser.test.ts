/**
 * Every scenario's HTML in real headless Chromium with the network blocked: no console error, no
 * request, every chart drawn with marks, a screenshot under test-output/scenarios/. A bench answer
 * carrying <script>, </script> and an onerror attribute must stay text. Skips where Chromium is absent.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadReport, withChromium, type ReportLoad } from "../test-support/browser.js";
import {
  evaluateReportFixture,
  HOSTILE_ANSWER,
  makeRecords,
  tempDir,
  writeEvaluateReport,
  writeRunFolder,
  writeSimulation,
} from "../test-support/scenario-fixtures.js";
import { SCENARIOS } from "./lib/registry.js";
import { build } from "../test-support/scenario-helpers.js";

const OUT = resolve("test-output/scenarios");
const html: Record<string, string> = {};

beforeAll(async () => {
  const dir = tempDir();
  const reports = join(OUT, "html");
  mkdirSync(reports, { recursive: true });
  const run = writeRunFolder(dir, { runId: "browser-run", hostile: true });
  const slower = makeRecords({ runId: "browser-head", extraMs: 30 }).map((r, i) =>
    i % 3 === 0 ? { ...r, grade: { pass: false, reason: "differs", unparseable: null, extracted: null } } : r,
  );
  const head = writeRunFolder(dir, { runId: "browser-head" }, slower);
  const sims: string[] = [];
  for (const p of ["light", "medium", "heavy"]) sims.push((await writeSimulation(dir, p, { trials: 300 })).file);
  const medium = (await writeSimulation(join(dir, "from-bench"), "medium", { fromBench: run })).file;
  const argv: Record<string, string[]> = {
    decision: ["--run", run, "--simulation", medium, "--evaluate", writeEvaluateReport(dir), "--reference", "gpt-4o"],
    "seed-claims": ["--simulation", ...sims],
    "usage-profiles": ["--simulation", ...sims],
    bench: ["--run", run],
    calibration: ["--run", run],
    regression: ["--base", run, "--head", head, "--iterations", "500"],
  };
  for (const s of SCENARIOS) html[s.id] = (await build(s.id, argv[s.id]!, reports)).htmlPath;
}, 180_000);

function expectClean(load: ReportLoad, id: string): void {
  expect(load.consoleErrors, id).toEqual([]);
  expect(load.pageErrors, id).toEqual([]);
  expect(load.cspViolations, id).toEqual([]);
  expect(load.dialogs, id).toEqual([]);
  expect(load.blockedRequests, id).toEqual([]);
  expect(load.failedRequests, id).toEqual([]);
  expect(load.charts.length, `${id} has charts`).toBeGreaterThan(0);
  for (const c of load.charts) {
    expect(c.rendered, `${id} ${c.id}`).toBe("true");
    expect(c.marks, `${id} ${c.id} marks`).toBeGreaterThan(0);
  }
}

describe("scenario reports in headless Chromium, network blocked", () => {
  for (const s of SCENARIOS) {
    it(`${s.id}: loads offline, draws every chart, logs nothing`, async (ctx) => {
      await withChromium(
        async (browser) => {
          const load = await loadReport(browser, { htmlPath: html[s.id]!, screenshotPath: join(OUT, `${s.id}.png`) });
          console.log(
            `${s.id}: ${load.charts.length} charts (${load.charts.map((c) => c.marks).join("/")} marks) in ${load.loadMs} ms → ${load.screenshotPath}`,
          );
          expectClean(load, s.id);
        },
        { skip: (note) => ctx.skip(note) },
      );
    });
  }

  it("a model answer with <script>, </script> and onerror shows as text and runs nothing", async (ctx) => {
    await withChromium(
      async (browser) => {
        let text = "";
        let injected = -1;
        const load = await loadReport(browser, {
          htmlPath: html.bench!,
          screenshotPath: join(OUT, "bench-hostile.png"),
          interact: async (page) => {
            text = await page.locator("main").innerText();
            // Markup the payload would create if it were parsed: an <img> anywhere, a <script> in main.
            injected = await page.evaluate(() => document.querySelectorAll("img, main script:not([type='application/json'])").length);
          },
        });
        expectClean(load, "bench (hostile)");
        expect(text).toContain(HOSTILE_ANSWER);
        expect(injected).toBe(0);
      },
      { skip: (note) => ctx.skip(note) },
    );
  });

  it("decision: the cost–quality frontier draws a point, an interval and a label per policy, offline", async (ctx) => {
    await withChromium(
      async (browser) => {
        let marks = -1;
        let text = "";
        const load = await loadReport(browser, {
          htmlPath: html.decision!,
          screenshotPath: join(OUT, "decision-frontier.png"),
          interact: async (page) => {
            text = await page.locator("main").innerText();
            const section = page.locator("section.cell", { hasText: "Accuracy against cost per 1,000 requests" }).last();
            marks = await section.locator(".chart-box svg .role-mark > *").count();
          },
        });
        expectClean(load, "decision (frontier)");
        expect(marks).toBe(3 * evaluateReportFixture().policies.length);
        expect(text).toContain("keeps 99.3 % of gpt-4o's accuracy at 27.4 % of its cost");
      },
      { skip: (note) => ctx.skip(note) },
    );
  });
});
