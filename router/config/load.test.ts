import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../test-support/models.js";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { ConfigError } from "../../core/errors.js";
import { thresholdFor, tierChain } from "../policy/escalation.js";
import { loadRouterConfig } from "./load.js";

function expectConfigError(fn: () => unknown, pattern: RegExp): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(pattern);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("router config loading", () => {
  it("loads both shipped configs with their action table and prices", () => {
    for (const f of ["config/router.yaml", "config/router.embedded.yaml"]) {
      const c = loadRouterConfig(join(REPO_ROOT, f), { calibration: false });
      expect(Object.keys(c.data.tiers)).toEqual(["LOCAL_FAST", "LOCAL_QUALITY", "API_FALLBACK"]);
      expect(tierChain(c, "classify_memory")).toEqual(["LOCAL_FAST", "LOCAL_QUALITY", "API_FALLBACK"]);
      // The label schema for structured output is derived from the labels file.
      expect(c.data.actions.classify_memory!.schema).toMatchObject({ properties: { label: { enum: expect.arrayContaining(["auth", "config"]) } } });
    }
  });

  it("points at the YAML line of a bad field", () => {
    const fx = writeTestConfig();
    writeFileSync(fx.file, "version: 1\nproviders: {}\ntiers: {}\nactions: {}\ndefaults:\n  threshold: 1.5\n");
    const err = expectConfigError(() => loadRouterConfig(fx.file), /router\.yaml:6: defaults\.threshold: must be between 0 and 1/);
    expect(err.line).toBe(6);
  });

  it("reports broken YAML with its line", () => {
    const fx = writeTestConfig();
    writeFileSync(fx.file, "version: 1\ntiers:\n  A: [unclosed\n");
    expectConfigError(() => loadRouterConfig(fx.file), /router\.yaml:\d+: not valid YAML/);
  });

  it("names unknown tiers, providers and missing prices with what is allowed", () => {
    const bad = writeTestConfig((d) => {
      (d.actions as Record<string, { tier: string }>).classify!.tier = "LOCAL_FASTER";
      (d.tiers as Record<string, { models: { provider: string }[] }>).LOCAL_QUALITY!.models[0]!.provider = "nope";
      (d.tiers as Record<string, { models: { id: string; price?: string }[] }>).API_FALLBACK!.models[1]!.price = "no-such-price";
    });
    const err = expectConfigError(() => bad.load(), /unknown provider "nope"; defined: fast, quality, api, api2/);
    expect(err.message).toMatch(/no price for "no-such-price"/);
    const badAction = writeTestConfig((d) => {
      (d.actions as Record<string, { tier: string }>).classify!.tier = "LOCAL_FASTER";
    });
    expectConfigError(() => badAction.load(), /actions\.classify\.tier: unknown tier "LOCAL_FASTER"; allowed: LOCAL_FAST, LOCAL_QUALITY, API_FALLBACK/);
  });

  it("rejects unknown checks and bad check params at load time", () => {
    const fx = writeTestConfig((d) => {
      (d.actions as Record<string, { checks: unknown[] }>).classify!.checks = [{ id: "label_set" }, { id: "vibes" }];
    });
    const err = expectConfigError(() => fx.load(), /check label_set: `labels` must be a non-empty list/);
    expect(err.message).toMatch(/unknown check "vibes"/);
  });

  it("takes thresholds from calibration first, then the action, then the default", () => {
    const calibration = {
      version: 1,
      created_at: "2026-11-25T00:00:00Z",
      source_run: "r1",
      method: "risk_control",
      params: { alpha: 0.05 },
      thresholds: [{ action: "classify", tier: "LOCAL_FAST", threshold: 0.42, method: "risk_control", n: 100 }],
    };
    const fx = writeTestConfig(
      (d) => {
        (d.actions as Record<string, { threshold?: number }>).classify!.threshold = 0.8;
      },
      { calibration },
    );
    const c = fx.load();
    expect(thresholdFor(c, "classify", "LOCAL_FAST")).toEqual({ threshold: 0.42, source: "calibration" });
    expect(thresholdFor(c, "classify", "API_FALLBACK")).toEqual({ threshold: 0.8, source: "action" });
    expect(thresholdFor(loadRouterConfig(fx.file, { calibration: false }), "classify", "LOCAL_FAST").source).toBe("action");
  });

  it("rejects a calibration file of another version with its path", () => {
    const fx = writeTestConfig(undefined, { calibration: { version: 3 } });
    expectConfigError(() => fx.load(), /calibration\.json.*version/);
  });
});
