/**
 * Errors the gateway throws, and the one mapping from any error to an OpenAI-style error response,
 * so existing client code (and the official SDKs' error classes) recognise every failure.
 */
import { AllTiersFailedError } from "../router/all-tiers-failed.js";
import { AbortedError, BudgetExceededError, ConfigError, LedgerUnavailableError, TierlabError, UsageError } from "../core/errors.js";

export type WireErrorType = "invalid_request_error" | "authentication_error" | "insufficient_quota" | "server_error";

/** A request the gateway refuses before routing; carries the HTTP status and OpenAI's error fields. */
export class GatewayRequestError extends TierlabError {
  readonly status: number;
  readonly type: WireErrorType;
  readonly param: string | null;
  readonly code: string | null;
  constructor(init: { status: number; message: string; type?: WireErrorType; param?: string | null; code?: string | null }) {
    super({ message: init.message });
    this.status = init.status;
    this.type = init.type ?? "invalid_request_error";
    this.param = init.param ?? null;
    this.code = init.code ?? null;
  }
}

/** The client hung up before its request body arrived: nobody is left to answer, and it is no server error. */
export class ClientClosedError extends GatewayRequestError {
  constructor() {
    super({ status: 499, code: "client_closed_request", message: "the client closed the connection before its request body arrived" });
  }
}

/** Thrown at start-up: listening beyond loopback without a token would expose paid API spend. */
export class InsecureBindError extends UsageError {}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An error response in some wire format; `body` is that format's error object. */
export interface WireErrorResponse<B = OpenAIErrorBody> {
  status: number;
  headers: Record<string, string>;
  body: B;
}

/**
 * Status choices:
 * - budget refusal → 429 `insufficient_quota`: what OpenAI itself answers when a quota is spent, so
 *   client code that handles that case already works. 402 would be unknown to every client. The
 *   `x-should-retry: false` header stops the official SDKs' automatic retries: a spent budget does
 *   not come back within their backoff window.
 * - no tier answered → 502: the gateway is fine, its upstreams were not. The router has already
 *   retried each model, so clients are told not to retry on top of that.
 * - ledger database unreachable → 503 `ledger_unavailable` with `retry-after: 1`: nothing paid was
 *   called without a reservation, and the service resumes by itself when the database is back.
 */
export function toWireError(err: unknown): WireErrorResponse {
  const noRetry = { "x-should-retry": "false" };
  const make = (
    status: number,
    type: string,
    message: string,
    extra: { param?: string | null; code?: string | null; headers?: Record<string, string> } = {},
  ): WireErrorResponse => ({
    status,
    headers: extra.headers ?? {},
    body: { error: { message, type, param: extra.param ?? null, code: extra.code ?? null } },
  });
  if (err instanceof GatewayRequestError) {
    // A body that did not arrive in time is not waited for any longer: the connection closes.
    const headers: Record<string, string> = err.status === 401 ? { "www-authenticate": "Bearer" } : err.status === 408 ? { connection: "close" } : {};
    return make(err.status, err.type, err.message, { param: err.param, code: err.code, headers });
  }
  if (err instanceof BudgetExceededError) {
    return make(429, "insufficient_quota", `budget refused the request: ${err.message}`, { code: "insufficient_quota", headers: noRetry });
  }
  if (err instanceof LedgerUnavailableError) {
    return make(503, "server_error", err.message, { code: "ledger_unavailable", headers: { "retry-after": "1" } });
  }
  if (err instanceof AllTiersFailedError) {
    return make(502, "server_error", err.message, { code: "no_tier_answered", headers: noRetry });
  }
  if (err instanceof UsageError) return make(400, "invalid_request_error", err.describe());
  if (err instanceof AbortedError) return make(499, "invalid_request_error", "the client closed the request", { code: "client_closed_request" });
  if (err instanceof ConfigError) return make(500, "server_error", "the gateway's router config is invalid; see the gateway log", { code: "config_error" });
  return make(500, "server_error", "internal error in the gateway; see its log", { code: "internal_error" });
}
