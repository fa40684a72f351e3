/**
 * Log-probability signals of one answer: the mean and the minimum token log-probability over the
 * answer span (the tokens that spell the extracted answer), where a model's doubt about the answer
 * shows, rather than over its reasoning. When no span is found, or the tokens do not spell the text,
 * every token counts and `scope` says so, so a scorer can learn that the two differ.
 */
import type { TokenLogprob } from "../contracts/provider.js";
import { findAnswerSpan, type FindAnswerSpanOptions, type TextSpan } from "./answer-span.js";

export interface LogprobFeatures {
  /** Mean natural-log probability of the tokens in scope (≤ 0). */
  mean: number;
  /** The least likely token in scope (≤ 0): one doubtful digit is enough to be wrong. */
  min: number;
  /** Tokens in scope. */
  tokens: number;
  scope: "answer" | "all_tokens";
  /** Why every token was used instead of the answer's. */
  fallback?: "no_answer_span" | "tokens_do_not_spell_text";
}

export interface LogprobFeatureInput extends FindAnswerSpanOptions {
  /** The answer text the tokens produced (ChatResult.text). */
  text: string;
  logprobs: readonly TokenLogprob[] | undefined;
  /** A span found by the caller; otherwise it is looked for with `field` / `canonical`. */
  span?: TextSpan;
}

/** Undefined when the provider returned no log-probabilities (or no tokens): missing, not zero. */
export function logprobFeatures(input: LogprobFeatureInput): LogprobFeatures | undefined {
  const { text, logprobs } = input;
  if (!logprobs || logprobs.length === 0) return undefined;
  const offsets = tokenOffsets(text, logprobs);
  if (!offsets) return summarise(logprobs, "all_tokens", "tokens_do_not_spell_text");
  const span = input.span ?? findAnswerSpan(text, input);
  if (!span) return summarise(logprobs, "all_tokens", "no_answer_span");
  const inSpan = logprobs.filter((t, i) => overlaps(offsets[i]!, t.token.length, span));
  if (inSpan.length === 0) return summarise(logprobs, "all_tokens", "no_answer_span");
  return summarise(inSpan, "answer");
}

/**
 * Start offset in `text` of each token. The tokens usually spell the text exactly; a provider may also
 * trim the text, so the text may sit inside the tokens' concatenation (or the other way round).
 * Undefined when neither holds.
 */
export function tokenOffsets(text: string, logprobs: readonly TokenLogprob[]): number[] | undefined {
  const out = new Array<number>(logprobs.length);
  // The usual case, checked without building the joined string: the tokens spell the text exactly.
  let at = 0;
  let exact = true;
  for (let i = 0; i < logprobs.length; i++) {
    const token = logprobs[i]!.token;
    if (exact && !text.startsWith(token, at)) exact = false;
    out[i] = at;
    at += token.length;
  }
  if (exact && at === text.length) return out;
  const joined = logprobs.map((t) => t.token).join("");
  let shift: number;
  if (text !== "" && joined.includes(text)) shift = -joined.indexOf(text);
  else if (joined !== "" && text.includes(joined)) shift = text.indexOf(joined);
  else return undefined;
  return out.map((o) => o + shift);
}

/** A token counts when it shares a character with the span; an empty token when it sits inside it. */
function overlaps(start: number, length: number, span: TextSpan): boolean {
  if (length === 0) return start >= span.start && start < span.end;
  return start < span.end && start + length > span.start;
}

function summarise(tokens: readonly TokenLogprob[], scope: LogprobFeatures["scope"], fallback?: LogprobFeatures["fallback"]): LogprobFeatures {
  let sum = 0;
  let min = Infinity;
  for (const t of tokens) {
    sum += t.logprob;
    if (t.logprob < min) min = t.logprob;
  }
  return { mean: sum / tokens.length, min, tokens: tokens.length, scope, ...(fallback ? { fallback } : {}) };
}

/** Feature names the scorer sees for these signals. */
export const LOGPROB_FEATURE_NAMES = { mean: "logprob_mean", min: "logprob_min", onAnswer: "logprob_on_answer" } as const;

/** As scorer features: every value undefined (missing) when there were no log-probabilities. */
export function logprobFeatureValues(f: LogprobFeatures | undefined): Record<string, number | undefined> {
  return {
    [LOGPROB_FEATURE_NAMES.mean]: f?.mean,
    [LOGPROB_FEATURE_NAMES.min]: f?.min,
    [LOGPROB_FEATURE_NAMES.onAnswer]: f === undefined ? undefined : f.scope === "answer" ? 1 : 0,
  };
}
