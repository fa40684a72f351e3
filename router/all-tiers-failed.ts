/**
 * Every tier of the chain failed or was skipped. The error carries the route's result (every attempt,
 * with its error, usage and cost), so callers can print or record what happened without a cast.
 */
import type { RouteResult } from "./contracts/route-result.js";
import { TierlabError, type ErrorInit } from "../core/errors.js";
import { EXIT } from "../core/exit-codes.js";

export class AllTiersFailedError extends TierlabError {
  override readonly exitCode = EXIT.providerFailure;
  readonly result: RouteResult;
  constructor(init: ErrorInit & { result: RouteResult }) {
    super(init);
    this.result = init.result;
  }
}

/** The failed route behind an error, when there is one. */
export function failedRouteOf(err: unknown): RouteResult | undefined {
  return err instanceof AllTiersFailedError ? err.result : undefined;
}
