/**
 * The `logprobs` request flag, checked once for every backend: OpenAI and Ollama both accept 0–20
 * alternatives per position and answer anything else with a 400, so a bad value fails here, before a call.
 */
import type { ChatRequest, TokenLogprob, TopLogprob } from "../contracts/provider.js";
import { BadRequestError, MalformedResponseError } from "../../core/errors.js";

export const MAX_TOP_LOGPROBS = 20;

/** Alternatives asked for per position; undefined when the request does not ask for log-probabilities. */
export function requestedTopLogprobs(req: ChatRequest, provider: string): number | undefined {
  if (req.logprobs === undefined) return undefined;
  const top = req.logprobs.top ?? 0;
  if (!(Number.isInteger(top) && top >= 0 && top <= MAX_TOP_LOGPROBS)) {
    throw new BadRequestError({
      provider,
      message: `${provider}: logprobs.top must be an integer from 0 to ${MAX_TOP_LOGPROBS}, got ${top}`,
      fix: `ask for at most ${MAX_TOP_LOGPROBS} alternatives per token`,
    });
  }
  return top;
}

/**
 * Maps the entries OpenAI and Ollama both send per token (`{token, logprob, bytes?, top_logprobs?}`) to
 * the contract, `top` only when alternatives were asked for. An entry without a string token and a finite
 * log-probability is a malformed response: a confidence built on it would be silently wrong.
 */
export function fromWireLogprobs(entries: unknown, ctx: { top: number; provider: string; model: string }): TokenLogprob[] {
  const bad = (what: string) =>
    new MalformedResponseError({
      provider: ctx.provider,
      message: `${ctx.provider}: malformed logprobs for ${ctx.model}: ${what}`,
      fix: "the server sent log-probabilities tierlab cannot read; retry, or drop `logprobs` from the request",
    });
  if (!Array.isArray(entries)) throw bad("expected an array of token entries");
  return entries.map((e: unknown, i): TokenLogprob => {
    const entry = readEntry(e);
    if (!entry) throw bad(`entry ${i} needs a string token and a finite logprob`);
    if (ctx.top === 0) return entry;
    const raw = isRecord(e) ? (e.top_logprobs ?? []) : [];
    if (!Array.isArray(raw)) throw bad(`entry ${i}: top_logprobs is not an array`);
    const top: TopLogprob[] = [];
    for (const [j, t] of raw.entries()) {
      const alt = readEntry(t);
      if (!alt) throw bad(`entry ${i}, alternative ${j} needs a string token and a finite logprob`);
      top.push(alt);
    }
    return { ...entry, top };
  });
}

function readEntry(e: unknown): TopLogprob | undefined {
  if (!isRecord(e) || typeof e.token !== "string" || typeof e.logprob !== "number" || !Number.isFinite(e.logprob)) return undefined;
  return { token: e.token, logprob: e.logprob };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
