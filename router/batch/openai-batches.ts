/**
 * OpenAI's Batch API through the `openai` SDK: the requests go up as one JSONL file
 * (`files.create`, purpose "batch"), `batches.create` points at it for /v1/chat/completions with a
 * 24 h window, `batches.retrieve` until completed/expired/failed/cancelled, then the output file (one
 * line per answered request) and the error file (failed and expired ones) via `files.content`.
 */
import OpenAI, { toFile } from "openai";
import type { ChatCompletion } from "openai/resources/chat/completions";
import { mapFinish, mapUsage, requestBody } from "../providers/openai.js";
import { translateError } from "../providers/sdk-errors.js";
import type { BatchClient, BatchPoll, BatchRequest, BatchResult } from "./batch-client.js";

const ENDED = new Set(["completed", "expired", "failed", "cancelled"]);

interface OutputLine {
  custom_id: string;
  response: { status_code: number; body: unknown } | null;
  error: { code?: string | null; message?: string | null } | null;
}

export class OpenAIBatchClient implements BatchClient {
  readonly kind = "openai" as const;
  readonly #client: OpenAI;
  readonly #secret: string | undefined;

  constructor(private readonly opts: { name: string; apiKey?: string; baseURL?: string; fetch?: typeof fetch }) {
    this.#secret = opts.apiKey;
    this.#client = new OpenAI({
      apiKey: opts.apiKey ?? "not-needed",
      baseURL: opts.baseURL ?? "https://api.openai.com/v1",
      maxRetries: 2,
      logLevel: "off",
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    });
  }

  private fail(err: unknown, model = "batch"): never {
    throw translateError(err, { provider: this.opts.name, model, sdk: OpenAI, signal: undefined, secret: this.#secret });
  }

  async submit(requests: BatchRequest[], signal?: AbortSignal): Promise<{ batchId: string }> {
    const jsonl =
      requests
        .map((r) => {
          const { stream: _s, stream_options: _o, ...body } = requestBody(r.request, undefined);
          return JSON.stringify({ custom_id: r.customId, method: "POST", url: "/v1/chat/completions", body });
        })
        .join("\n") + "\n";
    try {
      const file = await this.#client.files.create({ file: await toFile(Buffer.from(jsonl), "tierlab-batch.jsonl"), purpose: "batch" }, { signal });
      const batch = await this.#client.batches.create(
        { input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h", metadata: { source: "tierlab" } },
        { signal },
      );
      return { batchId: batch.id };
    } catch (err) {
      this.fail(err, requests[0]?.request.model);
    }
  }

  async poll(batchId: string, signal?: AbortSignal): Promise<BatchPoll> {
    try {
      const b = await this.#client.batches.retrieve(batchId, { signal });
      const endedS = b.completed_at ?? b.expired_at ?? b.failed_at ?? b.cancelled_at ?? null;
      return { ended: ENDED.has(b.status), endedAt: endedS ? new Date(endedS * 1000).toISOString() : null, counts: { ...(b.request_counts ?? {}) } };
    } catch (err) {
      this.fail(err);
    }
  }

  async results(batchId: string, signal?: AbortSignal): Promise<BatchResult[]> {
    try {
      const b = await this.#client.batches.retrieve(batchId, { signal });
      const lines: OutputLine[] = [];
      for (const id of [b.output_file_id, b.error_file_id]) {
        if (!id) continue;
        const text = await (await this.#client.files.content(id, { signal })).text();
        for (const l of text.split("\n")) if (l.trim()) lines.push(JSON.parse(l) as OutputLine);
      }
      return lines.map(toResult);
    } catch (err) {
      this.fail(err);
    }
  }
}

function toResult(l: OutputLine): BatchResult {
  if (l.error) {
    const expired = l.error.code === "batch_expired";
    return { customId: l.custom_id, ok: false, expired, errorClass: l.error.code ?? "error", message: l.error.message ?? "the request failed in the batch" };
  }
  const res = l.response;
  if (!res || res.status_code !== 200) {
    const e = (res?.body as { error?: { type?: string; code?: string; message?: string } } | undefined)?.error;
    return {
      customId: l.custom_id,
      ok: false,
      expired: false,
      errorClass: e?.code ?? e?.type ?? `http_${res?.status_code ?? "none"}`,
      message: e?.message ?? `status ${res?.status_code ?? "none"}`,
    };
  }
  const c = res.body as ChatCompletion;
  const choice = c.choices[0];
  return {
    customId: l.custom_id,
    ok: true,
    text: choice?.message.content ?? "",
    usage: c.usage ? mapUsage(c.usage) : {},
    finishReason: choice?.finish_reason ? mapFinish(choice.finish_reason) : "unknown",
    model: c.model,
  };
}
