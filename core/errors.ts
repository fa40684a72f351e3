/**
 * One root error with subclasses. Every error says what went wrong and what to do (`fix`),
 * carries `isRetryable`, and maps to a documented process exit code (see exit-codes.ts).
 */
import { EXIT } from "./exit-codes.js";

export interface ErrorInit {
  message: string;
  fix?: string;
  cause?: unknown;
}

export class TierlabError extends Error {
  readonly fix: string | undefined;
  readonly isRetryable: boolean = false;
  readonly exitCode: number = EXIT.failure;
  constructor(init: ErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.fix = init.fix;
  }
  /** One line a person can act on. */
  describe(): string {
    return this.fix ? `${this.message}\n  fix: ${this.fix}` : this.message;
  }
}

/** Bad configuration, dataset or flag: names the file, line and field. */
export class ConfigError extends TierlabError {
  override readonly exitCode = EXIT.badInput;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;
  constructor(init: ErrorInit & { file?: string; line?: number; field?: string }) {
    const where = [init.file && (init.line ? `${init.file}:${init.line}` : init.file), init.field].filter(Boolean).join(": ");
    super({ ...init, message: where ? `${where}: ${init.message}` : init.message });
    this.file = init.file;
    this.line = init.line;
    this.field = init.field;
  }
}

export class UsageError extends TierlabError {
  override readonly exitCode = EXIT.badInput;
}

/** Base of everything a backend can throw. */
export class ProviderError extends TierlabError {
  override readonly exitCode = EXIT.providerFailure;
  readonly status: number | undefined;
  readonly provider: string | undefined;
  override readonly isRetryable: boolean;
  /** Server-requested wait before the next attempt, from retry-after-ms / retry-after. */
  readonly retryAfterMs: number | undefined;
  /**
   * Token counts the backend reported before the call failed (a stream cut after Anthropic's
   * message_start): what it will bill for the failed call. Set by the provider that threw. The
   * shape of the Provider contract's `Usage`, spelt out so this base module imports nothing.
   */
  partialUsage: { inputTokens?: number; outputTokens?: number; cacheReadTokens?: number; cacheWriteTokens?: number } | undefined;
  constructor(init: ErrorInit & { status?: number; provider?: string; retryable?: boolean; retryAfterMs?: number }) {
    super(init);
    this.status = init.status;
    this.provider = init.provider;
    this.isRetryable = init.retryable ?? false;
    this.retryAfterMs = init.retryAfterMs;
  }
}

type ProviderInit = ConstructorParameters<typeof ProviderError>[0];
const retryable = (init: ProviderInit): ProviderInit => ({ retryable: true, ...init });

export class RateLimitError extends ProviderError {
  constructor(init: ProviderInit) {
    super(retryable(init));
  }
}
export class ServerError extends ProviderError {
  constructor(init: ProviderInit) {
    super(retryable(init));
  }
}
export class ConnectionError extends ProviderError {
  constructor(init: ProviderInit) {
    super(retryable(init));
  }
}
export class TimeoutError extends ProviderError {
  constructor(init: ProviderInit) {
    super(retryable(init));
  }
}
/** The body was cut or not in the wire format; a fresh attempt may succeed. */
export class MalformedResponseError extends ProviderError {
  constructor(init: ProviderInit) {
    super(retryable(init));
  }
}
export class AuthenticationError extends ProviderError {}
export class PermissionDeniedError extends ProviderError {}
export class ModelNotFoundError extends ProviderError {}

/** Why a model file could not be fetched; stable values for scripts and tests. */
export type ModelFetchFailure =
  "offline" | "not_found" | "http_error" | "connect_timeout" | "stall_timeout" | "cut" | "size_mismatch" | "checksum_mismatch" | "download_disabled" | "busy";

/**
 * A model file is missing and fetching it failed or was not allowed. Never retried by the cascade:
 * a second try a few hundred ms later meets the same network, and each try costs a full timeout.
 */
