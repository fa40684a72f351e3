import { describe, expect, it } from "vitest";
import type { TokenLogprob } from "../contracts/provider.js";
import { logprobFeatures, logprobFeatureValues, tokenOffsets } from "./logprob-features.js";

const toks = (pairs: [string, number][]): TokenLogprob[] => pairs.map(([token, logprob]) => ({ token, logprob }));

// {"reasoning": "9+9", "answer": 18}
const answer18 = toks([
  ['{"reasoning": "', -0.1],
  ["9+9", -0.5],
  ['", "answer": ', -0.2],
  ["1", -1.0],
  ["8", -0.4],
  ["}", -0.01],
]);
const text18 = answer18.map((t) => t.token).join("");

describe("logprobFeatures", () => {
  it("averages and takes the minimum over the tokens of the answer only", () => {
    // Answer span "18" = tokens "1" (−1.0) and "8" (−0.4): mean −0.7, min −1.0.
    const f = logprobFeatures({ text: text18, logprobs: answer18 })!;
    expect(f).toEqual({ mean: -0.7, min: -1.0, tokens: 2, scope: "answer" });
  });

  it("counts a token that straddles the span's edge", () => {
    // '"18"' split as ' "1' and '8"': both touch the span 18 inside the quotes.
    const t = toks([
      ['{"answer": "1', -0.3],
      ['8"}', -0.1],
    ]);
    const f = logprobFeatures({ text: '{"answer": "18"}', logprobs: t })!;
    expect(f.tokens).toBe(2);
    expect(f.mean).toBeCloseTo(-0.2, 12);
  });

  it("falls back to every token, and says why, when no answer is found", () => {
    const t = toks([
      ["It", -0.2],
      [" is", -0.4],
      [" big", -0.9],
    ]);
    // (−0.2 − 0.4 − 0.9) / 3 = −0.5
    expect(logprobFeatures({ text: "It is big", logprobs: t })).toEqual({ mean: -0.5, min: -0.9, tokens: 3, scope: "all_tokens", fallback: "no_answer_span" });
  });

  it("falls back when the tokens do not spell the text", () => {
    const f = logprobFeatures({
      text: '{"answer": 1}',
      logprobs: toks([
        ["something", -2],
        [" else", -1],
      ]),
    })!;
    expect(f).toMatchObject({ scope: "all_tokens", fallback: "tokens_do_not_spell_text", mean: -1.5, min: -2 });
  });

  it("uses a span the caller found, and the canonical answer when there is no field", () => {
    const t = toks([
      ["The", -0.1],
      [" answer", -0.1],
      [" is", -0.1],
      [" 4", -0.8],
      ["2", -0.6],
      [".", -0.05],
    ]);
    const text = "The answer is 42.";
    expect(logprobFeatures({ text, logprobs: t, canonical: "42" })).toMatchObject({ scope: "answer", tokens: 2, min: -0.8 });
    expect(logprobFeatures({ text, logprobs: t, span: { start: 0, end: 3 } })).toMatchObject({ scope: "answer", tokens: 1, mean: -0.1 });
  });

  it("is undefined when there are no log-probabilities: missing, not zero", () => {
    expect(logprobFeatures({ text: "x", logprobs: undefined })).toBeUndefined();
    expect(logprobFeatures({ text: "", logprobs: [] })).toBeUndefined();
    expect(logprobFeatureValues(undefined)).toEqual({ logprob_mean: undefined, logprob_min: undefined, logprob_on_answer: undefined });
    expect(logprobFeatureValues({ mean: -1, min: -2, tokens: 1, scope: "answer" })).toEqual({ logprob_mean: -1, logprob_min: -2, logprob_on_answer: 1 });
  });
});

describe("tokenOffsets", () => {
  it("lines tokens up with a text the provider trimmed, either way round", () => {
    expect(
      tokenOffsets(
        "ab",
        toks([
          ["a", 0],
          ["b", 0],
        ]),
      ),
    ).toEqual([0, 1]);
    expect(
      tokenOffsets(
        "ab",
        toks([
          [" a", 0],
          ["b", 0],
          ["\n", 0],
        ]),
      ),
    ).toEqual([-1, 1, 2]);
    expect(
      tokenOffsets(
        "  ab",
        toks([
          ["a", 0],
          ["b", 0],
        ]),
      ),
    ).toEqual([2, 3]);
    expect(tokenOffsets("ab", toks([["x", 0]]))).toBeUndefined();
  });
});
