/**
 * Browsers: which web pages may call the gateway. A page on any origin can send a "simple" request
 * (`fetch(url, {mode: "no-cors", method: "POST"})`, a form post) with no CORS preflight, and the
 * gateway would route it and spend budget even though the page never reads the answer. So:
 * - a request carrying an `Origin` the operator did not list is refused before anything else;
 * - a request without `Origin` but with `Sec-Fetch-Site` naming another site or origin (a browser's
 *   GET from an <img> or a link) is refused too; SDKs, curl and servers send neither header;
 * - a listed origin gets CORS headers and its preflights are answered, so a browser app can use it.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { GatewayRequestError } from "./errors.js";
import { OUTCOME_TRAILERS } from "./route-headers.js";

export interface OriginPolicy {
  /** Throws 403 unless the request may come from where it says; returns the origin to echo in CORS headers. */
  check(headers: IncomingHttpHeaders): string | undefined;
  /** Answers a CORS preflight from an allowed origin; true when it did. */
  preflight(method: string | undefined, headers: IncomingHttpHeaders, res: ServerResponse): boolean;
  /** CORS response headers for an allowed origin. */
  corsHeaders(origin: string | undefined): Record<string, string>;
}

/** Origins as a browser sends them: scheme://host[:port], lower case, no path or trailing slash. */
export function normaliseOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not an origin; write it as scheme://host[:port], e.g. http://localhost:3000`);
  }
  if (url.origin === "null" || (url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    throw new Error(`"${raw}" is not an origin; write it as scheme://host[:port] with no path, e.g. http://localhost:3000`);
  }
  return url.origin;
}

const CROSS_SITE = new Set(["cross-site", "same-site"]);
const ALLOWED_HEADERS = "authorization, content-type, x-api-key, anthropic-version, anthropic-beta, x-tierlab-action, x-stainless-retry-count";
const EXPOSED = [
  "x-request-id",
  "x-tierlab-action",
  "x-tierlab-tier",
  "x-tierlab-model",
  "x-tierlab-verdict",
  "x-tierlab-confidence",
  "x-tierlab-cost-usd",
  "x-tierlab-attempts",
  "x-tierlab-cache",
];

export function makeOriginPolicy(allowed: readonly string[]): OriginPolicy {
  const list = new Set(allowed.map(normaliseOrigin));
  const refuse = (what: string) =>
    new GatewayRequestError({
      status: 403,
      code: "origin_not_allowed",
      message: `${what}: a web page may call this gateway only from an origin given with --allow-origin (each browser request could spend your API budget)`,
    });
  const allowedOrigin = (headers: IncomingHttpHeaders): string | undefined => {
    const origin = headers.origin;
    if (origin === undefined) return undefined;
    const o = Array.isArray(origin) ? origin[0]! : origin;
    if (list.has(o)) return o;
    throw refuse(`requests from origin "${o}" are not allowed`);
  };
  return {
    check(headers) {
      const origin = allowedOrigin(headers);
      if (origin === undefined && CROSS_SITE.has(String(headers["sec-fetch-site"] ?? "")))
        throw refuse("a browser request from another site without an Origin is not allowed");
      return origin;
    },
    preflight(method, headers, res) {
      if (method !== "OPTIONS" || headers["access-control-request-method"] === undefined) return false;
      const origin = allowedOrigin(headers);
      if (origin === undefined) return false;
      res.writeHead(204, {
        ...this.corsHeaders(origin),
        "access-control-allow-methods": "GET, POST",
        "access-control-allow-headers": ALLOWED_HEADERS,
        "access-control-max-age": "600",
      });
      res.end();
      return true;
    },
    corsHeaders(origin): Record<string, string> {
      if (origin === undefined) return {};
      return { "access-control-allow-origin": origin, vary: "origin", "access-control-expose-headers": [...EXPOSED, OUTCOME_TRAILERS].join(", ") };
    },
  };
}
