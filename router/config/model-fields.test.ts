import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { ConfigError } from "../../core/errors.js";

const withModel = (model: Record<string, unknown>, provider: Record<string, unknown> = { kind: "embedded" }) =>
  writeTestConfig((d) => {
    (d.providers as Record<string, unknown>).fast = provider;
    (d.tiers as Record<string, { models: unknown[] }>).LOCAL_FAST!.models = [{ id: "m", provider: "fast", model: "m.gguf", ...model }];
  });

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("embedded model fields: uri, sha256, size, download", () => {
  it("accepts a file URI with its checksum and size, and the download settings", () => {
    const c = withModel(
      { uri: "hf:o/r/m.gguf#v1", sha256: "A".repeat(64), size: 10 },
      { kind: "embedded", download: "never", download_connect_timeout_ms: 500, download_stall_timeout_ms: 900 },
    ).load();
    expect(c.data.tiers.LOCAL_FAST!.models[0]).toMatchObject({ uri: "hf:o/r/m.gguf#v1", size: 10 });
    expect(c.data.providers.fast).toMatchObject({ download: "never", download_connect_timeout_ms: 500 });
  });

  it("rejects, with file, line and field, a URI that names no file, a bad sha256 and an unknown download mode", () => {
    const uri = withModel({ uri: "hf:o/r:Q4_K_M" });
    expect(configError(() => uri.load()).message).toMatch(
      new RegExp(`^${uri.file}:\\d+: tiers\\.LOCAL_FAST\\.models\\.0\\.uri: "hf:o/r:Q4_K_M" does not name a file`),
    );
    expect(configError(() => withModel({ sha256: "abc" }).load()).message).toMatch(/models\[0\]\.sha256: must be 64 hex digits/);
    expect(configError(() => withModel({}, { kind: "embedded", download: "sometimes" }).load()).message).toMatch(/providers\.fast\.download/);
  });
});
