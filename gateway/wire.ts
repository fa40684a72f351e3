/**
 * The contract between the gateway's HTTP plumbing (server.ts, exchange.ts) and each wire format it
 * speaks (OpenAI Chat Completions, OpenAI Responses, Anthropic Messages), plus the rules they share:
 * which action a request names, how a conversation becomes a RouteRequest, how validation errors
 * name the field.
 */
import type { z } from "zod";
import type { ChatMessage, FinishReason, ResponseFormat, Usage } from "../router/contracts/provider.js";
import type { RouteRequest, RouteResult } from "../router/contracts/route-result.js";
import { GatewayRequestError, type WireErrorResponse } from "./errors.js";

export const ACTION_HEADER = "x-tierlab-action";
export const MODEL_PREFIX = "tierlab/";

/** The answer a client receives, with its own usage and finish reason (not the cascade's totals). */
export interface AnswerView {
  text: string;
  usage: Usage;
  finishReason: FinishReason | undefined;
}

/** Where a live stream's text comes from, known before the text. */
export interface AnswerStart {
  tier: string | undefined;
  modelId: string | undefined;
}

/** One request, validated and bound to its wire format: routes it, then renders what happened. */
export interface WireExchange {
  route: Omit<RouteRequest, "signal" | "requestId">;
  stream: boolean;
  /** The non-streaming body. */
  body(result: RouteResult, answer: AnswerView): unknown;
  /** The stream as SSE text: `open` before the first piece, `delta` per piece, then `close` or `fail`. */
  open(start: AnswerStart): string;
  delta(text: string): string;
  close(result: RouteResult, answer: AnswerView): string;
  /** The format's in-stream error, for a failure after the response has started. */
  fail(err: unknown): string;
}

export interface WireFormat {
  /** Builds the exchange; throws GatewayRequestError for anything the client must fix. */
  parse(args: { body: unknown; header: (name: string) => string | undefined; actions: readonly string[]; requestId: string; created: number }): WireExchange;
  /** This format's error response for any error. */
  error(err: unknown): WireErrorResponse<unknown>;
}

/** The header wins, so clients whose model name is fixed (say `gpt-4o-mini`) still choose the action. */
export function selectAction(args: { header: string | undefined; model: string; actions: readonly string[] }): string {
  const wanted = args.header?.trim() || (args.model.startsWith(MODEL_PREFIX) ? args.model.slice(MODEL_PREFIX.length) : args.model);
  if (args.actions.includes(wanted)) return wanted;
  const via = args.header?.trim() ? `header ${ACTION_HEADER}` : "model";
  throw new GatewayRequestError({
    status: 404,
    param: args.header?.trim() ? null : "model",
    code: "model_not_found",
    message: `The ${via} "${args.header?.trim() || args.model}" names no tierlab action. Use model "${MODEL_PREFIX}<action>" or the ${ACTION_HEADER} header with one of: ${args.actions.join(", ")}.`,
  });
}

/** zod's first issue as a 400 naming the field the way the APIs do (`messages[0].content`). */
export function parseOr400<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("") || null;
  throw new GatewayRequestError({ status: 400, message: `${param ?? "body"}: ${issue.message}`, param });
}

export type Turn = ChatMessage & { role: "user" | "assistant" };

/**
 * The conversation as the router takes it: the last turn (a user's) is the input rendered into the
 * action's template, earlier turns are history. Client system prompts never reach here: the
 * action's own system prompt defines the task its checks were tuned for.
 */
export function routeInput(args: {
  action: string;
  turns: Turn[];
  lastParam: string;
  maxTokens?: number | null;
  tag?: string | null;
  responseFormat?: ResponseFormat;
}): WireExchange["route"] {
  const turns = [...args.turns];
  const last = turns.pop();
  if (!last || last.role !== "user") {
    throw new GatewayRequestError({
      status: 400,
      param: "messages",
      message: 'the last non-system message must have role "user": it is the input the action answers',
    });
  }
  if (last.content.trim() === "" && turns.length === 0) {
    throw new GatewayRequestError({ status: 400, param: args.lastParam, message: "the user message is empty: there is nothing to route" });
  }
  const route: WireExchange["route"] = { action: args.action, prompt: last.content };
  if (turns.length) route.history = turns;
  if (args.maxTokens) route.maxTokens = args.maxTokens;
  if (args.tag) route.tag = args.tag;
  if (args.responseFormat) route.responseFormat = args.responseFormat;
  return route;
}

/** A 400 for content the router cannot take (images, files, tool calls), naming where it was. */
export function unsupportedContent(param: string, what: string): GatewayRequestError {
  return new GatewayRequestError({
    status: 400,
    param,
    message: `${what} is not supported: tierlab routes text actions; send text only (see the gateway README)`,
  });
}

export const sse = (data: object) => `data: ${JSON.stringify(data)}\n\n`;
export const sseEvent = (event: string, data: object) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
