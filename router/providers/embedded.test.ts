import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { modelsPresent, REPO_ROOT, STORIES, TINY_RANDOM } from "../../test-support/models.js";
import { loadRouterConfig } from "../config/load.js";
import { ContextLengthError, ModelNotFoundError, TimeoutError } from "../../core/errors.js";
import { Router } from "../router.js";
import { EmbeddedProvider } from "./embedded.js";

describe.runIf(modelsPresent)("EmbeddedProvider on real GGUF models", () => {
  const p = new EmbeddedProvider({ threads: 1, contextSize: 512 });
  afterAll(() => p.close());

  it("streams text chunks, then one done chunk with token counts", async () => {
    const chunks: string[] = [];
    let done;
    for await (const c of p.stream({ model: STORIES, messages: [{ role: "user", content: "Once upon a time" }], maxTokens: 12 })) {
      if (c.type === "text") chunks.push(c.text);
      else done = c.result;
    }
    expect(chunks.length).toBeGreaterThan(1);
    expect(done!.text).toBe(chunks.join(""));
    expect(done!.finishReason).toBe("length");
    expect(done!.usage.outputTokens).toBe(12);
    expect(done!.usage.inputTokens).toBeGreaterThan(2);
  });

  it("constrains output to a JSON schema, even from a base model", async () => {
    const schema = { type: "object", properties: { label: { type: "string", enum: ["auth", "ui", "docs"] } }, required: ["label"] };
    for (const model of [STORIES, TINY_RANDOM]) {
      const r = await p.chat({
        model,
        messages: [{ role: "user", content: "Topic of: fixed login" }],
        maxTokens: 48,
        responseFormat: { type: "json", schema },
      });
      expect(["auth", "ui", "docs"]).toContain(JSON.parse(r.text).label);
      expect(r.finishReason).toBe("stop");
    }
  });

  it("rejects a prompt over the context with ContextLengthError", async () => {
    const long = "word ".repeat(2000);
    await expect(p.chat({ model: STORIES, messages: [{ role: "user", content: long }], maxTokens: 8 })).rejects.toBeInstanceOf(ContextLengthError);
  });

  it("stops on abort and throws the abort reason", async () => {
    const ac = new AbortController();
    const reason = new TimeoutError({ message: "per-attempt timeout" });
    const pending = p.chat({ model: STORIES, messages: [{ role: "user", content: "Once" }], maxTokens: 400, signal: ac.signal });
    setTimeout(() => ac.abort(reason), 5);
    await expect(pending).rejects.toBe(reason);
    // The sequence is free again afterwards.
    const r = await p.chat({ model: STORIES, messages: [{ role: "user", content: "Once" }], maxTokens: 4 });
    expect(r.usage.outputTokens).toBe(4);
  });

  it("reports a missing file as unavailable and as ModelNotFoundError", async () => {
    const missing = join(REPO_ROOT, "no-such-model.gguf");
    expect(await p.availability(missing)).toMatchObject({ ok: false });
    await expect(p.chat({ model: missing, messages: [{ role: "user", content: "x" }] })).rejects.toBeInstanceOf(ModelNotFoundError);
  });

  it("routes classify_memory end to end on config/router.embedded.yaml, with the API tier unavailable", async () => {
    const config = loadRouterConfig(join(REPO_ROOT, "config/router.embedded.yaml"), { calibration: false });
    const router = new Router({ config, providers: { env: {} } });
    try {
      const r = await router.route({ action: "classify_memory", prompt: "Fixed auth bug in login flow" }).catch((e) => e.result);
      expect(r.attempts[0].tier).toBe("LOCAL_FAST");
      expect(r.attempts[0].usage.outputTokens).toBeGreaterThan(0);
      const api = r.attempts.find((a: { tier: string }) => a.tier === "API_FALLBACK");
      if (api) expect(api.error.message).toContain("ANTHROPIC_API_KEY");
      for (const a of r.attempts.filter((x: { verdict: string }) => x.verdict !== "error")) expect(a.confidence).toBeGreaterThanOrEqual(0);
    } finally {
      await router.close();
    }
  });
});
