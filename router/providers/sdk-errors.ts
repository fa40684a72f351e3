/**
 * Turns errors from the two Stainless-generated SDKs (openai, @anthropic-ai/sdk) into tierlab errors.
 * Both SDKs share one error shape, so each provider passes its own classes and the mapping lives here once.
 * SDK errors never escape, not even as `cause`: their stacks and bodies are not ours to print, and a
 * server may echo the API key back, so every message is redacted.
 */
import {
  AbortedError,
  ConnectionError,
  MalformedResponseError,
  ProviderError,
  ProviderUnavailableError,
  RateLimitError,
  ServerError,
  TierlabError,
  TimeoutError,
  errorFromStatus,
} from "../../core/errors.js";
import { parseRetryAfter } from "../retry.js";

interface SdkApiError extends Error {
  status: number | undefined;
  headers: Headers | undefined;
  error: unknown;
}

type ErrorClass<T extends Error = Error> = abstract new (...args: never[]) => T;

export interface SdkErrorClasses {
  APIError: ErrorClass<SdkApiError>;
  APIUserAbortError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIConnectionError: ErrorClass;
}

export interface ErrorContext {
  provider: string;
  model: string;
  sdk: SdkErrorClasses;
  signal?: AbortSignal | undefined;
  /** The API key, scrubbed from every message we build. */
  secret?: string | undefined;
}

/** Both SDK providers without a key: the tier is unavailable, and the message names the variable. */
export function missingKeyError(provider: string, keyEnv: string): ProviderUnavailableError {
  return new ProviderUnavailableError({ provider, message: `${provider}: ${keyEnv} is not set`, fix: missingKeyFix(keyEnv) });
}

export function missingKeyFix(keyEnv: string): string {
  return `export ${keyEnv}=... or remove the tier`;
}

/** A stream that ended cleanly but without its protocol's last event (`what`): cut by a server or proxy. */
export function streamCutError(provider: string, model: string, what: string): MalformedResponseError {
  return new MalformedResponseError({
    provider,
    message: `${provider}: the stream for model "${model}" ended before ${what}`,
    fix: "the server or a proxy cut the stream; tierlab retries",
  });
}

/** The router aborts with a TierlabError reason (e.g. its per-attempt TimeoutError); anything else is the caller's abort. */
export function abortError(signal: AbortSignal, provider: string): TierlabError {
  const reason: unknown = signal.reason;
  if (reason instanceof TierlabError) return reason;
  return new AbortedError({ provider, message: `${provider}: request aborted by the caller` });
}

export function translateError(err: unknown, ctx: ErrorContext): TierlabError {
  const { provider, sdk } = ctx;
  // Checked first: after an abort the SDK reports whatever the torn connection looked like.
  if (ctx.signal?.aborted) return abortError(ctx.signal, provider);
  if (err instanceof TierlabError) return err;
  const clean = (text: string) => redact(text, ctx.secret);
  if (err instanceof sdk.APIUserAbortError) return new AbortedError({ provider, message: `${provider}: request aborted` });
  if (err instanceof sdk.APIConnectionTimeoutError) {
    return new TimeoutError({
      provider,
      message: `${provider}: no response within the client timeout`,
      fix: "the server is overloaded or unreachable; tierlab retries",
    });
  }
  if (err instanceof sdk.APIConnectionError) {
    return new ConnectionError({
      provider,
      message: `${provider}: connection failed: ${clean(rootMessage(err))}`,
      fix: "check that the server is running and the base URL in config/router.yaml is right",
    });
  }
  if (err instanceof sdk.APIError) {
    const body = clean(bodyText(err));
    if (err.status === undefined) return inBandError(body, err.error, provider);
    return errorFromStatus({ status: err.status, body, provider, model: ctx.model, retryAfterMs: parseRetryAfter(err.headers) });
  }
  if (err instanceof SyntaxError) {
    return new MalformedResponseError({
      provider,
      message: `${provider}: the response stream carried data that is not JSON: ${clean(err.message)}`,
      fix: "retry; if it persists, a proxy between tierlab and the server is corrupting the stream",
    });
  }
  // undici reports a socket closed mid-body as `TypeError: terminated` (cause: "other side closed").
  if (err instanceof TypeError) {
    return new ConnectionError({
      provider,
      message: `${provider}: connection lost mid-response: ${clean(rootMessage(err))}`,
      fix: "the server dropped the connection; tierlab retries",
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError({ provider, message: `${provider}: unexpected client error: ${clean(message)}` });
}

/** An error event inside a 200 stream (overloaded mid-generation): worth another attempt. */
function inBandError(body: string, error: unknown, provider: string): ProviderError {
  const kind = errorKind(error);
  const message = `${provider}: error event mid-stream: ${body}`;
  if (kind === "rate_limit_error" || kind === "rate_limit_exceeded") {
    return new RateLimitError({ provider, message, fix: "lower concurrency or wait; tierlab retries with backoff" });
  }
  return new ServerError({ provider, message, fix: "the server failed while streaming; tierlab retries" });
}

/** `type/code: message` from either SDK's error body (OpenAI keeps the inner object, Anthropic the whole body). */
function bodyText(err: SdkApiError): string {
  const inner = innerError(err.error);
  if (inner && typeof inner.message === "string") {
    const kind = [inner.type, inner.code].filter((v) => typeof v === "string" && v !== "").join("/");
    return kind ? `${kind}: ${inner.message}` : inner.message;
  }
  // A non-JSON body (an HTML page from a proxy): the SDK put its text in the message after the status.
  if (err.error === undefined) return err.message.replace(/^\d{3} /, "");
  return JSON.stringify(err.error);
}

function innerError(error: unknown): Record<string, unknown> | undefined {
  if (!isRecord(error)) return undefined;
  return isRecord(error.error) ? error.error : error;
}

function errorKind(error: unknown): string | undefined {
  const inner = innerError(error);
  const kind = inner?.type ?? inner?.code;
  return typeof kind === "string" ? kind : undefined;
}

/** The innermost cause's message: `connect ECONNREFUSED 127.0.0.1:1234` beats `Connection error.`. */
function rootMessage(err: Error): string {
  let current: unknown = err;
  let message = err.message;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  return message;
}

export function redact(text: string, secret: string | undefined): string {
  return secret && secret.length >= 8 ? text.split(secret).join("[redacted]") : text;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
