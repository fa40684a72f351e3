/**
 * A protocol-level fake of Anthropic's Message Batches API, for the batch tier's tests.
 *
 *   const fake = await startFakeAnthropicBatches({ respond: (params, id) => ({ text: "4" }) });
 *   new Anthropic({ apiKey: "k", baseURL: fake.url });      // messages.batches.create / retrieve / results
 *   fake.finish();                                          // or fake.expire()
 *
 * Routes: POST /v1/messages/batches ({requests: [{custom_id, params}]}), GET /v1/messages/batches/:id,
 * GET /v1/messages/batches/:id/results (JSONL, only once ended: the batch's `results_url`). Like the
 * real API: anthropic-version is required, custom_id must match ^[a-zA-Z0-9_-]{1,64}$ and be unique
 * within the batch, each params needs model, max_tokens and messages; errors are
 * `{"type":"error","error":{"type","message"}}`. Results: succeeded (a Message), errored (an error
 * object), expired.
 */
import type { ServerResponse } from "node:http";
import { startFakeServer, type FakeServer } from "./fake-http.js";
import { batchControls, echoAnswer, estimateTokens, type BatchControls, type BatchRespond, type FakeBatch, type WireBody } from "./fake-batches.js";
import { fakeId } from "./fake-script.js";

export interface FakeAnthropicBatches extends FakeServer, BatchControls {}

const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

export async function startFakeAnthropicBatches(opts: { respond?: BatchRespond } = {}): Promise<FakeAnthropicBatches> {
  const state = new Map<string, FakeBatch>();
  const respond = opts.respond ?? echoAnswer;
  const server = await startFakeServer((req, res) => {
    const headers = { "request-id": fakeId("req_011") };
    const fail = (status: number, type: string, message: string) =>
      send(res, status, { type: "error", error: { type, message }, request_id: headers["request-id"] }, headers);
    if (typeof req.headers["anthropic-version"] !== "string") return fail(400, "invalid_request_error", "anthropic-version: header is required");
    const m = /^\/v1\/messages\/batches(?:\/([^/]+)(\/results)?)?$/.exec(req.path);
    if (!m) return fail(404, "not_found_error", "Not Found");
    const [, id, results] = m;
    if (req.method === "POST" && !id) {
      const problem = invalid(req.body);
      if (problem) return fail(400, "invalid_request_error", problem);
      const batch: FakeBatch = {
        id: fakeId("msgbatch_01"),
        createdAt: Date.now(),
        endedAt: null,
        ended: false,
        expired: false,
        requests: ((req.body as WireBody).requests as { custom_id: string; params: WireBody }[]).map((r) => ({ customId: r.custom_id, params: r.params })),
      };
      state.set(batch.id, batch);
      return send(res, 200, batchObject(batch, server.url), headers);
    }
    const batch = id ? state.get(id) : undefined;
    if (req.method !== "GET" || !batch) return fail(404, "not_found_error", `message batch ${id ?? ""} not found`);
    if (!results) return send(res, 200, batchObject(batch, server.url), headers);
    if (!batch.ended)
      return fail(400, "invalid_request_error", `batch ${batch.id} is still in_progress; results are available once processing_status is ended`);
    res.writeHead(200, { ...headers, "content-type": "application/binary" });
    res.end(batch.requests.map((r) => JSON.stringify({ custom_id: r.customId, result: resultOf(r.params, r.outcome!) })).join("\n") + "\n");
  });
  return { ...server, ...batchControls(state, respond) };
}

function invalid(body: unknown): string | undefined {
  const requests = (body as WireBody | undefined)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) return "requests: Field required (a non-empty list)";
  const seen = new Set<string>();
  for (const [i, r] of requests.entries()) {
    const id = (r as WireBody).custom_id;
    if (typeof id !== "string" || !CUSTOM_ID.test(id)) return `requests.${i}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
    if (seen.has(id)) return `requests.${i}.custom_id: Duplicate custom_id ${id}`;
    seen.add(id);
    const p = (r as WireBody).params as WireBody | undefined;
    if (!p || typeof p.model !== "string") return `requests.${i}.params.model: Field required`;
    if (typeof p.max_tokens !== "number") return `requests.${i}.params.max_tokens: Field required`;
    if (!Array.isArray(p.messages) || p.messages.length === 0) return `requests.${i}.params.messages: Field required`;
    if ("stream" in p) return `requests.${i}.params.stream: Extra inputs are not permitted`;
  }
  return undefined;
}

function batchObject(b: FakeBatch, url: string) {
  const count = (pred: (o: FakeBatch["requests"][number]["outcome"]) => boolean) => b.requests.filter((r) => b.ended && pred(r.outcome)).length;
  return {
    id: b.id,
    type: "message_batch",
    processing_status: b.ended ? "ended" : "in_progress",
    request_counts: {
      processing: b.ended ? 0 : b.requests.length,
      succeeded: count((o) => typeof o === "object" && "text" in o),
      errored: count((o) => typeof o === "object" && "error" in o),
      canceled: 0,
      expired: count((o) => o === "expire"),
    },
    created_at: new Date(b.createdAt).toISOString(),
    expires_at: new Date(b.createdAt + 86_400_000).toISOString(),
    ended_at: b.endedAt === null ? null : new Date(b.endedAt).toISOString(),
    cancel_initiated_at: null,
    archived_at: null,
    results_url: b.ended ? `${url}/v1/messages/batches/${b.id}/results` : null,
  };
}

function resultOf(params: WireBody, o: NonNullable<FakeBatch["requests"][number]["outcome"]>) {
  if (o === "expire") return { type: "expired" };
  if ("error" in o) return { type: "errored", error: { type: "error", error: { type: o.error.type, message: o.error.message } } };
  const t = estimateTokens(params, o.text, o);
  return {
    type: "succeeded",
    message: {
      id: fakeId("msg_01"),
      type: "message",
      role: "assistant",
      model: params.model,
      content: [{ type: "text", text: o.text }],
      stop_reason: o.finish === "length" ? "max_tokens" : "end_turn",
      stop_sequence: null,
      usage: { input_tokens: t.input, output_tokens: t.output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, service_tier: "batch" },
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
