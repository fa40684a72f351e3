import { describe, expect, it } from "vitest";
import { loadRouterConfig } from "../router/config/load.js";
import { ConfigError } from "../core/errors.js";
import { buildInputs } from "./inputs.js";
import { loadUsageProfiles, profileByName } from "./profiles.js";
import { FIXTURE_CONFIG, PROFILES, profilesYaml, tempDir, writeTemp } from "../test-support/simulator-fixtures.js";

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("usage profiles", () => {
  it("the shipped file loads, and light/medium/heavy differ in volume and in mix", () => {
    const p = loadUsageProfiles(PROFILES);
    const [light, medium, heavy] = ["light", "medium", "heavy"].map((n) => profileByName(p, n));
    const volume = (x: typeof light) => x!.iterations_per_day * x!.calls_per_iteration;
    expect(volume(light)).toBeLessThan(volume(medium));
    expect(volume(medium)).toBeLessThan(volume(heavy));
    expect(medium!.iterations_per_day).toBe(100); // the seed's figure is the medium profile
    const hard = (x: typeof light) => (x!.action_mix.code ?? 0) + (x!.action_mix.reasoning ?? 0) + (x!.action_mix.orchestration ?? 0);
    expect(hard(light)).toBeLessThan(hard(medium));
    expect(hard(medium)).toBeLessThan(hard(heavy));
  });

  it("a mix that does not sum to 1 is reported with file, line and field", () => {
    const dir = tempDir();
    const file = writeTemp(dir, "p.yaml", profilesYaml({ iterations: 10, calls: 2, mix: { classify_memory: 0.5, code: 0.4 } }));
    const err = errorOf(() => loadUsageProfiles(file));
    expect(err.message).toMatch(new RegExp(`p\\.yaml:10: profiles\\.test\\.action_mix: shares must sum to 1, they sum to 0\\.9`));
    expect(err.line).toBe(10);
  });

  it("schema errors name the line of the bad field", () => {
    const dir = tempDir();
    const text = profilesYaml({ iterations: 10, calls: 2, mix: { classify_memory: 1 } }).replace("dispersion: 16", "dispersion: -3");
    const err = errorOf(() => loadUsageProfiles(writeTemp(dir, "p.yaml", text)));
    expect(err.line).toBe(9);
    expect(err.field).toBe("profiles.test.dispersion");
  });

  it("weekday factors must average 1", () => {
    const dir = tempDir();
    const text = profilesYaml({ iterations: 10, calls: 2, mix: { classify_memory: 1 } }).replace("sat: 0.6, sun: 0.6", "sat: 1.6, sun: 1.6");
    const err = errorOf(() => loadUsageProfiles(writeTemp(dir, "p.yaml", text)));
    expect(err.message).toContain("calendar.weekday_factors: factors must average 1");
    expect(err.line).toBe(4);
  });

  it("an action the router does not know is reported at its line in the mix", () => {
    const dir = tempDir();
    const profiles = loadUsageProfiles(writeTemp(dir, "p.yaml", profilesYaml({ iterations: 10, calls: 2, mix: { classify_memory: 0.5, translate: 0.5 } })));
    const err = errorOf(() => buildInputs({ config: loadRouterConfig(FIXTURE_CONFIG), profiles, profile: "test", days: 7 }));
    expect(err.message).toMatch(/p\.yaml:10: profiles\.test\.action_mix\.translate: unknown action "translate"/);
  });

  it("an unknown profile name lists the defined ones", () => {
    const err = errorOf(() => profileByName(loadUsageProfiles(PROFILES), "extreme"));
    expect(err.message).toContain('no usage profile "extreme"; defined: light, medium, heavy, gsm8k-like, cruxeval-like');
  });
});
