/**
 * A protocol-level fake of OpenAI's Batch API and the Files API under it, for the batch tier's tests.
 *
 *   const fake = await startFakeOpenAIBatches({ respond: (body, id) => ({ text: "4" }) });
 *   new OpenAI({ apiKey: "k", baseURL: `${fake.url}/v1` });   // files.create, batches.create / retrieve, files.content
 *   fake.finish();                                           // or fake.expire()
 *
 * Routes: POST /v1/files (multipart/form-data: purpose, file), GET /v1/files/:id/content,
 * POST /v1/batches ({input_file_id, endpoint, completion_window}), GET /v1/batches/:id. Like the real
 * API: a bearer token is required, the input file must have purpose "batch", each line needs
 * custom_id (unique), method POST and the batch's endpoint as url, completion_window is "24h";
 * errors are `{"error":{"message","type","param","code"}}`. An ended batch has an output file (one
 * line per answered request: `{id, custom_id, response: {status_code: 200, request_id, body}, error: null}`)
 * and an error file (failed requests with their status and error body; expired ones with
 * `error.code: "batch_expired"`); a batch ended by `expire()` has status "expired".
 */
import type { ServerResponse } from "node:http";
import { startFakeServer, type FakeServer, type RecordedRequest } from "./fake-http.js";
import { batchControls, echoAnswer, estimateTokens, type BatchControls, type BatchRespond, type FakeBatch, type WireBody } from "./fake-batches.js";
import { fakeId } from "./fake-script.js";

export interface FakeOpenAIBatches extends FakeServer, BatchControls {}

interface StoredFile {
  id: string;
  purpose: string;
  filename: string;
  content: string;
  createdAt: number;
}

