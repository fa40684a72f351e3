/**
 * One call to one model with a per-attempt timeout linked to the caller's signal and the route's
 * deadline. Text is buffered: the cascade decides after the quality check whether the caller sees
 * it, unless it passes `onText` for an attempt whose answer cannot be replaced (see cascade.ts).
 */
import type { ChatRequest, ChatResult, Provider, Usage } from "./contracts/provider.js";
import { AbortedError, DeadlineExceededError, ProviderError, TierlabError, TimeoutError } from "../core/errors.js";

export interface AttemptTiming {
  startedAtMs: number;
  /** The attempt's latency: observed, or the backend's modelled figure when `source` is `modelled`. */
  latencyMs: number;
  ttftMs: number | undefined;
  /** Arrival times of content chunks relative to the start, for inter-token latency; empty when modelled. */
  chunkTimesMs: number[];
  source: "measured" | "modelled";
  /** What the clock saw, whatever `source` says (a modelled attempt may return at once). */
  wallMs: number;
}

export type AttemptRun = ({ ok: true; result: ChatResult } | { ok: false; error: TierlabError; streamedText: string; partialUsage: Usage | undefined }) & {
  timing: AttemptTiming;
};

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
  /** Keep the text that streamed, so a failure after it can be billed (paid models). */
  keepText?: boolean;
}

export async function runAttempt(args: RunAttemptArgs): Promise<AttemptRun> {
  const start = args.now();
  const budgetMs = Math.min(args.timeoutMs, args.deadlineAt - start);
  const controller = new AbortController();
  const chunkTimesMs: number[] = [];
  let ttftMs: number | undefined;
  let streamedText = "";
  const failed = (error: TierlabError, partialUsage?: Usage): AttemptRun => ({ ok: false, error, streamedText, partialUsage, timing: timing() });
  const timing = (): AttemptTiming => {
    const wallMs = args.now() - start;
    return { startedAtMs: start, latencyMs: wallMs, ttftMs, chunkTimesMs, source: "measured", wallMs };
  };

  if (budgetMs <= 0) {
    return failed(new DeadlineExceededError({ message: "route deadline passed before this attempt could start", fix: "raise defaults.deadline_ms" }));
  }
  const deadlineHit = budgetMs < args.timeoutMs;
  const cutOff = (afterMs: number): TierlabError =>
    deadlineHit
      ? new DeadlineExceededError({ message: `route deadline reached after ${Math.round(afterMs)} ms in this attempt`, fix: "raise defaults.deadline_ms" })
      : new TimeoutError({
          provider: args.provider.name,
          message: `${args.provider.name} did not finish within ${args.timeoutMs} ms`,
          fix: "raise defaults.timeout_ms, or check the server's load",
        });
  const timer = setTimeout(() => controller.abort(cutOff(args.now() - start)), budgetMs);
  const onCallerAbort = () => controller.abort(new AbortedError({ provider: args.provider.name, message: "request cancelled by the caller" }));
  if (args.signal?.aborted) onCallerAbort();
  else args.signal?.addEventListener("abort", onCallerAbort, { once: true });

  try {
    for await (const chunk of args.provider.stream({ ...args.request, signal: controller.signal })) {
      if (chunk.type === "text") {
        const t = args.now() - start;
        ttftMs ??= t;
        if (args.recordChunks) chunkTimesMs.push(t);
        if (args.keepText) streamedText += chunk.text;
        args.onText?.(chunk.text);
      } else {
        const t = resultTiming(timing(), chunk.result);
        // A modelled answer slower than the budget is what a live call would have been cut at.
        if (t.source === "modelled" && t.latencyMs > budgetMs)
          return {
            ok: false,
            error: cutOff(budgetMs),
            streamedText: "",
            partialUsage: undefined,
            timing: { ...t, latencyMs: budgetMs, ttftMs: t.ttftMs !== undefined && t.ttftMs <= budgetMs ? t.ttftMs : undefined },
          };
        return { ok: true, result: chunk.result, timing: t };
      }
    }
    throw new ProviderError({ provider: args.provider.name, retryable: true, message: `${args.provider.name} stream ended without a final chunk` });
  } catch (err) {
    // The provider's own counts survive even when the abort reason (timeout, caller) is the error reported.
    return failed(asTierlabError(err, controller.signal, args.provider.name), err instanceof ProviderError ? err.partialUsage : undefined);
  } finally {
    clearTimeout(timer);
    args.signal?.removeEventListener("abort", onCallerAbort);
  }
}

/**
 * A backend that computed its timing (replay) is believed over the clock: the clock only saw a file
 * lookup, or a pacing that approximates the model. Chunk gaps are dropped rather than invented.
 */
function resultTiming(observed: AttemptTiming, result: ChatResult): AttemptTiming {
  const m = result.timing;
  if (!m) return observed;
  return { ...observed, latencyMs: m.totalMs, ttftMs: m.ttftMs, chunkTimesMs: [], source: "modelled" };
}

/** The abort reason wins over whatever the library threw while unwinding. */
function asTierlabError(err: unknown, signal: AbortSignal, provider: string): TierlabError {
  if (signal.aborted && signal.reason instanceof TierlabError) return signal.reason;
  if (err instanceof TierlabError) return err;
  return new ProviderError({ provider, message: `${provider} failed: ${(err as Error)?.message ?? String(err)}`, cause: err });
}
