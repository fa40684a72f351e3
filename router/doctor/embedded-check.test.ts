import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { DEFAULT_THRESHOLDS, type DoctorFinding } from "./contract.js";
import { checkEmbedded } from "./setup-checks.js";

describe("doctor: embedded model files", () => {
  it("reports each model as present (and where), not yet downloaded, off, or without a source, with the pull command", () => {
    const fx = writeTestConfig((d) => {
      d.providers = { ...(d.providers as object), fast: { kind: "embedded" }, offline: { kind: "embedded", download: "never" } };
      (d.tiers as Record<string, { models: unknown[] }>).LOCAL_FAST!.models = [
        { id: "here", provider: "fast", model: "models/here.gguf", size: 4 },
        { id: "cached", provider: "fast", model: "models/cached.gguf" },
        { id: "later", provider: "fast", model: "models/later.gguf", uri: "hf:o/r/later.gguf" },
        { id: "off", provider: "offline", model: "models/off.gguf", uri: "hf:o/r/off.gguf" },
        { id: "nowhere", provider: "fast", model: "models/nowhere.gguf" },
        { id: "short", provider: "fast", model: "models/short.gguf", size: 10 },
      ];
    });
    mkdirSync(join(fx.dir, "models"));
    writeFileSync(join(fx.dir, "models/here.gguf"), "GGUF");
    writeFileSync(join(fx.dir, "models/short.gguf"), "GGUF");
    const cache = mkdtempSync(join(tmpdir(), "tierlab-doctor-models-"));
    writeFileSync(join(cache, "cached.gguf"), "GGUF");
    writeFileSync(join(cache, "later.gguf.partial"), "GG");
    const findings = checkEmbedded({
      config: fx.load(),
      env: { TIERLAB_MODELS_DIR: cache },
      fetch,
      now: () => new Date(),
      which: () => undefined,
      ledger: { backend: "sqlite", path: join(fx.dir, "l.sqlite") },
      thresholds: DEFAULT_THRESHOLDS,
    });
    const find = (id: string) => findings.find((f) => f.id === `embedded.${id}`) as DoctorFinding;
    const pull = `tierlab models pull --config ${fx.file}`;

    expect(find("here")).toMatchObject({ status: "ok", message: `GGUF present: ${join(fx.dir, "models/here.gguf")}` });
    expect(find("cached")).toMatchObject({ status: "ok", message: `GGUF present: ${join(cache, "cached.gguf")} (models folder)` });
    expect(find("later").status).toBe("warn");
    expect(find("later").message).toContain("the first request will fetch hf:o/r/later.gguf");
    expect(find("later").message).toContain(`2 bytes of an interrupted download wait in ${join(cache, "later.gguf")}.partial`);
    expect(find("later").fix).toContain(pull);
    expect(find("off")).toMatchObject({ status: "fail", fix: `run \`${pull}\`, or copy the file to ${join(cache, "off.gguf")}` });
    expect(find("off").message).toContain("download is never");
    expect(find("nowhere").status).toBe("fail");
    expect(find("nowhere").fix).toContain("give the model a `uri:`");
    expect(find("short")).toMatchObject({ status: "fail" });
    expect(find("short").message).toContain("is 4 bytes, the config says size: 10");
  });

  it("honours TIERLAB_MODEL_DOWNLOAD=never over the provider's auto", () => {
    const fx = writeTestConfig((d) => {
      d.providers = { ...(d.providers as object), fast: { kind: "embedded", download: "auto" } };
      (d.tiers as Record<string, { models: unknown[] }>).LOCAL_FAST!.models = [
        { id: "later", provider: "fast", model: "m/later.gguf", uri: "https://example.test/later.gguf" },
      ];
    });
    const cache = mkdtempSync(join(tmpdir(), "tierlab-doctor-models-"));
    const [f] = checkEmbedded({
      config: fx.load(),
      env: { TIERLAB_MODELS_DIR: cache, TIERLAB_MODEL_DOWNLOAD: "never" },
      fetch,
      now: () => new Date(),
      which: () => undefined,
      ledger: { backend: "sqlite", path: "" },
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(f).toMatchObject({ id: "embedded.later", status: "fail" });
  });
});