export async function startFakeOpenAIBatches(opts: { respond?: BatchRespond } = {}): Promise<FakeOpenAIBatches> {
  const state = new Map<string, FakeBatch>();
  const files = new Map<string, StoredFile>();
  const outputs = new Map<string, { output: string | null; errors: string | null }>();
  const respond = opts.respond ?? echoAnswer;
  const controls = batchControls(state, respond);
  const s = (x: number | null) => (x === null ? null : Math.floor(x / 1000));

  const addFile = (purpose: string, filename: string, content: string): StoredFile => {
    const f = { id: fakeId("file-"), purpose, filename, content, createdAt: Date.now() };
    files.set(f.id, f);
    return f;
  };
  const fileObject = (f: StoredFile) => ({
    id: f.id,
    object: "file",
    bytes: Buffer.byteLength(f.content),
    created_at: s(f.createdAt),
    filename: f.filename,
    purpose: f.purpose,
    status: "processed",
  });

  /** The output and error files of an ended batch, written once. */
  const filesOf = (b: FakeBatch) => {
    let o = outputs.get(b.id);
    if (!o) {
      const ok: string[] = [];
      const bad: string[] = [];
      for (const r of b.requests) {
        const out = r.outcome!;
        const id = fakeId("batch_req_");
        if (out === "expire")
          bad.push(
            JSON.stringify({
              id,
              custom_id: r.customId,
              response: null,
              error: { code: "batch_expired", message: "This request could not be executed before the completion window expired." },
            }),
          );
        else if ("error" in out)
          bad.push(
            JSON.stringify({
              id,
              custom_id: r.customId,
              response: {
                status_code: out.error.status,
                request_id: fakeId("req_"),
                body: { error: { message: out.error.message, type: out.error.type, param: null, code: null } },
              },
              error: null,
            }),
          );
        else {
          const t = estimateTokens(r.params, out.text, out);
          const body = {
            id: fakeId("chatcmpl-"),
            object: "chat.completion",
            created: s(b.endedAt),
            model: r.params.model,
            choices: [{ index: 0, message: { role: "assistant", content: out.text, refusal: null }, logprobs: null, finish_reason: out.finish ?? "stop" }],
            usage: { prompt_tokens: t.input, completion_tokens: t.output, total_tokens: t.input + t.output },
          };
          ok.push(JSON.stringify({ id, custom_id: r.customId, response: { status_code: 200, request_id: fakeId("req_"), body }, error: null }));
        }
      }
      o = {
        output: ok.length ? addFile("batch_output", "batch_output.jsonl", ok.join("\n") + "\n").id : null,
        errors: bad.length ? addFile("batch_output", "batch_errors.jsonl", bad.join("\n") + "\n").id : null,
      };
      outputs.set(b.id, o);
    }
    return o;
  };

  const batchObject = (b: FakeBatch) => {
    const o = b.ended ? filesOf(b) : { output: null, errors: null };
    const failed = b.ended ? b.requests.filter((r) => r.outcome === "expire" || (typeof r.outcome === "object" && "error" in r.outcome)).length : 0;
    return {
      id: b.id,
      object: "batch",
      endpoint: "/v1/chat/completions",
      errors: null,
      input_file_id: (b as FakeBatch & { inputFileId?: string }).inputFileId,
      completion_window: "24h",
      status: b.ended ? (b.expired ? "expired" : "completed") : "in_progress",
      output_file_id: o.output,
      error_file_id: o.errors,
      created_at: s(b.createdAt),
      in_progress_at: s(b.createdAt),
      expires_at: s(b.createdAt + 86_400_000),
      finalizing_at: b.ended && !b.expired ? s(b.endedAt) : null,
      completed_at: b.ended && !b.expired ? s(b.endedAt) : null,
      failed_at: null,
      expired_at: b.expired ? s(b.endedAt) : null,
      cancelling_at: null,
      cancelled_at: null,
      request_counts: { total: b.requests.length, completed: b.ended ? b.requests.length - failed : 0, failed },
      metadata: null,
    };
  };

  const server = await startFakeServer((req, res) => {
    const fail = (status: number, message: string, extra: { type?: string; param?: string | null; code?: string | null } = {}) =>
      send(res, status, { error: { message, type: extra.type ?? "invalid_request_error", param: extra.param ?? null, code: extra.code ?? null } });
    if (!/^Bearer \S+/.test(String(req.headers.authorization ?? ""))) return fail(401, "You didn't provide an API key.", { code: "missing_api_key" });
    if (req.method === "POST" && req.path === "/v1/files") {
      const form = multipart(req);
      if (!form) return fail(400, "expected a multipart/form-data body with `purpose` and `file`");
      if (form.purpose !== "batch") return fail(400, `Invalid value for purpose: '${form.purpose}'.`, { param: "purpose" });
      return send(res, 200, fileObject(addFile("batch", form.filename, form.file)));
    }
    const content = /^\/v1\/files\/([^/]+)\/content$/.exec(req.path);
    if (req.method === "GET" && content) {
      const f = files.get(content[1]!);
      if (!f) return fail(404, `No such File object: ${content[1]}`, { param: "id" });
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return void res.end(f.content);
    }
    if (req.method === "POST" && req.path === "/v1/batches") {
      const body = req.body as WireBody;
      if (body?.completion_window !== "24h") return fail(400, "Invalid value for completion_window: only '24h' is supported.", { param: "completion_window" });
      if (body.endpoint !== "/v1/chat/completions") return fail(400, `Invalid endpoint: ${String(body.endpoint)}`, { param: "endpoint" });
      const f = files.get(String(body.input_file_id));
      if (!f || f.purpose !== "batch") return fail(400, `Invalid input_file_id: ${String(body.input_file_id)}`, { param: "input_file_id" });
      const requests: FakeBatch["requests"] = [];
      const seen = new Set<string>();
      for (const [i, line] of f.content
        .split("\n")
        .filter((l) => l.trim())
        .entries()) {
        const l = JSON.parse(line) as { custom_id?: unknown; method?: unknown; url?: unknown; body?: WireBody };
        if (typeof l.custom_id !== "string" || seen.has(l.custom_id))
          return fail(400, `line ${i + 1}: custom_id missing or duplicated`, { param: "input_file_id" });
        if (l.method !== "POST" || l.url !== body.endpoint)
          return fail(400, `line ${i + 1}: method must be POST and url ${String(body.endpoint)}`, { param: "input_file_id" });
        if (!l.body || typeof l.body.model !== "string" || !Array.isArray(l.body.messages))
          return fail(400, `line ${i + 1}: body needs model and messages`, { param: "input_file_id" });
        if ("stream" in l.body) return fail(400, `line ${i + 1}: streaming is not supported in batches`, { param: "input_file_id" });
        seen.add(l.custom_id);
        requests.push({ customId: l.custom_id, params: l.body });
      }
      const batch = Object.assign(
        { id: fakeId("batch_"), createdAt: Date.now(), endedAt: null, ended: false, expired: false, requests },
        { inputFileId: f.id },
      );
      state.set(batch.id, batch);
      return send(res, 200, batchObject(batch));
    }
    const one = /^\/v1\/batches\/([^/]+)$/.exec(req.path);
    if (req.method === "GET" && one) {
      const b = state.get(one[1]!);
      return b ? send(res, 200, batchObject(b)) : fail(404, `No batch found with id '${one[1]}'.`, { param: "batch_id" });
    }
    fail(404, `Invalid URL (${req.method} ${req.path})`);
  });
  return { ...server, ...controls };
}

/** The `purpose` field and the `file` part of a multipart/form-data body. */
function multipart(req: RecordedRequest): { purpose: string; filename: string; file: string } | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(String(req.headers["content-type"] ?? ""));
  if (!boundary || typeof req.body !== "string") return undefined;
  const parts = req.body.split(`--${boundary[1] ?? boundary[2]}`);
  let purpose: string | undefined;
  let file: { filename: string; content: string } | undefined;
  for (const p of parts) {
    const split = p.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const head = p.slice(0, split);
    const value = p.slice(split + 4).replace(/\r\n$/, "");
    const name = /name="([^"]+)"/.exec(head)?.[1];
    if (name === "purpose") purpose = value;
    if (name === "file") file = { filename: /filename="([^"]*)"/.exec(head)?.[1] ?? "file", content: value };
  }
  return purpose !== undefined && file ? { purpose, filename: file.filename, file: file.content } : undefined;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "x-request-id": fakeId("req_") });
  res.end(JSON.stringify(body));
}
