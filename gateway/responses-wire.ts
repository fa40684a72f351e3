/**
 * OpenAI Responses (`POST /v1/responses`), the API the Vercel AI SDK's default `openai(model)`
 * provider calls. Stateless: the gateway stores no responses, so `previous_response_id`,
 * `conversation` and `item_reference` inputs get a 400 asking for the whole conversation instead
 * (with the AI SDK: `providerOptions: { openai: { store: false } }` sends it that way).
 * `instructions` and system/developer items are ignored like client system prompts on /chat/completions.
 */
import { z } from "zod";
import type { Response, ResponseOutputMessage, ResponseStreamEvent, ResponseUsage } from "openai/resources/responses/responses";
import type { FinishReason, ResponseFormat } from "../router/contracts/provider.js";
import type { RouteResult } from "../router/contracts/route-result.js";
import { GatewayRequestError, toWireError } from "./errors.js";
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

const Part = z.looseObject({ type: z.string(), text: z.string().optional(), refusal: z.string().optional() });

const InputItem = z.looseObject({
  type: z.string().optional(),
  role: z.enum(["user", "assistant", "system", "developer"]).optional(),
  content: z.union([z.string(), z.array(Part)]).optional(),
});

const TextFormat = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    name: z.string().optional(),
    schema: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
]);

const stateless = (field: string) =>
  z.null({ message: `${field} is not supported: the gateway stores no responses; send the whole conversation in input` }).optional();

export const ResponsesRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(InputItem).min(1, "input must hold at least one item")]),
  instructions: z.string().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  text: z.looseObject({ format: TextFormat.nullable().optional() }).nullable().optional(),
  tools: z.array(z.unknown()).max(0, "tools are not supported: tierlab routes text actions").nullable().optional(),
  previous_response_id: stateless("previous_response_id"),
  conversation: stateless("conversation"),
  user: z.string().optional(),
  safety_identifier: z.string().optional(),
});
type ResponsesRequest = z.infer<typeof ResponsesRequest>;

function toTurns(body: ResponsesRequest): Turn[] {
  if (typeof body.input === "string") return [{ role: "user", content: body.input }];
  const turns: Turn[] = [];
  body.input.forEach((item, i) => {
    if ((item.type !== undefined && item.type !== "message") || !item.role) {
      if (item.type === "item_reference") {
        throw new GatewayRequestError({
          status: 400,
          param: `input[${i}]`,
          message:
            "item_reference is not supported: the gateway stores no responses; send the message itself (with the AI SDK, providerOptions.openai.store = false)",
        });
      }
      throw unsupportedContent(`input[${i}].type`, `input item type "${item.type ?? "(none)"}"`);
    }
    if (item.role === "system" || item.role === "developer") return;
    const content =
      typeof item.content === "string"
        ? item.content
        : (item.content ?? [])
            .map((p, j) => {
              if ((p.type === "input_text" || p.type === "output_text") && typeof p.text === "string") return p.text;
              if (p.type === "refusal" && typeof p.refusal === "string") return p.refusal;
              throw unsupportedContent(`input[${i}].content[${j}]`, `content part type "${p.type}"`);
            })
            .join("");
    turns.push({ role: item.role, content });
  });
  return turns;
}

function responseFormat(body: ResponsesRequest): ResponseFormat | undefined {
  const f = body.text?.format;
  if (!f || f.type === "text") return undefined;
  return f.type === "json_schema" && f.schema ? { type: "json", schema: f.schema } : { type: "json" };
}

function usageOf(answer: AnswerView): ResponseUsage | undefined {
  const { inputTokens, outputTokens, cacheReadTokens } = answer.usage;
  if (inputTokens === undefined || outputTokens === undefined) return undefined;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: cacheReadTokens ?? 0, cache_write_tokens: answer.usage.cacheWriteTokens ?? 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
}

