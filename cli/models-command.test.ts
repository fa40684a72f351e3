import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeFileServer, type FakeFileServer, type FileFault } from "../test-support/fake-file-server.js";
import { GGUF_BYTES, GGUF_SHA256, sha256Of } from "../test-support/gguf-bytes.js";
import { writeTestConfig } from "../test-support/router-fixture.js";
import { runCliAsync } from "../test-support/run-cli.js";

const HF_PATH = "/acme/tiny/resolve/main/gguf/stories260K.gguf";
let server: FakeFileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A config whose only local model is missing and comes from hf:acme/tiny via HF_ENDPOINT (the fake hub). */
async function firstRun(o: { sha256?: string; fault?: FileFault; connectTimeoutMs?: number } = {}) {
  server = await startFakeFileServer({ files: { [HF_PATH]: GGUF_BYTES }, fault: o.fault && (() => o.fault) });
  const fx = writeTestConfig((d) => {
    (d.providers as Record<string, unknown>).fast = {
      kind: "embedded",
      threads: 1,
      download_connect_timeout_ms: o.connectTimeoutMs ?? 2000,
      download_stall_timeout_ms: 2000,
    };
    (d.tiers as Record<string, { models: unknown[] }>).LOCAL_FAST!.models = [
      {
        id: "stories",
        provider: "fast",
        model: "models/stories260K.gguf",
        uri: "hf:acme/tiny/gguf/stories260K.gguf",
        size: GGUF_BYTES.length,
        sha256: o.sha256 ?? GGUF_SHA256,
      },
    ];
    (d.actions as Record<string, { escalate: string[] }>).classify!.escalate = [];
    // Attempt timeout and deadline far above the download timeouts: what fires must be the download's own bound.
    d.defaults = { threshold: 0.7, timeout_ms: 30_000, deadline_ms: 60_000, max_tokens: 16 };
  });
  const cache = mkdtempSync(join(tmpdir(), "tierlab-models-"));
  return { fx, cache, env: { HF_ENDPOINT: server.url, TIERLAB_MODELS_DIR: cache, TIERLAB_MODEL_DOWNLOAD: "" } };
}

describe("tierlab models", () => {
  it("pull fetches the missing model into TIERLAB_MODELS_DIR and verifies it; list shows where; a second pull downloads nothing", async () => {
    const { fx, cache, env } = await firstRun();
    const pull = await runCliAsync(["models", "pull", "--config", fx.file], { env });
    expect(pull.stderr).toBe("");
    expect(pull.status).toBe(0);
    const file = join(cache, "stories260K.gguf");
    expect(pull.stdout).toContain(`models folder: ${cache}`);
    expect(pull.stdout).toMatch(new RegExp(`ok {3}stories: downloaded to ${file}: 1\\.19 MB in .*size \\+ sha256 verified`));
    expect(sha256Of(readFileSync(file))).toBe(GGUF_SHA256);

    const list = await runCliAsync(["models", "list", "--config", fx.file, "--json"], { env });
    expect(JSON.parse(list.stdout)).toMatchObject({
      version: 1,
      modelsDir: cache,
      models: [{ id: "stories", state: "present", where: "models_dir", path: file, bytes: GGUF_BYTES.length }],
      otherFiles: [],
    });

    const again = await runCliAsync(["models", "pull", "--config", fx.file, "--json"], { env });
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, models: [{ id: "stories", state: "present", matches: { size: true, sha256: true } }] });
    expect(server!.requests).toHaveLength(1);
  }, 120_000);

  it("pull with a sha256 that does not match exits 3, names both digests and leaves no file", async () => {
    const wrong = "ab".repeat(32);
    const { fx, cache, env } = await firstRun({ sha256: wrong });
    const pull = await runCliAsync(["models", "pull", "--config", fx.file], { env });
    expect(pull.status).toBe(3);
    expect(pull.stdout).toContain(`FAIL stories: model stories is missing`);
    expect(pull.stdout).toContain(`sha256 of the downloaded file is ${GGUF_SHA256}, the config says ${wrong}`);
    expect(pull.stdout).toMatch(/fix: check `uri:`, `sha256:` and `size:` of model stories/);
    expect(existsSync(join(cache, "stories260K.gguf"))).toBe(false);
    expect(existsSync(join(cache, "stories260K.gguf.partial"))).toBe(false);
  }, 60_000);

  it("route with no network route to the model (the hub accepts and never answers) fails within the connect timeout, naming the fix", async () => {
    const { fx, env } = await firstRun({ fault: { kind: "hang_before_headers" }, connectTimeoutMs: 1500 });
    const r = await runCliAsync(["route", "--config", fx.file, "--prompt", "Fixed auth bug", "--action", "classify", "--json"], { env, timeoutMs: 60_000 });
    expect(r.status).toBe(3);
    const attempts = JSON.parse(r.stdout).attempts as { error: { class: string; message: string }; latencyMs: number }[];
    // Not retried: a second try meets the same network and costs another timeout.
    expect(attempts).toHaveLength(1);
    const [a] = attempts;
    expect(a!.error.class).toBe("ModelDownloadError");
    expect(a!.error.message).toContain(`model stories is missing (looked at ${join(fx.dir, "models/stories260K.gguf")}`);
    expect(a!.error.message).toContain(`hf:acme/tiny/gguf/stories260K.gguf → ${server!.url}${HF_PATH}?download=true`);
    expect(a!.error.message).toContain("within 1500 ms (connect timeout)");
    // Bounded by the download's connect timeout, far below the 30 s attempt timeout.
    expect(a!.latencyMs).toBeGreaterThanOrEqual(1490);
    expect(a!.latencyMs).toBeLessThan(5000);
    expect(r.stderr).toContain(`run \`tierlab models pull --config ${fx.file}\``);
    process.stdout.write(
      `[models] offline route: attempt failed after ${Math.round(a!.latencyMs)} ms (connect timeout 1500 ms); CLI wall ${Math.round(r.wallMs)} ms\n`,
    );
  }, 90_000);
});
