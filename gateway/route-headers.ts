/**
 * What the gateway says about a route beyond the wire format's own fields: the answer's usage and
 * finish reason, and the `x-tierlab-*` headers carrying every attempt's usage and cost. A live
 * stream knows tier and model when its first text goes out but not the verdict or cost, so those
 * arrive as HTTP trailers (declared in `Trailer`).
 */
import type { Attempt, RouteResult } from "../router/contracts/route-result.js";
import type { AnswerStart, AnswerView } from "./wire.js";

/** The returned answer's own usage and finish reason, not the cascade's totals. */
export function answerOf(result: RouteResult): AnswerView {
  const a = result.answerAttempt === undefined ? undefined : result.attempts.find((x) => x.attempt === result.answerAttempt);
  return { text: result.text, usage: a?.usage ?? {}, finishReason: a?.finishReason };
}

/** Headers a live stream can send before its first text. */
export function startHeaders(args: { requestId: string; action: string; start: AnswerStart; cacheHit: boolean }): Record<string, string> {
  const h: Record<string, string> = { "x-request-id": args.requestId, "x-tierlab-action": args.action, "x-tierlab-cache": args.cacheHit ? "hit" : "miss" };
  if (args.start.tier) h["x-tierlab-tier"] = args.start.tier;
  if (args.start.modelId) h["x-tierlab-model"] = args.start.modelId;
  return h;
}

/** Known only when the route ends: headers on a buffered answer, trailers on a live stream. */
export function outcomeHeaders(result: RouteResult): Record<string, string> {
  const h: Record<string, string> = {
    "x-tierlab-verdict": result.verdict,
    "x-tierlab-cost-usd": String(result.costUsd),
    "x-tierlab-attempts": attemptsHeader(result.attempts),
  };
  if (result.confidence !== undefined) h["x-tierlab-confidence"] = result.confidence.toFixed(3);
  return h;
}

export const OUTCOME_TRAILERS = "x-tierlab-verdict, x-tierlab-cost-usd, x-tierlab-attempts, x-tierlab-confidence";

export function routeHeaders(result: RouteResult, cacheHit: boolean): Record<string, string> {
  return {
    ...startHeaders({ requestId: result.requestId, action: result.action, start: { tier: result.tier, modelId: result.modelId }, cacheHit }),
    ...outcomeHeaders(result),
  };
}

/**
 * Every attempt as compact JSON: `[{"attempt":1,"tier":"LOCAL_FAST","model":"fast-a","verdict":"rejected",
 * "input_tokens":5,"output_tokens":7,"cost_usd":0}, ...]`. Token counts a backend did not report are
 * absent, not 0. Non-ASCII is \u-escaped: header values must be Latin-1.
 */
export function attemptsHeader(attempts: Attempt[]): string {
  const rows = attempts.map((a) => ({
    attempt: a.attempt,
    tier: a.tier,
    model: a.modelId,
    verdict: a.verdict,
    input_tokens: a.usage.inputTokens,
    output_tokens: a.usage.outputTokens,
    cost_usd: a.costUsd,
  }));
  return JSON.stringify(rows).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