function incomplete(f: FinishReason | undefined): Response.IncompleteDetails | null {
  if (f === "length") return { reason: "max_output_tokens" };
  if (f === "content_filter") return { reason: "content_filter" };
  return null;
}

export const responses: WireFormat = {
  error: toWireError,
  parse({ body: raw, header, actions, requestId, created }): WireExchange {
    const body = parseOr400(ResponsesRequest, raw);
    const action = selectAction({ header: header(ACTION_HEADER), model: body.model, actions });
    const route = routeInput({
      action,
      turns: toTurns(body),
      lastParam: "input",
      maxTokens: body.max_output_tokens,
      tag: body.safety_identifier ?? body.user,
      responseFormat: responseFormat(body),
    });
    const hex = requestId.replace(/-/g, "");
    const id = `resp_${hex}`;
    const itemId = `msg_${hex}`;
    let seq = 0;
    const event = (e: DistributiveOmit<ResponseStreamEvent, "sequence_number">) => sseEvent(e.type, { ...e, sequence_number: seq++ });
    const response = (status: Response["status"], output: ResponseOutputMessage[], answer?: AnswerView): Omit<Response, "output_text"> => {
      const usage = answer && usageOf(answer);
      return {
        id,
        object: "response",
        created_at: created,
        status,
        error: null,
        incomplete_details: answer ? incomplete(answer.finishReason) : null,
        instructions: body.instructions ?? null,
        max_output_tokens: body.max_output_tokens ?? null,
        model: body.model,
        output,
        parallel_tool_calls: false,
        previous_response_id: null,
        temperature: null,
        text: { format: body.text?.format ?? { type: "text" } } as Response["text"],
        tool_choice: "none",
        tools: [],
        top_p: null,
        truncation: "disabled",
        metadata: {},
        ...(usage ? { usage } : {}),
      };
    };
    const message = (text: string, status: ResponseOutputMessage["status"]): ResponseOutputMessage => ({
      id: itemId,
      type: "message",
      role: "assistant",
      status,
      content: status === "in_progress" ? [] : [{ type: "output_text", text, annotations: [], logprobs: [] }],
    });
    const finalStatus = (answer: AnswerView) => (incomplete(answer.finishReason) ? "incomplete" : "completed");
    return {
      route,
      stream: body.stream === true,
      body: (_result: RouteResult, answer: AnswerView) => response(finalStatus(answer), [message(answer.text, finalStatus(answer))], answer),
      open: () =>
        event({ type: "response.created", response: response("in_progress", []) as Response }) +
        event({ type: "response.in_progress", response: response("in_progress", []) as Response }) +
        event({ type: "response.output_item.added", output_index: 0, item: message("", "in_progress") }) +
        event({
          type: "response.content_part.added",
          item_id: itemId,
          output_index: 0,
          content_index: 0,
          part: { type: "output_text", text: "", annotations: [], logprobs: [] },
        }),
      delta: (text) => event({ type: "response.output_text.delta", item_id: itemId, output_index: 0, content_index: 0, delta: text, logprobs: [] }),
      close(_result, answer) {
        const status = finalStatus(answer);
        const done = message(answer.text, status);
        const part = done.content[0]!;
        return (
          event({ type: "response.output_text.done", item_id: itemId, output_index: 0, content_index: 0, text: answer.text, logprobs: [] }) +
          event({
            type: "response.content_part.done",
            item_id: itemId,
            output_index: 0,
            content_index: 0,
            part: part as Extract<typeof part, { type: "output_text" }>,
          }) +
          event({ type: "response.output_item.done", output_index: 0, item: done }) +
          event({
            type: status === "completed" ? "response.completed" : "response.incomplete",
            response: response(status, [done], answer) as Response,
          } as ResponseStreamEvent)
        );
      },
      fail(err) {
        const { error } = toWireError(err).body;
        return event({ type: "error", code: error.code, message: error.message, param: error.param });
      },
    };
  },
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
