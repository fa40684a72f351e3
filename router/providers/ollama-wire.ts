/**
 * Ollama's wire, judged by us rather than by the client: the `fetch` handed to the `ollama` client maps
 * HTTP errors with their headers (retry-after survives) and checks every NDJSON line, so a corrupted or
 * cut stream fails as MalformedResponseError instead of becoming a silently shorter answer.
 */
import { errorFromStatus, MalformedResponseError, ServerError, type ProviderError, type TierlabError } from "../../core/errors.js";
import { parseRetryAfter } from "../retry.js";

const PROVIDER = "ollama";
export const LOG_FIX = "see the Ollama server log (`journalctl -u ollama` or ~/.ollama/logs/server.log); tierlab retries";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const clip = (s: string) => (s.length > 120 ? `${s.slice(0, 120)}…` : s);

/** Both signals live no longer than one call, so combining them cannot pile up dependants. */
export function wireFetch(ctx: { base: typeof fetch; model: string; signal: AbortSignal }): typeof fetch {
  return async (input, init) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, ctx.signal]) : ctx.signal;
    const res = await ctx.base(input, { ...init, signal });
    if (!res.ok) throw await httpError(res, ctx.model);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!res.body || !url.endsWith("/api/chat")) return res;
    return new Response(guardNdjson(res.body, ctx.model), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

async function httpError(res: Response, model: string): Promise<ProviderError> {
  const raw = await res.text().catch(() => "");
  let body = raw.trim() || res.statusText;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (isRecord(parsed) && typeof parsed.error === "string") body = parsed.error;
  } catch {
    // not JSON (a proxy page, Go's plain "404 page not found"): keep the text
  }
  return errorFromStatus({ status: res.status, body, provider: PROVIDER, model, retryAfterMs: parseRetryAfter(res.headers) });
}

/**
 * Re-emits the NDJSON body line by line after checking each line, and fails the stream with our error, which
 * the client's reader rethrows as is. Pull-based with no buffer, so the lines that preceded a bad one in the
 * same network read are delivered first and the failure surfaces on the following read.
 */
function guardNdjson(body: ReadableStream<Uint8Array>, model: string): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  let sawDone = false;
  let failure: TierlabError | undefined;
  const check = (line: string, last: boolean) => {
    if (line.trim() === "") return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      throw malformed(model, last ? `the body ended mid-line (truncated NDJSON): ${clip(line)}` : `a stream line is not JSON: ${clip(line)}`);
    }
    if (!isRecord(obj)) throw malformed(model, `a stream line is not a JSON object: ${clip(line)}`);
    if (typeof obj.error === "string") {
      throw new ServerError({ provider: PROVIDER, message: `ollama: ${model} failed mid-stream: ${obj.error}`, fix: LOG_FIX });
    }
    if (obj.done === true) sawDone = true;
  };
  const fail = (err: TierlabError): never => {
    reader.cancel().catch(() => undefined);
    throw err;
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (failure) fail(failure);
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            const rest = pending + decoder.decode();
            check(rest, true);
            if (!sawDone) throw malformed(model, "the stream ended before the final done:true line");
            if (rest.trim()) controller.enqueue(encoder.encode(rest));
            return controller.close();
          }
          pending += decoder.decode(value, { stream: true });
          const lines = pending.split("\n");
          pending = lines.pop() ?? "";
          let good = "";
          for (const line of lines) {
            try {
              check(line, false);
            } catch (err) {
              failure = err as TierlabError;
              break;
            }
            good += `${line}\n`;
          }
          if (good) return controller.enqueue(encoder.encode(good));
          if (failure) fail(failure);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

export function malformed(model: string, what: string, cause?: unknown): MalformedResponseError {
  return new MalformedResponseError({
    provider: PROVIDER,
    message: `ollama: malformed response for ${model}: ${what}`,
    fix: "a proxy or a crashed runner may have cut the stream; tierlab retries, check the Ollama server log if it persists",
    cause,
  });
}
