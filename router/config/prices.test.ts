import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { worstCaseUsd } from "../budget/worst-case.js";
import { startFakeOllama } from "../../test-support/fake-ollama.js";
import { REPO_ROOT } from "../../test-support/models.js";
import { allModels, loadRouterConfig } from "./load.js";
import { findPrice } from "./price-lookup.js";
import { loadPriceTable } from "./price-table.js";
import { requestRates, tokenCostUsd } from "./prices.js";

// Absolute, because the drop-in copy runs from a temp folder without node_modules.
const TSX = pathToFileURL(join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs")).href;
const FIXTURE = join(REPO_ROOT, "router/config/testdata/litellm-model-prices.json");

describe("LiteLLM's price file, as published", () => {
  const table = loadPriceTable(FIXTURE);

  it("keeps the entries priced per token and counts what it skipped, by reason", () => {
    expect(table.format).toBe("litellm");
    expect(table.taken).toBeNull();
    expect(Object.keys(table.models).sort()).toEqual([
      "claude-sonnet-4-5",
      "claude-sonnet-5",
      "cohere.embed-english-v3",
      "gpt-4o",
      "gpt-4o-2024-08-06",
      "gpt-4o-mini",
      "gpt-5.4",
    ]);
    expect(table.skipped).toEqual({
      total: 4,
      byReason: {
        "documentation entry (sample_spec)": 1,
        "no per-token price (priced per image, second, character, pixel or query)": 2,
        "no output_cost_per_token": 1,
      },
    });
  });

  it("prices every token of a request above 200k input tokens at the long-context rates (Claude Sonnet 4.5)", () => {
    const p = table.models["claude-sonnet-4-5"]!;
    // At the threshold: base rates. One token more: every token at the higher rates, as LiteLLM bills it.
    expect(tokenCostUsd(p, { inputTokens: 200_000, outputTokens: 1000 })).toBeCloseTo(200_000 * 3e-6 + 1000 * 1.5e-5, 12);
    expect(tokenCostUsd(p, { inputTokens: 250_000, outputTokens: 1000 })).toBeCloseTo(250_000 * 6e-6 + 1000 * 2.25e-5, 12);
    expect(tokenCostUsd(p, { inputTokens: 250_000, cacheReadTokens: 100_000, cacheWriteTokens: 50_000, outputTokens: 0 })).toBeCloseTo(
      100_000 * 6e-6 + 100_000 * 6e-7 + 50_000 * 7.5e-6,
      12,
    );
    expect(requestRates(p, 250_000).aboveTokens).toBe(200_000);
    // A sum of many small calls (the simulator's day totals) is priced at the rate of its calls, not of its sum.
    expect(tokenCostUsd(p, { inputTokens: 5_000_000, outputTokens: 0 }, 2_500)).toBeCloseTo(5_000_000 * 3e-6, 9);
  });

  it("applies GPT-5.4's rates above 272k tokens, and the base rates a tier leaves out", () => {
    const p = table.models["gpt-5.4"]!;
    expect(tokenCostUsd(p, { inputTokens: 272_000, outputTokens: 100 })).toBeCloseTo(272_000 * 2.5e-6 + 100 * 1.5e-5, 12);
    expect(tokenCostUsd(p, { inputTokens: 300_000, outputTokens: 100 })).toBeCloseTo(300_000 * 5e-6 + 100 * 2.25e-5, 12);
    // No cache-write rate at all: writes cost the tier's input rate.
    expect(requestRates(p, 300_000)).toMatchObject({ input: 5e-6, cacheWrite: 5e-6, cacheRead: 5e-7 });
  });

  it("reserves budget at the long-context rate when the input bound crosses the threshold", () => {
    const p = table.models["claude-sonnet-4-5"]!;
    expect(worstCaseUsd({ pricing: p, inputTokens: 300_000, maxOutputTokens: 1000 })).toBeCloseTo(300_000 * 7.5e-6 + 1000 * 2.25e-5, 12);
  });

  it("finds a model by alias: the family for a point release, the undated key for a dated one", () => {
    const find = (id: string, kind: "anthropic" | "openai") => findPrice({ table, model: { id, model: id }, kind });
    expect(find("claude-sonnet-5-5", "anthropic")).toMatchObject({ key: "claude-sonnet-5", alias: "point release priced as its family" });
    expect(find("gpt-4o-2024-11-20", "openai")).toMatchObject({ key: "gpt-4o", alias: "date suffix dropped" });
    expect(find("gpt-4o-2024-08-06", "openai")).toMatchObject({ key: "gpt-4o-2024-08-06", alias: null });
    expect(find("gpt-4o-mini", "openai")).toMatchObject({ key: "gpt-4o-mini", alias: null });
    // An alias never crosses providers: LiteLLM keys the same names under azure/, bedrock and others.
    expect(find("claude-sonnet-5-5", "openai")).toBeUndefined();
    expect(find("mystery-model", "openai")).toBeUndefined();
  });
});

describe("acceptance: LiteLLM's file in place of config/prices.json, config/router.yaml unchanged", () => {
  /** A copy of config/ (router.yaml untouched) and the label files it points at, with the LiteLLM file as prices.json. */
  function dropIn(): string {
    const root = mkdtempSync(join(tmpdir(), "tierlab-litellm-"));
    cpSync(join(REPO_ROOT, "config"), join(root, "config"), { recursive: true, filter: (src) => !/calibration.*\.json$/.test(src) });
    mkdirSync(join(root, "datasets"));
    cpSync(join(REPO_ROOT, "datasets/labels"), join(root, "datasets/labels"), { recursive: true });
    cpSync(FIXTURE, join(root, "config/prices.json"));
    return root;
  }
  const run = promisify(execFile);
  const cli = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
    run(process.execPath, ["--import", TSX, join(REPO_ROOT, "cli/main.ts"), ...args], {
      cwd,
      env: { ...process.env, ANTHROPIC_API_KEY: "", OPENAI_API_KEY: "", ...env },
      timeout: 120_000,
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it("loads, prices claude-sonnet-5-5 as claude-sonnet-5, and simulates the same costs as the shipped table", async () => {
    const root = dropIn();
    const config = loadRouterConfig(join(root, "config/router.yaml"), { calibration: false });
    const sonnet = allModels(config).find((m) => m.id === "claude-sonnet-5-5")!;
    expect(sonnet).toMatchObject({ priceKey: "claude-sonnet-5", priceAlias: "point release priced as its family" });
    const args = [
      "simulate",
      "--config",
      "config/router.yaml",
      "--profiles",
      "config/usage-profiles.yaml",
      "--usage",
      "medium",
      "--days",
      "7",
      "--trials",
      "200",
      "--seed",
      "3",
      "--json",
    ];
    const [litellm, shipped] = await Promise.all([cli(args, root), cli(args, REPO_ROOT)]);
    expect(litellm.code, litellm.stderr).toBe(0);
    expect(shipped.code, shipped.stderr).toBe(0);
    const costs = (out: string) => JSON.parse(out).horizon.hybrid_cost_usd;
    // The two tables list the same $2 / $10 per 1M tokens for this model, so the same seed gives the same costs.
    expect(costs(litellm.stdout)).toEqual(costs(shipped.stdout));
  }, 180_000);

  it("route answers through the local tier and usage reads the ledger", async () => {
    const root = dropIn();
    const ollama = await startFakeOllama({
      models: ["phi3:mini", "llama3:8b", "mixtral:8x7b", "codestral:22b"],
      respond: () => ({ chunks: ['{"label": "auth"}'] }),
    });
    try {
      const env = { OLLAMA_HOST: ollama.url };
      const r = await cli(["route", "--config", "config/router.yaml", "--prompt", "Fixed auth bug", "--action", "classify_memory", "--json"], root, env);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ verdict: "accepted", tier: "LOCAL_FAST" });
      const u = await cli(["usage", "--config", "config/router.yaml", "--json"], root, env);
      expect(u.code, u.stderr).toBe(0);
      expect(JSON.parse(u.stdout)).toMatchObject({ requests: 1, localShare: 1 });
    } finally {
      await ollama.close();
    }
  }, 120_000);
});

describe("a tierlab table", () => {
  it("still loads with its date, and a LiteLLM-shaped file without any per-token entry is refused", () => {
    const shipped = loadPriceTable(join(REPO_ROOT, "config/prices.json"));
    expect(shipped).toMatchObject({ format: "tierlab", taken: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), skipped: { total: 0 } });
    const dir = mkdtempSync(join(tmpdir(), "tierlab-prices-"));
    writeFileSync(join(dir, "p.json"), JSON.stringify({ "dall-e-2": { litellm_provider: "openai", input_cost_per_image: 0.02 } }));
    expect(() => loadPriceTable(join(dir, "p.json"))).toThrow(/no entry with per-token prices \(1 skipped\)/);
  });
});
