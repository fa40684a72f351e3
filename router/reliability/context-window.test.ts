import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modelsPresent, STORIES, TINY_RANDOM } from "../../test-support/models.js";
import { TEST_PRICES, writeTestConfig } from "../../test-support/router-fixture.js";
import { allModels } from "../config/load.js";
import { ContextWindows } from "./context-window.js";

function windowsOf(mutate: (d: Record<string, any>) => void, maxInputTokens?: number) {
  const fx = writeTestConfig(mutate);
  if (maxInputTokens)
    writeFileSync(
      join(fx.dir, "prices.json"),
      JSON.stringify({ ...TEST_PRICES, models: { "api-model": { ...TEST_PRICES.models["api-model"], max_input_tokens: maxInputTokens } } }),
    );
  const config = fx.load();
  const w = new ContextWindows(config, { TIERLAB_MODELS_DIR: fx.dir });
  return Promise.all(allModels(config).map(async (m) => [m.id, await w.of(m)] as const)).then((e) => Object.fromEntries(e));
}

describe("every model has a context window", () => {
  it.skipIf(!modelsPresent)("embedded: the engine's context, capped by the GGUF's own context_length read from the file", async () => {
    const w = await windowsOf((d) => {
      d.providers = { emb: { kind: "embedded", context_size: 3000 }, big: { kind: "embedded" }, api: { kind: "scripted" }, api2: { kind: "scripted" } };
      d.tiers.LOCAL_FAST.models = [
        { id: "stories", provider: "emb", model: STORIES },
        { id: "tiny", provider: "emb", model: TINY_RANDOM },
      ];
      d.tiers.LOCAL_QUALITY.models = [
        { id: "tiny-default", provider: "big", model: TINY_RANDOM },
        { id: "absent", provider: "emb", model: "nowhere.gguf" },
      ];
    });
    // stories260K was trained on 2048, below the provider's 3000; the tiny llama's 4096 is above it.
    expect(w.stories).toEqual({ tokens: 2048, source: "gguf" });
    expect(w.tiny).toEqual({ tokens: 3000, source: "provider" });
    expect(w["tiny-default"]).toEqual({ tokens: 2048, source: "provider" });
    expect(w.absent).toEqual({ tokens: 3000, source: "provider" });
  });

  it("Ollama: the provider's context_size (sent as num_ctx), else Ollama's default; APIs: the price table, else the vendor's; scripted: unbounded; context_tokens wins", async () => {
    const w = await windowsOf((d) => {
      d.providers = { fast: { kind: "ollama", context_size: 8192 }, quality: { kind: "ollama" }, api: { kind: "anthropic" }, api2: { kind: "openai" } };
      d.tiers.LOCAL_FAST.models.push({ id: "declared", provider: "fast", model: "x", context_tokens: 1000 });
    });
    expect(w["fast-a"]).toEqual({ tokens: 8192, source: "provider" });
    expect(w["quality-a"]).toEqual({ tokens: 4096, source: "default" });
    expect(w.declared).toEqual({ tokens: 1000, source: "config" });
    expect(w["api-model"]).toEqual({ tokens: 200_000, source: "default" });
    expect(w["api-model-2"]).toEqual({ tokens: 128_000, source: "default" });
    const priced = await windowsOf((d) => (d.providers.api = { kind: "anthropic" }), 150_000);
    expect(priced["api-model"]).toEqual({ tokens: 150_000, source: "price_table" });
    expect(priced["fast-a"]).toEqual({ tokens: Number.POSITIVE_INFINITY, source: "unbounded" });
  });
});
