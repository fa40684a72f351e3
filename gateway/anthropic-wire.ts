/**
 * Anthropic Messages (`POST /v1/messages`), so Anthropic-SDK clients can use the gateway: the
 * `anthropic-version` header is required as the API requires it, errors are Anthropic-shaped
 * (`{type: "error", error: {type, message}}`), and streams are the API's event sequence.
 * `system` is ignored like client system prompts elsewhere; `output_config.format` (json_schema)
 * becomes the action's output schema. Tools, images and documents get a 400.
 */
import { z } from "zod";
import type { Message, RawMessageStreamEvent, StopReason } from "@anthropic-ai/sdk/resources/messages";
import type { FinishReason, ResponseFormat } from "../router/contracts/provider.js";
import type { RouteResult } from "../router/contracts/route-result.js";
import { GatewayRequestError, toWireError, type WireErrorResponse } from "./errors.js";
import {
  ACTION_HEADER,
  parseOr400,
  routeInput,
  selectAction,
  sseEvent,
  unsupportedContent,
  type AnswerView,
  type Turn,
  type WireExchange,
  type WireFormat,
} from "./wire.js";

export const VERSION_HEADER = "anthropic-version";

const Block = z.looseObject({ type: z.string(), text: z.string().optional() });

const Format = z.looseObject({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) });

export const MessagesRequest = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z
    .array(z.looseObject({ role: z.enum(["user", "assistant"]), content: z.union([z.string(), z.array(Block)]) }))
    .min(1, "messages must hold at least one message"),
  system: z.union([z.string(), z.array(Block)]).optional(),
  stream: z.boolean().optional(),
  tools: z.array(z.unknown()).max(0, "tools are not supported: tierlab routes text actions").optional(),
  metadata: z.looseObject({ user_id: z.string().nullable().optional() }).optional(),
  output_config: z.looseObject({ format: Format.nullable().optional() }).optional(),
  /** The structured-outputs beta's spelling of the same field. */
  output_format: Format.nullable().optional(),
});
type MessagesRequest = z.infer<typeof MessagesRequest>;

function toTurns(body: MessagesRequest): Turn[] {
  return body.messages.map((m, i) => ({
    role: m.role,
    content:
      typeof m.content === "string"
        ? m.content
        : m.content
            .map((b, j) => {
              if (b.type === "text" && typeof b.text === "string") return b.text;
              throw unsupportedContent(`messages.${i}.content.${j}.type`, `content block type "${b.type}"`);
            })
            .join(""),
  }));
}

function responseFormat(body: MessagesRequest): ResponseFormat | undefined {
  const f = body.output_config?.format ?? body.output_format;
  return f ? { type: "json", schema: f.schema } : undefined;
}

function stopReason(f: FinishReason | undefined): StopReason {
  if (f === "length") return "max_tokens";
  if (f === "content_filter") return "refusal";
  return "end_turn";
}

/** Anthropic's wire has no "unknown" count: 0 stands in, and x-tierlab-attempts tells what was reported. */
function usageOf(answer: AnswerView | undefined): Message["usage"] {
  return {
    input_tokens: answer?.usage.inputTokens ?? 0,
    output_tokens: answer?.usage.outputTokens ?? 0,
    cache_creation_input_tokens: answer?.usage.cacheWriteTokens ?? null,
    cache_read_input_tokens: answer?.usage.cacheReadTokens ?? null,
    cache_creation: null,
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: null,
    speed: null,
  };
}

const TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  503: "overloaded_error",
};

/**
 * The OpenAI-shaped mapping re-dressed in Anthropic's error shape. A budget refusal is a 402
 * `billing_error` here, Anthropic's answer to spent credit (no SDK retries it).
 */
export interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string };
}

export function anthropicError(err: unknown): WireErrorResponse<AnthropicErrorBody> {
  const w = toWireError(err);
  const status = w.body.error.code === "insufficient_quota" ? 402 : w.status;
  const type = TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
  return { status, headers: w.headers, body: { type: "error", error: { type, message: w.body.error.message } } };
}

export const anthropicMessages: WireFormat = {
  error: anthropicError,
  parse({ body: raw, header, actions, requestId }): WireExchange {
    const version = header(VERSION_HEADER);
    if (!version) throw new GatewayRequestError({ status: 400, message: `${VERSION_HEADER}: header is required` });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(version))
      throw new GatewayRequestError({ status: 400, message: `${VERSION_HEADER}: "${version}" is not a version date like 2023-06-01` });
    const body = parseOr400(MessagesRequest, raw);
    const action = selectAction({ header: header(ACTION_HEADER), model: body.model, actions });
    const route = routeInput({
      action,
      turns: toTurns(body),
      lastParam: `messages.${body.messages.length - 1}.content`,
      maxTokens: body.max_tokens,
      tag: body.metadata?.user_id,
      responseFormat: responseFormat(body),
    });
    const id = `msg_${requestId.replace(/-/g, "")}`;
    const event = (e: RawMessageStreamEvent) => sseEvent(e.type, e);
    const message = (content: Message["content"], answer: AnswerView | undefined): Message => ({
      id,
      type: "message",
      role: "assistant",
      model: body.model,
      content,
      container: null,
      diagnostics: null,
      stop_details: null,
      stop_reason: answer ? stopReason(answer.finishReason) : null,
      stop_sequence: null,
      usage: usageOf(answer),
    });
    return {
      route,
      stream: body.stream === true,
      body: (_result: RouteResult, answer: AnswerView) => message([{ type: "text", text: answer.text, citations: null }], answer),
      // message_start's counts are placeholders on a live stream; message_delta carries the real ones, as the API does.
      open: () =>
        event({ type: "message_start", message: message([], undefined) }) +
        event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "", citations: null } }),
      delta: (text) => event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }),
      close: (_result, answer) =>
        event({ type: "content_block_stop", index: 0 }) +
        event({
          type: "message_delta",
          delta: { stop_reason: stopReason(answer.finishReason), stop_sequence: null, container: null, stop_details: null },
          usage: {
            input_tokens: answer.usage.inputTokens ?? null,
            output_tokens: answer.usage.outputTokens ?? 0,
            cache_creation_input_tokens: answer.usage.cacheWriteTokens ?? null,
            cache_read_input_tokens: answer.usage.cacheReadTokens ?? null,
            output_tokens_details: null,
            server_tool_use: null,
          },
        }) +
        event({ type: "message_stop" }),
      fail: (err) => sseEvent("error", anthropicError(err).body),
    };
  },
};

/** GET /v1/models in Anthropic's shape, for clients that send `anthropic-version`. */
export function anthropicModelList(actions: readonly string[], createdUnix: number) {
  const createdAt = new Date(createdUnix * 1000).toISOString();
  const data = actions.map((a) => ({ type: "model" as const, id: `tierlab/${a}`, display_name: `tierlab ${a}`, created_at: createdAt }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
