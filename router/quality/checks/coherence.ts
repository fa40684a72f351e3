/** Coherence checks: is the answer text rather than a loop, a refusal or noise? */
import type { QualityCheck } from "../../contracts/quality.js";
import { paramNumber, result } from "./params.js";

export const nonEmptyCheck: QualityCheck = {
  id: "non_empty",
  category: "coherence",
  description: "the answer has visible, mostly printable text",
  params: [],
  run(input) {
    const t = input.text.trim();
    if (t === "") return result("non_empty", 0, "empty answer");
    let bad = 0;
    for (const ch of t) {
      const c = ch.codePointAt(0)!;
      if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13)) bad++;
    }
    const share = bad / t.length;
    return result("non_empty", 1 - share * 4, share > 0 ? `${(share * 100).toFixed(1)} % control or replacement characters` : "printable text");
  },
};

/**
 * Share of repeated word trigrams. Small models loop ("the the the", the same sentence again);
 * up to `ok` repetition is normal prose, all-repeated scores 0.
 */
export const repetitionCheck: QualityCheck = {
  id: "repetition",
  category: "coherence",
  description: "the answer does not loop on the same phrases",
  params: ["ok"],
  run(input, params) {
    const ok = paramNumber(params, "ok", 0.2, [0, 0.99]);
    const words = input.text.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length < 6) return result("repetition", 1, "too short to repeat");
    const seen = new Set<string>();
    let repeated = 0;
    for (let i = 0; i + 2 < words.length; i++) {
      const g = `${words[i]} ${words[i + 1]} ${words[i + 2]}`;
      if (seen.has(g)) repeated++;
      else seen.add(g);
    }
    const ratio = repeated / (words.length - 2);
    const score = ratio <= ok ? 1 : 1 - (ratio - ok) / (1 - ok);
    return result("repetition", score, `${(ratio * 100).toFixed(0)} % repeated trigrams (ok up to ${(ok * 100).toFixed(0)} %)`);
  },
};

const REFUSALS = [
  /\bI(?:'m| am) (?:sorry|unable|not able)\b/i,
  /\bI can(?:'t|not) (?:help|assist|do|provide|answer)\b/i,
  /\bas an AI(?: language model)?\b/i,
  /\bI (?:don't|do not) (?:know|have (?:access|enough information))\b/i,
];

export const refusalCheck: QualityCheck = {
  id: "refusal",
  category: "coherence",
  description: "the answer is not a refusal or an admission of not knowing",
  params: [],
  run(input) {
    const hit = REFUSALS.find((re) => re.test(input.text));
    return hit ? result("refusal", 0, `refusal phrase: ${hit.exec(input.text)![0]}`) : result("refusal", 1, "no refusal phrase");
  },
};
