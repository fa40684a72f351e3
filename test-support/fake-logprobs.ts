/**
 * Token log-probabilities as the OpenAI and Ollama fakes put them on the wire. Both APIs send one entry per
 * generated token, `{token, logprob, bytes, top_logprobs}`, where `bytes` is the token's UTF-8 and
 * `top_logprobs` lists the N most likely tokens at that position (N = the request's `top_logprobs`).
 * The fakes treat each script chunk as one token.
 *
 * A script may give a score per chunk: `logprobs: [{ logprob: -0.1, top: [{token, logprob}, ...] }, ...]`.
 * Without one, chunk i gets logprob −0.1·(i+1) and alternatives `alt1`, `alt2`, ... each 1 nat less likely
 * than the one before, so tests can still tell positions apart.
 */
export interface FakeTokenScore {
  logprob: number;
  /** The alternatives at this position, most likely first; the fake sends the first N the request asked for. */
  top?: { token: string; logprob: number }[];
}

export interface WireLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs?: { token: string; logprob: number; bytes: number[] }[];
}

const bytesOf = (s: string) => [...Buffer.from(s, "utf8")];

/** What the request asked for: undefined when it did not ask for log-probabilities. */
export function askedTop(body: Record<string, unknown>): number | undefined {
  if (body.logprobs !== true) return undefined;
  return typeof body.top_logprobs === "number" ? body.top_logprobs : 0;
}

/**
 * The wire entry for chunk `index`. `omitEmptyTop` follows Ollama's Go `omitempty` (no key when none were
 * asked); OpenAI sends `top_logprobs: []` instead.
 */
export function wireLogprob(args: { chunk: string; index: number; scores?: FakeTokenScore[]; top: number; omitEmptyTop: boolean }): WireLogprob {
  const { chunk, index, top } = args;
  const score = args.scores?.[index] ?? { logprob: -0.1 * (index + 1) };
  const alternatives = score.top ?? [
    { token: chunk, logprob: score.logprob },
    ...Array.from({ length: 19 }, (_, k) => ({ token: `alt${k + 1}`, logprob: score.logprob - (k + 1) })),
  ];
  const entry: WireLogprob = { token: chunk, logprob: score.logprob, bytes: bytesOf(chunk) };
  if (top > 0 || !args.omitEmptyTop) {
    entry.top_logprobs = alternatives.slice(0, top).map((a) => ({ token: a.token, logprob: a.logprob, bytes: bytesOf(a.token) }));
  }
  return entry;
}
