/**
 * Who may call the gateway. Every request it serves can spend API budget, so:
 * - beyond loopback it must have a bearer token (checked in constant time);
 * - without a token, only requests addressed to a loopback name are served, which stops a web page
 *   from reaching the local gateway through DNS rebinding (its Host header names the attacker's domain).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { isIP } from "node:net";
import { GatewayRequestError, InsecureBindError } from "./errors.js";

const LOOPBACK_NAMES = new Set(["localhost", "::1", "[::1]"]);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h) || h.endsWith(".localhost")) return true;
  const bare = h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || /^::ffff:127\./.test(bare);
  return false;
}

export function assertSafeBind(host: string, token: string | undefined): void {
  if (token || isLoopbackHost(host)) return;
  throw new InsecureBindError({
    message: `refusing to listen on ${host} without a token: anyone who can reach it could spend your API budget`,
    fix: "export TIERLAB_TOKEN=$(openssl rand -hex 32) and pass --token-env TIERLAB_TOKEN, or bind --host 127.0.0.1",
  });
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Compares digests, so neither the token's content nor its length leaks through timing. */
export function makeTokenCheck(token: string): (headers: IncomingHttpHeaders) => void {
  const expected = digest(token);
  return (headers) => {
    const auth = headers.authorization;
    const m = typeof auth === "string" ? /^Bearer\s+(.+)$/i.exec(auth.trim()) : null;
    // Anthropic's SDKs send their key as x-api-key (ANTHROPIC_AUTH_TOKEN goes as a bearer token).
    const apiKey = headers["x-api-key"];
    const given = m?.[1] ?? (typeof apiKey === "string" && apiKey ? apiKey : undefined);
    if (given === undefined) {
      throw new GatewayRequestError({
        status: 401,
        code: "missing_api_key",
        message:
          "This gateway needs a token: send `Authorization: Bearer <token>` or `x-api-key: <token>` (the OpenAI and Anthropic SDKs send their apiKey that way).",
      });
    }
    if (!timingSafeEqual(digest(given), expected)) {
      throw new GatewayRequestError({ status: 401, code: "invalid_api_key", message: "Incorrect bearer token for this tierlab gateway." });
    }
  };
}

/** Without a token, the Host header must name a loopback address. */
export function checkHostHeader(headers: IncomingHttpHeaders): void {
  const host = headers.host ?? "";
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0]!;
  if (!isLoopbackHost(name)) {
    throw new GatewayRequestError({
      status: 403,
      code: "host_not_allowed",
      message: `Host "${host}" is not a loopback name; a gateway without a token only answers requests addressed to localhost or 127.0.0.1.`,
    });
  }
}
