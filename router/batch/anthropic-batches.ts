/**
 * Anthropic's Message Batches through `@anthropic-ai/sdk`: `messages.batches.create` with one
 * `{custom_id, params}` per request (params as the live provider builds them, without `stream`),
 * `retrieve` until `processing_status` is `ended`, then `results` (JSONL from the batch's
 * `results_url`): succeeded, errored, canceled or expired per custom_id.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { MessageBatchIndividualResponse } from "@anthropic-ai/sdk/resources/messages/batches";
import type { Usage } from "../contracts/provider.js";
import { applyUsage, mapStop, requestBody } from "../providers/anthropic.js";
import { translateError } from "../providers/sdk-errors.js";
import type { BatchClient, BatchPoll, BatchRequest, BatchResult } from "./batch-client.js";

export class AnthropicBatchClient implements BatchClient {
  readonly kind = "anthropic" as const;
  readonly #client: Anthropic;
  readonly #secret: string | undefined;

  constructor(private readonly opts: { name: string; apiKey?: string; baseURL?: string; fetch?: typeof fetch }) {
    this.#secret = opts.apiKey;
    this.#client = new Anthropic({
      apiKey: opts.apiKey ?? "not-needed",
      baseURL: opts.baseURL ?? "https://api.anthropic.com",
      maxRetries: 2,
      logLevel: "off",
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
  }

  private fail(err: unknown, model = "batch"): never {
    throw translateError(err, { provider: this.opts.name, model, sdk: Anthropic, signal: undefined, secret: this.#secret });
  }

  async submit(requests: BatchRequest[], signal?: AbortSignal): Promise<{ batchId: string }> {
    try {
      const batch = await this.#client.messages.batches.create(
        {
          requests: requests.map((r) => {
            const { stream: _stream, ...params } = requestBody(r.request);
            return { custom_id: r.customId, params };
          }),
        },
        { signal },
      );
      return { batchId: batch.id };
    } catch (err) {
      this.fail(err, requests[0]?.request.model);
    }
  }

  async poll(batchId: string, signal?: AbortSignal): Promise<BatchPoll> {
    try {
      const b = await this.#client.messages.batches.retrieve(batchId, {}, { signal });
      return { ended: b.processing_status === "ended", endedAt: b.ended_at ?? null, counts: { ...b.request_counts } };
    } catch (err) {
      this.fail(err);
    }
  }

  async results(batchId: string, signal?: AbortSignal): Promise<BatchResult[]> {
    const out: BatchResult[] = [];
    try {
      for await (const line of await this.#client.messages.batches.results(batchId, {}, { signal })) out.push(toResult(line));
    } catch (err) {
      this.fail(err);
    }
    return out;
  }
}

function toResult(line: MessageBatchIndividualResponse): BatchResult {
  const r = line.result;
  switch (r.type) {
    case "succeeded": {
      const usage: Usage = {};
      applyUsage(usage, r.message.usage);
      const text = r.message.content.map((c) => (c.type === "text" ? c.text : "")).join("");
      return {
        customId: line.custom_id,
        ok: true,
        text,
        usage,
        finishReason: r.message.stop_reason ? mapStop(r.message.stop_reason) : "unknown",
        model: r.message.model,
      };
    }
    case "errored":
      return { customId: line.custom_id, ok: false, expired: false, errorClass: r.error.error.type, message: r.error.error.message };
    case "expired":
      return { customId: line.custom_id, ok: false, expired: true, errorClass: "expired", message: "the batch's 24 h window ended before this request ran" };
    case "canceled":
      return { customId: line.custom_id, ok: false, expired: false, errorClass: "canceled", message: "the batch was canceled before this request ran" };
  }
}
