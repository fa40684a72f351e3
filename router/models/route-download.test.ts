import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeFileServer, type FakeFileServer } from "../../test-support/fake-file-server.js";
import { GGUF_BYTES, GGUF_SHA256 } from "../../test-support/gguf-bytes.js";
import { modelsPresent } from "../../test-support/models.js";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import type { RouteResult } from "../contracts/route-result.js";
import { AllTiersFailedError } from "../all-tiers-failed.js";
import { Router } from "../router.js";
import type { DownloadMode } from "./model-store.js";
import type { ModelProgressEvent } from "./resolver.js";

const FILE = "/models/stories260K.gguf";
let server: FakeFileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function routeWithMissingModel(o: { mode?: DownloadMode; configMode?: DownloadMode }) {
  server = await startFakeFileServer({ files: { [FILE]: GGUF_BYTES } });
  const url = server.url;
  const fx = writeTestConfig((d) => {
    (d.providers as Record<string, unknown>).fast = { kind: "embedded", threads: 1, context_size: 256, download: o.configMode };
    (d.tiers as Record<string, { models: unknown[] }>).LOCAL_FAST!.models = [
      { id: "stories", provider: "fast", model: "models/stories260K.gguf", uri: `${url}${FILE}`, sha256: GGUF_SHA256, size: GGUF_BYTES.length },
    ];
    (d.providers as Record<string, unknown>).quality = { kind: "scripted", script: [{ reply: "ui" }] };
    // Loading llama.cpp the first time takes seconds on a busy 2-core machine; the fixture's 2 s would cut it.
    d.defaults = { threshold: 0.7, timeout_ms: 30_000, deadline_ms: 60_000, max_tokens: 16 };
  });
  const cache = mkdtempSync(join(tmpdir(), "tierlab-cache-"));
  const events: ModelProgressEvent[] = [];
  const router = new Router({
    config: fx.load(),
    providers: { env: { TIERLAB_MODELS_DIR: cache }, modelDownload: o.mode, onModelProgress: (e) => events.push(e) },
  });
  try {
    const result = await router.route({ action: "classify", prompt: "Fixed auth bug" }).catch((err: unknown) => err);
    return { result, events, cache, fx };
  } finally {
    await router.close();
  }
}

describe.runIf(modelsPresent)("route time: a missing embedded model", () => {
  it("is downloaded into TIERLAB_MODELS_DIR when allowed, then loaded and run", async () => {
    const { result, events, cache, fx } = await routeWithMissingModel({});
    const first = (result as RouteResult).attempts[0]!;
    expect(first.error).toBeUndefined();
    expect(first).toMatchObject({ tier: "LOCAL_FAST", modelId: "stories" });
    expect(first.usage.outputTokens).toBeGreaterThan(0);
    expect(statSync(join(cache, "stories260K.gguf")).size).toBe(GGUF_BYTES.length);
    expect(existsSync(join(fx.dir, "models/stories260K.gguf"))).toBe(false);
    expect(events.at(-1)?.progress.done).toBe(true);
  }, 60_000);

  it("is not fetched when the config says download: never, nor when the flag does; the error names the fix", async () => {
    for (const o of [{ configMode: "never" as const }, { configMode: "auto" as const, mode: "never" as const }]) {
      const { result, events } = await routeWithMissingModel(o);
      expect(server!.requests).toHaveLength(0);
      expect(events).toHaveLength(0);
      const first = (result instanceof AllTiersFailedError ? result.result : (result as RouteResult)).attempts[0]!;
      expect(first.error).toMatchObject({ class: "ModelDownloadError" });
      expect(first.error!.message).toContain("downloads are off (download: never)");
      await server!.close();
      server = undefined;
    }
  }, 60_000);
});
