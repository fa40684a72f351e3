/**
 * One call to one model with a per-attempt timeout linked to the caller's signal and the route's
 * deadline. Text is buffered: the cascade decides after the quality check whether the caller sees
 * it, unless it passes `onText` for an attempt whose answer cannot be replaced (see cascade.ts).
 */
import type { ChatRequest, ChatResult, Provider } from "./contracts/provider.js";
import { AbortedError, DeadlineExceededError, ProviderError, TierlabError, TimeoutError } from "./errors.js";

export interface AttemptTiming {
  startedAtMs: number;
  latencyMs: number;
  ttftMs: number | undefined;
  /** Arrival times of content chunks relative to the start, for inter-token latency. */
  chunkTimesMs: number[];
}

export type AttemptRun = ({ ok: true; result: ChatResult } | { ok: false; error: TierlabError }) & { timing: AttemptTiming };

export interface RunAttemptArgs {
  provider: Provider;
  request: Omit<ChatRequest, "signal">;
  timeoutMs: number;
  /** Absolute time (clock ms) after which the whole route must stop. */
  deadlineAt: number;
  signal?: AbortSignal;
  now: () => number;
  /** Keep chunk arrival times (bench); off in the router's hot path. */
  recordChunks?: boolean;
  /** Receives each text piece as it arrives: only for an attempt whose answer streams live to the caller. */
  onText?: (text: string) => void;
}

export async function runAttempt(args: RunAttemptArgs): Promise<AttemptRun> {
  const start = args.now();
  const budgetMs = Math.min(args.timeoutMs, args.deadlineAt - start);
  const controller = new AbortController();
  const chunkTimesMs: number[] = [];
  let ttftMs: number | undefined;
  const timing = (): AttemptTiming => ({ startedAtMs: start, latencyMs: args.now() - start, ttftMs, chunkTimesMs });

  if (budgetMs <= 0) {
    return { ok: false, error: new DeadlineExceededError({ message: "route deadline passed before this attempt could start", fix: "raise defaults.deadline_ms" }), timing: timing() };
  }
  const deadlineHit = budgetMs < args.timeoutMs;
  const timer = setTimeout(() => {
    controller.abort(
      deadlineHit
        ? new DeadlineExceededError({ message: `route deadline reached after ${Math.round(args.now() - start)} ms in this attempt`, fix: "raise defaults.deadline_ms" })
        : new TimeoutError({ provider: args.provider.name, message: `${args.provider.name} did not finish within ${args.timeoutMs} ms`, fix: "raise defaults.timeout_ms, or check the server's load" }),
    );
  }, budgetMs);
  const onCallerAbort = () => controller.abort(new AbortedError({ provider: args.provider.name, message: "request cancelled by the caller" }));
  if (args.signal?.aborted) onCallerAbort();
  else args.signal?.addEventListener("abort", onCallerAbort, { once: true });

  try {
    for await (const chunk of args.provider.stream({ ...args.request, signal: controller.signal })) {
      if (chunk.type === "text") {
        const t = args.now() - start;
        ttftMs ??= t;
        if (args.recordChunks) chunkTimesMs.push(t);
        args.onText?.(chunk.text);
      } else {
        return { ok: true, result: chunk.result, timing: timing() };
      }
    }
    throw new ProviderError({ provider: args.provider.name, retryable: true, message: `${args.provider.name} stream ended without a final chunk` });
  } catch (err) {
    return { ok: false, error: asTierlabError(err, controller.signal, args.provider.name), timing: timing() };
  } finally {
    clearTimeout(timer);
    args.signal?.removeEventListener("abort", onCallerAbort);
  }
}

/** The abort reason wins over whatever the library threw while unwinding. */
function asTierlabError(err: unknown, signal: AbortSignal, provider: string): TierlabError {
  if (signal.aborted && signal.reason instanceof TierlabError) return signal.reason;
  if (err instanceof TierlabError) return err;
  return new ProviderError({ provider, message: `${provider} failed: ${(err as Error)?.message ?? String(err)}`, cause: err });
}