export class ModelDownloadError extends ModelNotFoundError {
  readonly reason: ModelFetchFailure;
  /** The model URI as configured (hf:… or https://…), when there was one. */
  readonly uri: string | undefined;
  constructor(init: ProviderInit & { reason: ModelFetchFailure; uri?: string }) {
    super({ ...init, retryable: false });
    this.reason = init.reason;
    this.uri = init.uri;
  }
}
export class ContextLengthError extends ProviderError {}
export class BadRequestError extends ProviderError {}
/** The backend cannot be used at all (missing key, daemon absent, file missing): skip to the next tier. */
export class ProviderUnavailableError extends ProviderError {}
/**
 * The replay backend has no recorded answer for this request (by item id or prompt hash), or the
 * recording was made for a different prompt. Never retried: the file will not change in a second.
 */
export class RecordingNotFoundError extends ProviderError {}
/** The caller aborted; never retried, never escalated. */
export class AbortedError extends ProviderError {}

/* AllTiersFailedError carries the failed RouteResult, so it lives with the router: router/all-tiers-failed.ts. */
export class BudgetExceededError extends TierlabError {
  override readonly exitCode = EXIT.budget;
}
/**
 * The ledger database cannot be reached (PostgreSQL down, restarting, or out of connections). No
 * paid call is made without a reservation, and a request whose rows cannot be committed is not
 * reported done; rows of calls already made are kept and written when the database returns.
 */
export class LedgerUnavailableError extends TierlabError {
  override readonly isRetryable = true;
}
export class DeadlineExceededError extends TierlabError {
  override readonly exitCode = EXIT.providerFailure;
}
/** The model's circuit breaker is open after repeated failures: the cascade skips it without a call. */
export class CircuitOpenError extends TierlabError {
  override readonly exitCode = EXIT.providerFailure;
  readonly modelId: string;
  /** Time until the breaker lets a probe through. */
  readonly retryInMs: number;
  constructor(init: ErrorInit & { modelId: string; retryInMs: number }) {
    super(init);
    this.modelId = init.modelId;
    this.retryInMs = init.retryInMs;
  }
}

const CONTEXT_LENGTH_HINTS = /context length|context window|maximum context|too many tokens|prompt is too long|exceeds the context/i;

/** Chooses the subclass from an HTTP status and body text, the way the official SDKs do. */
export function errorFromStatus(args: { status: number; body: string; provider: string; retryAfterMs?: number; model?: string }): ProviderError {
  const { status, body, provider } = args;
  const detail = body.length > 500 ? `${body.slice(0, 500)}…` : body;
  const base = { status, provider, retryAfterMs: args.retryAfterMs };
  const msg = (what: string) => `${provider}: ${what} (HTTP ${status}): ${detail}`;
  if (status === 400 && CONTEXT_LENGTH_HINTS.test(body)) {
    return new ContextLengthError({
      ...base,
      message: msg("prompt exceeds the model's context"),
      fix: "shorten the prompt or route this action to a model with a larger context",
    });
  }
  if (status === 400 || status === 422) return new BadRequestError({ ...base, message: msg("bad request") });
  if (status === 401)
    return new AuthenticationError({ ...base, message: msg("authentication failed"), fix: "check the API key variable named in config/router.yaml" });
  if (status === 403)
    return new PermissionDeniedError({ ...base, message: msg("permission denied"), fix: "the key lacks access to this model; use another key or model" });
  if (status === 404) {
    const fix = provider === "ollama" && args.model ? `run \`ollama pull ${args.model}\` on the Ollama host` : "check the model name in config/router.yaml";
    return new ModelNotFoundError({ ...base, message: msg("model not found"), fix });
  }
  if (status === 408) return new TimeoutError({ ...base, message: msg("request timed out") });
  if (status === 409 || status === 429)
    return new RateLimitError({ ...base, message: msg("rate limited"), fix: "lower concurrency or wait; tierlab retries with backoff" });
  if (status >= 500) return new ServerError({ ...base, message: msg("server error") });
  return new ProviderError({ ...base, message: msg("unexpected status") });
}
