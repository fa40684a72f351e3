/**
 * Real-browser checks for HTML reports: headless Chromium from the system package (no browser
 * download), every non-file request aborted, and everything that would tell a human the page is
 * broken (console errors, page errors, CSP violations, dialogs, blocked requests) collected as data.
 */
import { accessSync, constants } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export type ChromiumLookup = { path: string; reason?: undefined } | { path?: undefined; reason: string };

/** $CHROMIUM_PATH, else /usr/bin/chromium; `reason` says why it cannot be used. */
export function findChromium(): ChromiumLookup {
  const path = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  try {
    accessSync(path, constants.X_OK);
    return { path };
  } catch {
    return { reason: `no executable Chromium at ${path}; install it (apt-get install -y chromium) or set CHROMIUM_PATH` };
  }
}

/**
 * Runs `fn` with a launched browser and always closes it. Without Chromium it prints the reason and
 * calls `skip` (pass vitest's `ctx.skip`), so the test is reported as skipped rather than passing.
 */
export async function withChromium<T>(fn: (browser: Browser) => Promise<T>, opts: { skip: (note: string) => void }): Promise<T | undefined> {
  const found = findChromium();
  if (found.path === undefined) {
    console.warn(`[browser test skipped] ${found.reason}`);
    opts.skip(found.reason);
    return undefined;
  }
  const browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS, headless: true });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

export interface ChartRender {
  id: string;
  /** "true" once vega-embed resolved, "false" if the page gave up on it, null if never attempted. */
  rendered: string | null;
  /** Data marks drawn (children of Vega's role-mark groups): bars, points, line paths, rules. */
  marks: number;
}

export interface ReportLoad {
  consoleErrors: string[];
  consoleWarnings: string[];
  pageErrors: string[];
  cspViolations: string[];
  /** Requests to anything but file:, data:, blob: or about: — all of them were aborted. */
  blockedRequests: string[];
  failedRequests: string[];
  dialogs: string[];
  charts: ChartRender[];
  screenshotPath: string;
  loadMs: number;
}

const LOCAL = /^(file|data|blob|about):/i;

export interface LoadReportArgs {
  htmlPath: string;
  screenshotPath: string;
  timeoutMs?: number;
  /** Runs after the charts are drawn and before the screenshot, with all collectors still listening. */
  interact?: (page: Page) => Promise<void>;
}

export async function loadReport(browser: Browser, args: LoadReportArgs): Promise<ReportLoad> {
  const started = performance.now();
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, serviceWorkers: "block", acceptDownloads: false });
  const out: Omit<ReportLoad, "charts" | "screenshotPath" | "loadMs"> = {
    consoleErrors: [],
    consoleWarnings: [],
    pageErrors: [],
    cspViolations: [],
    blockedRequests: [],
    failedRequests: [],
    dialogs: [],
  };
  try {
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (LOCAL.test(url)) return route.continue();
      out.blockedRequests.push(url);
      return route.abort("blockedbyclient");
    });
    // Recorded in the page because Chromium reports some violations only as events, not console lines.
    await context.addInitScript(() => {
      const w = window as unknown as { __cspViolations: string[] };
      w.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e) => {
        w.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
      });
    });
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") out.consoleErrors.push(m.text());
      else if (m.type() === "warning") out.consoleWarnings.push(m.text());
    });
    page.on("pageerror", (e) => out.pageErrors.push(String(e)));
    page.on("requestfailed", (r) => {
      if (!LOCAL.test(r.url())) out.failedRequests.push(`${r.url()}: ${r.failure()?.errorText ?? "failed"}`);
    });
    page.on("dialog", (d) => {
      out.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    const timeout = args.timeoutMs ?? 20_000;
    await page.goto(pathToFileURL(resolve(args.htmlPath)).href, { waitUntil: "load", timeout });
    await page.waitForFunction(
      () => {
        const w = window as unknown as { __tierlabReport?: { done: boolean } };
        return document.querySelector("[data-chart-for]") === null || w.__tierlabReport?.done === true;
      },
      undefined,
      { timeout },
    );
    const charts = await page.$$eval(".chart-box", (boxes) =>
      boxes.map((b) => ({ id: b.id, rendered: b.getAttribute("data-rendered"), marks: b.querySelectorAll("svg .role-mark > *").length })),
    );
    if (args.interact) await args.interact(page);
    out.cspViolations.push(...(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)));
    await mkdir(dirname(resolve(args.screenshotPath)), { recursive: true });
    await page.screenshot({ path: args.screenshotPath, fullPage: true });
    return { ...out, charts, screenshotPath: args.screenshotPath, loadMs: Math.round(performance.now() - started) };
  } finally {
    await context.close();
  }
}
