import { copyFileSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeFileServer, type FakeFileServer } from "../../test-support/fake-file-server.js";
import { GGUF_BYTES, GGUF_SHA256 } from "../../test-support/gguf-bytes.js";
import { ModelDownloadError, ModelNotFoundError } from "../../core/errors.js";
import { partialPathOf } from "./download.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, type DownloadMode, type ModelSource } from "./model-store.js";
import { ModelResolver, type ModelProgressEvent } from "./resolver.js";

const HF_PATH = "/acme/tiny/resolve/main/gguf/stories260K.gguf";
const servers: FakeFileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function setup(o: { mode?: DownloadMode; uri?: (url: string) => string; chunkGapMs?: number } = {}) {
  const root = mkdtempSync(join(tmpdir(), "tierlab-resolve-"));
  const models = join(root, "cache");
  const source: ModelSource = {
    id: "stories",
    provider: "embedded",
    path: join(root, "config/models/stories260K.gguf"),
    sha256: GGUF_SHA256,
    size: GGUF_BYTES.length,
  };
  const make = async () => {
    const server = await startFakeFileServer({ files: { [HF_PATH]: GGUF_BYTES }, chunkGapMs: o.chunkGapMs });
    servers.push(server);
    source.uri = o.uri ? o.uri(server.url) : "hf:acme/tiny/gguf/stories260K.gguf";
    const events: ModelProgressEvent[] = [];
    const resolver = new ModelResolver({
      sources: [source],
      modelsDir: models,
      policy: { mode: o.mode ?? "auto", connectTimeoutMs: 2000, stallTimeoutMs: 2000 },
      configFile: join(root, "config/router.yaml"),
      env: { HF_ENDPOINT: server.url },
      onProgress: (e) => events.push(e),
    });
    return { resolver, events, server, source, models, cached: join(models, "stories260K.gguf") };
  };
  return { root, source, make };
}

describe("ModelResolver", () => {
  it("uses the config path first, then the models folder, without touching the network", async () => {
    const t = setup();
    const { resolver, server: s, cached } = await t.make();
    mkdirSync(join(t.root, "cache"), { recursive: true });
    writeFileSync(cached, GGUF_BYTES);
    expect(await resolver.resolve(t.source.path)).toBe(cached);
    mkdirSync(join(t.root, "config/models"), { recursive: true });
    copyFileSync(cached, t.source.path);
    expect(await resolver.resolve(t.source.path)).toBe(t.source.path);
    expect(s.requests).toHaveLength(0);
  });

  it("download: auto fetches a missing hf: model once into the models folder, with progress, however many requests wait", async () => {
    const { resolver, events, server: s, cached, source } = await setup({ chunkGapMs: 2 }).make();
    const paths = await Promise.all([resolver.resolve(source.path), resolver.resolve(source.path), resolver.resolve(source.path)]);
    expect(paths).toEqual([cached, cached, cached]);
    expect(s.requests.map((r) => r.path)).toEqual([HF_PATH]);
    expect(statSync(cached).size).toBe(GGUF_BYTES.length);
    expect(events.at(-1)).toMatchObject({ model: { id: "stories" }, progress: { done: true, receivedBytes: GGUF_BYTES.length } });
    expect(await resolver.resolve(source.path)).toBe(cached);
    expect(s.requests).toHaveLength(1);
  });

  it("download: never fails at once with the pull command and makes no request; availability says the same", async () => {
    const { resolver, server: s, source, cached } = await setup({ mode: "never" }).make();
    const err = await resolver.resolve(source.path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelDownloadError);
    expect(err).toMatchObject({ reason: "download_disabled", uri: "hf:acme/tiny/gguf/stories260K.gguf" });
    expect((err as Error).message).toContain(`model stories is missing (looked at ${source.path} and ${cached})`);
    expect((err as ModelDownloadError).fix).toMatch(/tierlab models pull --config .*router\.yaml/);
    expect(resolver.availability(source.path)).toMatchObject({ ok: false, fix: (err as ModelDownloadError).fix });
    expect(s.requests).toHaveLength(0);
  });

  it("a failed fetch says what was missing, the URI and URL tried, why, and what to run", async () => {
    const { resolver, source, server: s } = await setup({ uri: () => "hf:acme/tiny/gguf/missing.gguf" }).make();
    const err = (await resolver.resolve(source.path).catch((e: unknown) => e)) as ModelDownloadError;
    expect(err.reason).toBe("not_found");
    expect(err.message).toContain("model stories is missing");
    expect(err.message).toContain(`hf:acme/tiny/gguf/missing.gguf → ${s.url}/acme/tiny/resolve/main/gguf/missing.gguf?download=true`);
    expect(err.message).toContain("HTTP 404");
    expect(err.fix).toContain("check `uri:` of model stories");
  });

  it("a model with no file and no uri is ModelNotFoundError naming both places looked", async () => {
    const resolver = new ModelResolver({
      modelsDir: "/nonexistent-cache",
      policy: { mode: "auto", connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS, stallTimeoutMs: 1 },
    });
    const err = await resolver.resolve("/nowhere/x.gguf").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelNotFoundError);
    expect(err).not.toBeInstanceOf(ModelDownloadError);
    expect((err as Error).message).toContain("looked at /nowhere/x.gguf and /nonexistent-cache/x.gguf");
  });

  it("a request leaves on its own signal while the download goes on for the next one; close() stops it and keeps the partial", async () => {
    const { resolver, server: s, source, cached } = await setup({ chunkGapMs: 40 }).make();
    const ac = new AbortController();
    const reason = new Error("attempt timeout");
    const waiting = resolver.resolve(source.path, ac.signal);
    setTimeout(() => ac.abort(reason), 60);
    await expect(waiting).rejects.toBe(reason);
    expect(await resolver.resolve(source.path)).toBe(cached);
    expect(s.requests).toHaveLength(1);

    const again = await setup({ chunkGapMs: 40 }).make();
    const pending = again.resolver.resolve(again.source.path).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    again.resolver.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(existsSync(again.cached)).toBe(false);
    expect(statSync(partialPathOf(again.cached)).size).toBeGreaterThan(0);
  });
});
