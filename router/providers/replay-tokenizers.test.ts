import { describe, expect, it } from "vitest";
import { loadTokenizer } from "./replay-tokenizers.js";

// Expected counts come from each package's documentation or the model's own test vectors (ids without BOS/EOS).
describe("replay tokenizers count what the model families' tokenizers count", () => {
  it("llama3: the official LLaMA 3 test sentence and the README example", async () => {
    const t = await loadTokenizer("llama3");
    // [128000, 2028, 374, 264, 1296, 11914, 13, 128001] in Meta's test, minus BOS and EOS.
    expect(t.count("This is a test sentence.")).toBe(6);
    expect(t.count("Hello world!")).toBe(3);
    expect(t.label).toMatch(/llama3-tokenizer-js/);
  });

  it("llama2 (Phi-3's vocabulary): README and test vectors, with SentencePiece's leading space", async () => {
    const t = await loadTokenizer("llama2");
    expect(t.count("Hello world!")).toBe(3); // [1, 15043, 3186, 29991]
    expect(t.count("grabbed")).toBe(3); // [1, 2646, 1327, 287]
    expect(t.count("🦙")).toBe(5); // [1, 29871, 243, 162, 169, 156]: byte fallback
  });

  it("mistral (Mixtral's vocabulary): the README example", async () => {
    const t = await loadTokenizer("mistral");
    expect(t.count("Hello world!")).toBe(3); // [1, 22557, 1526, 28808]
  });

  it("o200k_base (GPT-4o): plain text, and special-token text counted as characters rather than refused", async () => {
    const t = await loadTokenizer("o200k_base");
    expect(t.count("hello world")).toBe(2);
    expect(t.count("")).toBe(0);
    expect(t.count("a <|endoftext|> b")).toBeGreaterThan(3);
  });

  it("truncates to the first n tokens and leaves shorter texts alone", async () => {
    for (const id of ["o200k_base", "llama3", "llama2", "mistral"] as const) {
      const t = await loadTokenizer(id);
      const text = "The quick brown fox jumps over the lazy dog.";
      const cut = t.truncate(text, 3);
      expect(t.count(cut), id).toBe(3);
      expect(text.startsWith(cut.trimStart()), `${id}: ${JSON.stringify(cut)}`).toBe(true);
      expect(t.truncate(text, 1000)).toBe(text);
    }
  });
});
