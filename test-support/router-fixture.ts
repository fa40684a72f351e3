/**
 * Writes a small but complete router config (3 tiers, prices, one labelled action) into a temp dir,
 * so tests go through the real loader. Providers are named so tests can hand in real Provider
 * instances (scripted or HTTP against a fake server) by name.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadRouterConfig, type RouterConfig } from "../router/config/load.js";

export const TEST_PRICES = {
  version: 1,
  taken: "2026-11-25",
  source: "test fixture",
  currency: "USD",
  models: { "api-model": { input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5 } },
};

export function testConfigData(): Record<string, unknown> {
  return {
    version: 1,
    prices: "prices.json",
    ledger: { path: "ledger.sqlite" },
    defaults: { threshold: 0.7, timeout_ms: 2000, deadline_ms: 10000, max_tokens: 64 },
    retry: { max_retries: 2, base_delay_ms: 10, max_delay_ms: 100 },
    providers: { fast: { kind: "scripted" }, quality: { kind: "scripted" }, api: { kind: "scripted" }, api2: { kind: "scripted" } },
    tiers: {
      LOCAL_FAST: { local: true, models: [{ id: "fast-a", provider: "fast", model: "fast-a" }] },
      LOCAL_QUALITY: { local: true, models: [{ id: "quality-a", provider: "quality", model: "quality-a" }] },
      API_FALLBACK: {
        local: false,
        models: [
          { id: "api-model", provider: "api", model: "api-model" },
          { id: "api-model-2", provider: "api2", model: "api-model-2", price: "api-model" },
        ],
      },
    },
    actions: {
      classify: {
        tier: "LOCAL_FAST",
        escalate: ["LOCAL_QUALITY", "API_FALLBACK"],
        system: "Pick a label.",
        template: "Text: {input}\nLabel:",
        checks: [{ id: "label_set", labels: ["auth", "ui", "docs"] }, { id: "finish_reason" }],
      },
    },
  };
}

export function writeTestConfig(
  mutate?: (data: Record<string, unknown>) => void,
  opts: { calibration?: unknown } = {},
): { dir: string; file: string; load: () => RouterConfig } {
  const dir = mkdtempSync(join(tmpdir(), "tierlab-test-"));
  const data = testConfigData();
  mutate?.(data);
  const file = join(dir, "router.yaml");
  writeFileSync(file, stringify(data));
  writeFileSync(join(dir, "prices.json"), JSON.stringify(TEST_PRICES, null, 2));
  if (opts.calibration) writeFileSync(join(dir, "calibration.json"), JSON.stringify(opts.calibration));
  return { dir, file, load: () => loadRouterConfig(file) };
}
