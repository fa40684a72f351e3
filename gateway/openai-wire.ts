/**
 * OpenAI Chat Completions (`POST /v1/chat/completions`) and the model list, as far as a router of
 * text actions needs them. `model` echoes what the client asked for (the backend model is in
 * `x-tierlab-model`); `usage` and `finish_reason` are the returned answer's own.
 *
 * `response_format` (json_schema / json_object) becomes the action's output schema. Other sampling
 * parameters (temperature, top_p, seed, stop) and client system messages are accepted and ignored:
 * each action's config fixes them, because its quality checks and thresholds were tuned with them.
 */
import { z } from "zod";
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import type { Model } from "openai/resources/models";
import type { FinishReason, ResponseFormat } from "../router/contracts/provider.js";
import type { RouteResult } from "../router/contracts/route-result.js";
import { toWireError } from "./errors.js";
import {
  ACTION_HEADER,
  MODEL_PREFIX,
  parseOr400,
  routeInput,
  selectAction,
  sse,
  unsupportedContent,
  type AnswerView,
  type Turn,
  type WireExchange,
  type WireFormat,
} from "./wire.js";

export { ACTION_HEADER, MODEL_PREFIX, selectAction };

const MaxTokens = z.number().int().positive().nullable().optional();

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const Message = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: z
    .union([z.string(), z.array(ContentPart)])
    .nullable()
    .optional(),
});

/** The shapes OpenAI's response_format takes; a json_schema without a schema asks for any JSON. */
export const OpenAIResponseFormat = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({ name: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional() }),
  }),
]);

export const ChatCompletionRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(Message).min(1, "messages must hold at least one message"),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  max_tokens: MaxTokens,
  max_completion_tokens: MaxTokens,
  n: z.number().int().max(1, "n > 1 is not supported: the router returns one checked answer").nullable().optional(),
  user: z.string().optional(),
  response_format: OpenAIResponseFormat.nullable().optional(),
  tools: z.array(z.unknown()).max(0, "tools are not supported: tierlab routes text actions").nullable().optional(),
  functions: z.array(z.unknown()).max(0, "functions are not supported: tierlab routes text actions").nullable().optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

export function parseChatRequest(raw: unknown): ChatCompletionRequest {
  return parseOr400(ChatCompletionRequest, raw);
}

/** json_schema → the schema; json_object → any JSON; text → the action's own format. */
export function chatResponseFormat(rf: z.infer<typeof OpenAIResponseFormat> | null | undefined): ResponseFormat | undefined {
  if (!rf || rf.type === "text") return undefined;
  if (rf.type === "json_object") return { type: "json" };
  return rf.json_schema.schema ? { type: "json", schema: rf.json_schema.schema } : { type: "json" };
}

function textOf(content: z.infer<typeof Message>["content"], index: number): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content
    .map((part, j) => {
      if (part.type !== "text" || typeof part.text !== "string")
        throw unsupportedContent(`messages[${index}].content[${j}]`, `content part type "${part.type}"`);
      return part.text;
    })
    .join("");
}

export function toTurns(body: ChatCompletionRequest): Turn[] {
  const turns: Turn[] = [];
  body.messages.forEach((m, i) => {
    if (m.role === "tool" || m.role === "function") throw unsupportedContent(`messages[${i}].role`, `role "${m.role}"`);
    if (m.role === "system" || m.role === "developer") return;
    turns.push({ role: m.role, content: textOf(m.content, i) });
  });
  return turns;
}

type WireFinish = ChatCompletion.Choice["finish_reason"];

export function chatFinish(f: FinishReason | undefined): WireFinish {
  return f === "length" || f === "content_filter" || f === "tool_calls" ? f : "stop";
}

/** Usage in OpenAI's shape; omitted when a backend did not report counts (unknown is not 0). */
function usageOf(answer: AnswerView) {
  const { inputTokens, outputTokens } = answer.usage;
  if (inputTokens === undefined || outputTokens === undefined) return undefined;
  return { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
}

export const chatCompletions: WireFormat = {
  error: toWireError,
  parse({ body: raw, header, actions, requestId, created }): WireExchange {
    const body = parseChatRequest(raw);
    const action = selectAction({ header: header(ACTION_HEADER), model: body.model, actions });
    const route = routeInput({
      action,
      turns: toTurns(body),
      lastParam: `messages[${body.messages.length - 1}].content`,
      maxTokens: body.max_completion_tokens ?? body.max_tokens,
      tag: body.user,
      responseFormat: chatResponseFormat(body.response_format),
    });
    const id = `chatcmpl-${requestId}`;
    const includeUsage = body.stream_options?.include_usage === true;
    const chunk = (choices: ChatCompletionChunk.Choice[], extra: Partial<ChatCompletionChunk> = {}): ChatCompletionChunk => ({
      id,
      object: "chat.completion.chunk",
      created,
      model: body.model,
      choices,
      ...(includeUsage ? { usage: null } : {}),
      ...extra,
    });
    const choice = (delta: ChatCompletionChunk.Choice.Delta, finish: WireFinish | null): ChatCompletionChunk.Choice => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finish,
    });
    return {
      route,
      stream: body.stream === true,
      body(_result: RouteResult, answer: AnswerView): ChatCompletion {
        const usage = usageOf(answer);
        return {
          id,
          object: "chat.completion",
          created,
          model: body.model,
          choices: [
            { index: 0, message: { role: "assistant", content: answer.text, refusal: null }, logprobs: null, finish_reason: chatFinish(answer.finishReason) },
          ],
          ...(usage ? { usage } : {}),
        };
      },
      open: () => sse(chunk([choice({ role: "assistant", content: "", refusal: null }, null)])),
      delta: (text) => sse(chunk([choice({ content: text }, null)])),
      close(_result, answer) {
        let out = sse(chunk([choice({}, chatFinish(answer.finishReason))]));
        // null, not zeros, when a backend gave no counts: a made-up 0 would read as a free answer.
        if (includeUsage) out += sse(chunk([], { usage: usageOf(answer) ?? null }));
        return `${out}data: [DONE]\n\n`;
      },
      // The API's own in-stream failure: a data line with an `error` object, which the SDKs raise.
      fail: (err) => sse(toWireError(err).body),
    };
  },
};

export function modelList(actions: readonly string[], created: number) {
  return { object: "list" as const, data: actions.map((a) => modelObject(a, created)) };
}

export function modelObject(action: string, created: number): Model {
  return { id: `${MODEL_PREFIX}${action}`, object: "model", created, owned_by: "tierlab" };
}
