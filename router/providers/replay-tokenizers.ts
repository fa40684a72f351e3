/**
 * Real tokenizers, one per model family, for the token counts of replayed answers (the recordings
 * carry text only). Each package bundles its vocabulary, so counting is offline. Counts are of the
 * message text alone: no BOS/EOS and no chat-template tokens. Vocabularies load on first use
 * (0.1–0.7 s each), so a run pays only for the families it replays.
 */
import { z } from "zod";

export const TokenizerId = z.enum(["o200k_base", "llama3", "llama2", "mistral"]);
export type TokenizerId = z.infer<typeof TokenizerId>;

export interface Tokenizer {
  id: TokenizerId;
  /** Package and vocabulary, as records and reports name them. */
  label: string;
  count(text: string): number;
  /** The text of the first `maxTokens` tokens. */
  truncate(text: string, maxTokens: number): string;
}

interface Codec {
  encode(text: string): number[];
  decode(ids: number[]): string;
}

export const TOKENIZER_LABELS: Record<TokenizerId, string> = {
  o200k_base: "gpt-tokenizer o200k_base (GPT-4o's BPE, 200K vocab)",
  llama3: "llama3-tokenizer-js (Llama 3 BPE, 128K vocab)",
  llama2: "llama-tokenizer-js (Llama 2 SentencePiece, 32K vocab)",
  mistral: "mistral-tokenizer-js (Mistral 7B v0.1 SentencePiece, 32K vocab)",
};

async function loadCodec(id: TokenizerId): Promise<Codec> {
  switch (id) {
    case "o200k_base": {
      const gpt = await import("gpt-tokenizer/encoding/o200k_base");
      // Text such as "<|endoftext|>" inside an answer is counted as the characters it is, not refused.
      const plain = { disallowedSpecial: new Set<string>() };
      return { encode: (t) => gpt.encode(t, plain), decode: (ids) => gpt.decode(ids) };
    }
    case "llama3": {
      const t = (await import("llama3-tokenizer-js")).default;
      return { encode: (s) => t.encode(s, { bos: false, eos: false }), decode: (ids) => t.decode(ids) };
    }
    case "llama2": {
      const t = (await import("llama-tokenizer-js")).default;
      // SentencePiece prepends a space to a fresh text, as the model's own tokenizer does; no BOS.
      return { encode: (s) => t.encode(s, false, true), decode: (ids) => t.decode(ids, false, true) };
    }
    case "mistral": {
      const t = (await import("mistral-tokenizer-js")).default;
      return { encode: (s) => t.encode(s, false, true), decode: (ids) => t.decode(ids, false, true) };
    }
  }
}

const cache = new Map<TokenizerId, Promise<Tokenizer>>();

export function loadTokenizer(id: TokenizerId): Promise<Tokenizer> {
  let p = cache.get(id);
  if (!p) {
    p = loadCodec(id).then((codec): Tokenizer => ({
      id,
      label: TOKENIZER_LABELS[id],
      count: (text) => (text === "" ? 0 : codec.encode(text).length),
      truncate: (text, maxTokens) => {
        if (text === "" || maxTokens <= 0) return "";
        const ids = codec.encode(text);
        return ids.length <= maxTokens ? text : codec.decode(ids.slice(0, maxTokens));
      },
    }));
    p.catch(() => cache.delete(id));
    cache.set(id, p);
  }
  return p;
}
