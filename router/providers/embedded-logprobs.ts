/**
 * Token log-probabilities for the embedded engine. node-llama-cpp's high-level generators
 * (LlamaCompletion, LlamaChatSession) compute each token's distribution and discard it (upstream issue
 * withcatai/node-llama-cpp#584), so after a generation we re-evaluate the generated tokens on the same
 * context sequence with `controlledEvaluate`: the logits at position i give the distribution of token i+1.
 * That costs one batched prefill of the output (measured on stories260K, 20 tokens, threads 1: about
 * 7 ms next to 18 ms of generation), and only runs when a request asks for logprobs.
 *
 * The numbers are the model's own distribution (raw logits, softmax over the whole vocabulary), before
 * repeat penalties, temperature and any JSON grammar, as OpenAI and Ollama report theirs.
 */
import type { LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import type { TokenLogprob, TopLogprob } from "../contracts/provider.js";

/** Tokens of context handed to the detokenizer so that a token's leading space survives on its own. */
const DETOKENIZE_CONTEXT = 16;

/**
 * Where the generated tokens start in the sequence: the position recorded at the first onToken call,
 * checked against the sequence's tokens; else the last position where they all appear (a chat
 * template's generator may buffer tokens before the first call). The last generated token is often not
 * evaluated yet, so one may be missing at the end. Undefined when they cannot be found.
 */
export function locateGenerated(contextTokens: readonly Token[], generated: readonly Token[], hint: number | undefined): number | undefined {
  const fits = (p: number) => {
    const m = Math.min(generated.length, contextTokens.length - p);
    if (p < 1 || m < generated.length - 1 || m < 1) return false;
    for (let j = 0; j < m; j++) if (contextTokens[p + j] !== generated[j]) return false;
    return true;
  };
  if (hint !== undefined && fits(hint)) return hint;
  for (let p = contextTokens.length - generated.length + 1; p >= 1; p--) if (fits(p)) return p;
  return undefined;
}

/**
 * Re-evaluates `generated` on `sequence` (which must still hold the prompt and the generation) and returns
 * one entry per generated token, with `top` alternatives when top > 0. Undefined when the generated tokens
 * cannot be located in the sequence (e.g. after a context shift): no number beats a wrong one.
 */
export async function replayLogprobs(args: {
  model: LlamaModel;
  sequence: LlamaContextSequence;
  generated: readonly Token[];
  /** sequence.contextTokens.length at the first onToken call. */
  startHint: number | undefined;
  top: number;
}): Promise<TokenLogprob[] | undefined> {
  const { model, sequence, generated, top } = args;
  if (generated.length === 0) return [];
  const context = sequence.contextTokens;
  const start = locateGenerated(context, generated, args.startHint);
  if (start === undefined) return undefined;
  // The logits of the token before the first generated one are gone: evaluate it again, then the rest.
  await sequence.eraseContextTokenRanges([{ start: start - 1, end: sequence.nextTokenIndex }]);
  const inputs = [context[start - 1]!, ...generated.slice(0, -1)];
  const results = await sequence.controlledEvaluate(
    inputs.map((token, i) => [
      token,
      // includeTop ≥ 1 brings the max logit, which normalises; totalLogitWeight is Σ exp(logit − max).
      { generateNext: { logits: { filter: { tokens: [generated[i]!], includeTop: Math.max(1, top) } }, totalLogitWeight: true } },
    ]),
  );
  const prefix = context.slice(Math.max(0, start - DETOKENIZE_CONTEXT), start);
  const text = (token: Token, before: readonly Token[]) => model.detokenize([token], false, before.slice(-DETOKENIZE_CONTEXT));
  const out: TokenLogprob[] = [];
  for (let i = 0; i < generated.length; i++) {
    const next = results[i]?.next;
    const logits = next?.logits;
    const weight = next?.totalLogitWeight;
    if (!logits || weight === undefined || !(weight > 0)) return undefined;
    const ranked = [...logits.entries()];
    const logNorm = ranked[0]![1] + Math.log(weight);
    const before = [...prefix, ...generated.slice(Math.max(0, i - DETOKENIZE_CONTEXT), i)];
    const entry: TokenLogprob = { token: text(generated[i]!, before), logprob: logits.get(generated[i]!)! - logNorm };
    if (top > 0) entry.top = ranked.slice(0, top).map(([t, logit]): TopLogprob => ({ token: text(t, before), logprob: logit - logNorm }));
    out.push(entry);
  }
  return out;
}
