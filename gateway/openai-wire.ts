/**
 * The OpenAI Chat Completions wire format, as far as a router of text actions needs it: validate a
 * request into a RouteRequest, pick the action, and render a RouteResult as a `chat.completion` or
 * as a `chat.completion.chunk` SSE stream.
 *
 * Sampling parameters (temperature, top_p, seed, stop, response_format) are accepted and ignored:
 * each action's config fixes them, because its quality checks and thresholds were tuned with them.
 * Client system messages are dropped for the same reason: the action's system prompt defines the task.
 */
import { z } from "zod";
import type { ChatMessage, FinishReason } from "../router/contracts/provider.js";
import type { RouteRequest, RouteResult } from "../router/contracts/route-result.js";
import { GatewayRequestError } from "./errors.js";

export const ACTION_HEADER = "x-tierlab-action";
export const MODEL_PREFIX = "tierlab/";

const MaxTokens = z.number().int().positive().nullable().optional();

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const Message = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: z.union([z.string(), z.array(ContentPart)]).nullable().optional(),
});

export const ChatCompletionRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(Message).min(1, "messages must hold at least one message"),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  max_tokens: MaxTokens,
  max_completion_tokens: MaxTokens,
  n: z.number().int().max(1, "n > 1 is not supported: the router returns one checked answer").nullable().optional(),
  user: z.string().optional(),
  tools: z.array(z.unknown()).max(0, "tools are not supported: tierlab routes text actions").nullable().optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

export function parseChatRequest(raw: unknown): ChatCompletionRequest {
  const parsed = ChatCompletionRequest.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("") || null;
  throw new GatewayRequestError({ status: 400, message: `${param ?? "body"}: ${issue.message}`, param });
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

function textOf(content: z.infer<typeof Message>["content"], index: number): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content
    .map((part, j) => {
      if (part.type !== "text" || typeof part.text !== "string") {
        throw new GatewayRequestError({ status: 400, param: `messages[${index}].content[${j}]`, message: `content part type "${part.type}" is not supported; send text` });
      }
      return part.text;
    })
    .join("");
}

/** The last message is the prompt (rendered into the action's template); earlier turns are history. */
export function toRouteRequest(body: ChatCompletionRequest, action: string): Omit<RouteRequest, "signal"> {
  const turns: ChatMessage[] = [];
  body.messages.forEach((m, i) => {
    if (m.role === "tool" || m.role === "function") {
      throw new GatewayRequestError({ status: 400, param: `messages[${i}].role`, message: `role "${m.role}" is not supported: tierlab routes text actions` });
    }
    if (m.role === "system" || m.role === "developer") return;
    turns.push({ role: m.role, content: textOf(m.content, i) });
  });
  const last = turns.pop();
  if (!last || last.role !== "user") {
    throw new GatewayRequestError({ status: 400, param: "messages", message: "the last non-system message must have role \"user\": it is the input the action answers" });
  }
  if (last.content.trim() === "" && turns.length === 0) {
    throw new GatewayRequestError({ status: 400, param: `messages[${body.messages.length - 1}].content`, message: "the user message is empty: there is nothing to route" });
  }
  const req: Omit<RouteRequest, "signal"> = { action, prompt: last.content };
  if (turns.length) req.history = turns;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens) req.maxTokens = maxTokens;
  if (body.user) req.tag = body.user;
  return req;
}

type WireFinish = "stop" | "length" | "content_filter" | "tool_calls";

function finishOf(result: RouteResult): WireFinish {
  const chosen = [...result.attempts].reverse().find((a) => a.tier === result.tier && a.modelId === result.modelId && a.finishReason);
  const f: FinishReason | undefined = chosen?.finishReason;
  return f === "length" || f === "content_filter" || f === "tool_calls" ? f : "stop";
}

/** Usage in OpenAI's shape; omitted when a backend did not report counts (unknown is not 0). */
function usageOf(result: RouteResult) {
  const { inputTokens, outputTokens } = result.usage;
  if (inputTokens === undefined || outputTokens === undefined) return undefined;
  return { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
}

export interface RenderContext {
  /** Unix seconds. */
  created: number;
}

export function completionObject(result: RouteResult, ctx: RenderContext) {
  const usage = usageOf(result);
  return {
    id: `chatcmpl-${result.requestId}`,
    object: "chat.completion" as const,
    created: ctx.created,
    model: result.modelId ?? `${MODEL_PREFIX}${result.action}`,
    choices: [{ index: 0, message: { role: "assistant" as const, content: result.text, refusal: null }, logprobs: null, finish_reason: finishOf(result) }],
    ...(usage ? { usage } : {}),
  };
}

/**
 * The whole SSE body at once: the router releases an answer only after its quality check, so
 * there is nothing to stream earlier. With include_usage every chunk carries `usage: null` and a
 * last chunk with no choices carries the counts, as the API does.
 */
export function completionChunks(result: RouteResult, ctx: RenderContext & { includeUsage: boolean }): string {
  const base = { id: `chatcmpl-${result.requestId}`, object: "chat.completion.chunk", created: ctx.created, model: result.modelId ?? `${MODEL_PREFIX}${result.action}` };
  const usageField = ctx.includeUsage ? { usage: null } : {};
  const chunk = (delta: object, finish: WireFinish | null) => sse({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageField });
  let out = chunk({ role: "assistant", content: "", refusal: null }, null);
  if (result.text) out += chunk({ content: result.text }, null);
  out += chunk({}, finishOf(result));
  if (ctx.includeUsage) {
    // null, not zeros, when a backend gave no counts: a made-up 0 would read as a free answer.
    out += sse({ ...base, choices: [], usage: usageOf(result) ?? null });
  }
  return out + "data: [DONE]\n\n";
}

const sse = (data: object) => `data: ${JSON.stringify(data)}\n\n`;

export function modelList(actions: readonly string[], created: number) {
  return { object: "list" as const, data: actions.map((a) => modelObject(a, created)) };
}

export function modelObject(action: string, created: number) {
  return { id: `${MODEL_PREFIX}${action}`, object: "model" as const, created, owned_by: "tierlab" };
}

/** Response headers that say how the router answered, for clients that want more than OpenAI's fields. */
export function routeHeaders(result: RouteResult, cacheHit: boolean): Record<string, string> {
  const h: Record<string, string> = {
    "x-request-id": result.requestId,
    "x-tierlab-action": result.action,
    "x-tierlab-verdict": result.verdict,
    "x-tierlab-cost-usd": String(result.costUsd),
    "x-tierlab-cache": cacheHit ? "hit" : "miss",
  };
  if (result.tier) h["x-tierlab-tier"] = result.tier;
  if (result.modelId) h["x-tierlab-model"] = result.modelId;
  if (result.confidence !== undefined) h["x-tierlab-confidence"] = result.confidence.toFixed(3);
  return h;
}
