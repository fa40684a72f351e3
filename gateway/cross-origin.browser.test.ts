/**
 * A web page on another origin (a second 127.0.0.1 port, as any site the user visits could be) tries
 * to make the loopback gateway route a request, in real headless Chromium. `fetch` with
 * `mode: "no-cors"` sends a "simple" POST with no preflight; the page never reads the answer, but a
 * routed request would already have spent budget. The gateway must refuse it before routing; a listed
 * origin gets CORS and a working answer, which shows the page's requests really reach the gateway.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { withChromium } from "../test-support/browser.js";
import { startFixture, type Fixture } from "../test-support/gateway-fixture.js";

const BODY = JSON.stringify({ model: "tierlab/classify", messages: [{ role: "user", content: "Fixed login bug" }] });

/** The attacker's page: fires each request, then reports what it could see. */
function attackPage(gateway: string): string {
  return `<!doctype html><meta charset="utf-8"><script>
  const url = ${JSON.stringify(`${gateway}/v1/chat/completions`)};
  const body = ${JSON.stringify(BODY)};
  const shots = [
    { mode: "no-cors", method: "POST", headers: { "content-type": "text/plain; x=application/json" }, body },
    { mode: "no-cors", method: "POST", headers: { "content-type": "text/plain" }, body },
    { mode: "no-cors", method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body },
    { mode: "cors", method: "POST", headers: { "content-type": "application/json" }, body },
  ];
  window.results = Promise.all(shots.map((s) => fetch(url, s).then((r) => "status " + r.status + (r.type === "opaque" ? " opaque" : ""), (e) => "failed: " + e.message)));
  </script>`;
}

/** A friendly app on an allowed origin: a CORS request it can read. */
function appPage(gateway: string): string {
  return `<!doctype html><meta charset="utf-8"><script>
  window.results = fetch(${JSON.stringify(`${gateway}/v1/chat/completions`)}, { method: "POST", headers: { "content-type": "application/json" }, body: ${JSON.stringify(BODY)} })
    .then(async (r) => [r.status, (await r.json()).choices[0].message.content, r.headers.get("x-tierlab-tier")]);
  </script>`;
}

let pageServer: Server | undefined;
let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
  fx = pageServer = undefined;
});

async function servePage(html: () => string): Promise<string> {
  pageServer = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html());
  });
  await new Promise<void>((resolve) => pageServer!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
}

/** Every status the gateway sent, whether or not the page could read it. */
function statusesOf(f: Fixture): number[] {
  const seen: number[] = [];
  f.gateway.server.on("request", (_req, res) => res.on("finish", () => seen.push(res.statusCode)));
  return seen;
}

describe("gateway in Chromium, called from a page on another origin", () => {
  it("routes nothing for no-cors posts (text/plain, text/plain with application/json in a parameter, a form type) nor for a CORS post", async (ctx) => {
    fx = await startFixture();
    const statuses = statusesOf(fx);
    const gatewayUrl = fx.gateway.url;
    const page = await servePage(() => attackPage(gatewayUrl));
    await withChromium(
      async (browser) => {
        const tab = await browser.newPage();
        await tab.goto(page);
        const seen = (await tab.evaluate(() => (window as unknown as { results: Promise<string[]> }).results)) as string[];
        // What the page learns: nothing (opaque), and the CORS request fails without an allowed origin.
        expect(seen.slice(0, 3)).toEqual(["status 0 opaque", "status 0 opaque", "status 0 opaque"]);
        expect(seen[3]).toMatch(/^failed: /);
        await tab.close();
      },
      { skip: (note) => ctx.skip(note) },
    );
    // Every request reached the gateway and was refused before routing: no model call, no ledger row.
    expect(statuses.sort()).toEqual([403, 403, 403, 403]);
    expect(fx.providers.fast.calls).toBe(0);
    expect(fx.ledger.query()).toEqual([]);
  });

  it("an origin given in allowedOrigins gets a preflight answer, CORS headers and the routed answer", async (ctx) => {
    let gatewayUrl = "";
    const page = await servePage(() => appPage(gatewayUrl));
    fx = await startFixture({ gateway: { allowedOrigins: [page] } });
    gatewayUrl = fx.gateway.url;
    const statuses = statusesOf(fx);
    await withChromium(
      async (browser) => {
        const tab = await browser.newPage();
        await tab.goto(page);
        expect(await tab.evaluate(() => (window as unknown as { results: Promise<unknown> }).results)).toEqual([200, "auth", "LOCAL_FAST"]);
        await tab.close();
      },
      { skip: (note) => ctx.skip(note) },
    );
    expect(statuses.sort()).toEqual([200, 204]);
    expect(fx.providers.fast.calls).toBe(1);
  });
});
