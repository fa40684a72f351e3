import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../test-support/router-fixture.js";
import type { Calibration } from "./config/calibration.js";
import type { ScorerModel } from "./confidence/scorer-model.js";
import { ConfigError } from "../core/errors.js";
import { SqliteLedger } from "./ledger/sqlite-ledger.js";
import { ScriptedProvider, type ScriptLine } from "./providers/scripted.js";
import { Router } from "./router.js";
import { createRng } from "../core/rng.js";

/** P(correct) = σ(2·(agreement − 0.5)/0.5): agreeing pair σ(2) = 0.8808, disagreeing σ(−2) = 0.1192. */
const agreementScorer: ScorerModel = {
  version: 1,
  kind: "logistic",
  features: [{ name: "agreement", mean: 0.5, scale: 0.5, weight: 2, missing_weight: null }],
  intercept: 0,
  calibration: { method: "none" },
  fit: {
    n: 100,
    positives: 80,
    folds: 5,
    seed: 1,
    l2: 1,
    calibration_choice: "auto",
    cv_brier: { uncalibrated: 0.1, platt: null, isotonic: null },
    oof_brier: 0.1,
    oof_auroc: 0.8,
    oof_ece: 0.02,
  },
};

const counts = { k: 1, n: 1 };
const expected = { n: 1, accuracy: 1, accuracy_ci95: { lower: 0, upper: 1 }, api_share: 0, cost_per_1k_usd: 0, kept_error: 0, kept_error_upper: 0.5 };
const policy = (kind: "consensus" | "api_first", recommended: boolean, cells: Calibration["policies"][number]["cells"]) => ({
  action: "classify",
  kind,
  recommended,
  cells,
  alpha: 0.05,
  delta: 0.1,
  evidence: "measured" as const,
  expected,
  held_out: null,
  reason: "test",
});
const apiCell = {
  cell: "API_FALLBACK",
  tier: "API_FALLBACK",
  local: false,
  models: ["api-model", "api-model-2"],
  calls: 1,
  threshold: null,
  basis: "final" as const,
  accept: counts,
  correct_if_accepted: counts,
};

const calibration: Calibration = {
  version: 2,
  created_at: "2026-12-01T00:00:00Z",
  source_run: "test",
  method: "risk_control",
  params: {},
  thresholds: [],
  scorers: [{ action: "classify", policy: "consensus", cell: "consensus", models: ["fast-a", "quality-a"], model: agreementScorer, signal_auroc: {} }],
  policies: [
    policy("consensus", true, [
      {
        cell: "consensus",
        tier: "LOCAL_FAST",
        local: true,
        models: ["fast-a", "quality-a"],
        calls: 2,
        threshold: 0.8,
        basis: "p_correct",
        accept: counts,
        correct_if_accepted: counts,
      },
      apiCell,
    ]),
    policy("api_first", false, [apiCell]),
  ],
  final_accuracy: [],
};

function setup(scripts: { fast: ScriptLine[]; quality: ScriptLine[]; api?: ScriptLine[] }, mutate?: (d: Record<string, unknown>) => void) {
  const fx = writeTestConfig(mutate, { calibration });
  const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
  const providers = {
    fast: new ScriptedProvider(scripts.fast, { name: "fast" }),
    quality: new ScriptedProvider(scripts.quality, { name: "quality" }),
    api: new ScriptedProvider(scripts.api ?? [{ reply: "docs" }], { name: "api" }),
    api2: new ScriptedProvider([{ reply: "docs" }], { name: "api2" }),
  };
  const router = new Router({ config: fx.load(), ledger, providers: { providers }, rng: createRng(1), newId: () => "req-1", sleep: async () => undefined });
  return { router, ledger, providers };
}

describe("the router runs the calibrated policy", () => {
  it("consensus: both local models are called, and an agreeing pair with P(correct) ≥ t is kept without the API", async () => {
    const { router, ledger, providers } = setup({ fast: [{ reply: "auth" }], quality: [{ reply: "auth" }] });
    const r = await router.route({ action: "classify", prompt: "Fixed the login token check" });
    expect(r).toMatchObject({
      verdict: "accepted",
      text: "auth",
      tier: "LOCAL_FAST",
      modelId: "fast-a",
      policy: "consensus",
      pCorrectThreshold: 0.8,
      confidence: 1,
    });
    expect(r.pCorrect).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect([providers.fast.calls, providers.quality.calls, providers.api.calls]).toEqual([1, 1, 0]);
    expect(r.attempts.map((a) => [a.modelId, a.verdict])).toEqual([
      ["fast-a", "accepted"],
      ["quality-a", "accepted"],
    ]);
    const rows = ledger.query();
    expect(rows.map((x) => x.model)).toEqual(["fast-a", "quality-a"]);
    expect(rows[0]!.p_correct).toBeCloseTo(0.8808, 4);
    expect(rows[1]!.p_correct).toBeNull();
  });

  it("consensus: a disagreeing pair escalates to the API, paying all three calls", async () => {
    const { router, providers } = setup({ fast: [{ reply: "auth" }], quality: [{ reply: "ui" }], api: [{ reply: "auth" }] });
    const r = await router.route({ action: "classify", prompt: "Fixed the login token check" });
    expect(r).toMatchObject({ verdict: "accepted", text: "auth", tier: "API_FALLBACK", modelId: "api-model", policy: "consensus" });
    // The final cell keeps whatever it gets: no P(correct) threshold, no scorer.
    expect(r.pCorrect).toBeUndefined();
    expect(r.pCorrectThreshold).toBeUndefined();
    expect(r.attempts.map((a) => [a.modelId, a.verdict, a.escalatedFrom])).toEqual([
      ["fast-a", "rejected", undefined],
      ["quality-a", "rejected", undefined],
      ["api-model", "accepted", "LOCAL_FAST"],
    ]);
    expect(r.attempts[0]!.pCorrect).toBeCloseTo(1 / (1 + Math.exp(2)), 12);
    expect(r.costUsd).toBeGreaterThan(0);
    expect(providers.api.calls).toBe(1);
  });

  it("a failed partner means no agreement: the route escalates", async () => {
    const { router } = setup({ fast: [{ reply: "auth" }], quality: [{ reply: "", error: () => new Error("boom") }], api: [{ reply: "ui" }] });
    const r = await router.route({ action: "classify", prompt: "Button misaligned" });
    expect(r.tier).toBe("API_FALLBACK");
    expect(r.attempts.filter((a) => a.modelId === "quality-a").every((a) => a.verdict === "error")).toBe(true);
  });

  it("the action table's policy: wins over the recommendation (api_first: no local call)", async () => {
    const { router, providers } = setup(
      { fast: [{ reply: "auth" }], quality: [{ reply: "auth" }] },
      (d) => ((d.actions as Record<string, Record<string, unknown>>).classify!.policy = "api_first"),
    );
    const r = await router.route({ action: "classify", prompt: "Fixed the login token check" });
    expect(r).toMatchObject({ tier: "API_FALLBACK", policy: "api_first", text: "docs" });
    expect([providers.fast.calls, providers.quality.calls]).toEqual([0, 0]);
  });

  it("a calibration naming a model the config no longer has is refused when the config loads, naming the field and the models there are", () => {
    const fx = writeTestConfig(
      (d) => {
        const tiers = d.tiers as Record<string, { models: { id: string }[] }>;
        tiers.LOCAL_QUALITY!.models[0]!.id = "quality-b";
      },
      { calibration },
    );
    expect(() => fx.load()).toThrow(ConfigError);
    expect(() => fx.load()).toThrow(/policies\.0\.cells\.0\.models\.1: unknown model id "quality-a"; the config's models: fast-a, quality-b/);
  });
});

describe("the action's verifier", () => {
  const verifierScorer: ScorerModel = { ...agreementScorer, features: [{ name: "verifier", mean: 0.5, scale: 0.5, weight: 2, missing_weight: -3 }] };
  const fastCell = {
    cell: "LOCAL_FAST",
    tier: "LOCAL_FAST",
    local: true,
    models: ["fast-a"],
    calls: 1,
    threshold: 0.8,
    basis: "p_correct" as const,
    accept: counts,
    correct_if_accepted: counts,
  };
  const withVerifier: Calibration = {
    ...calibration,
    scorers: [{ action: "classify", policy: "cascade", cell: "LOCAL_FAST", models: ["fast-a"], model: verifierScorer, signal_auroc: {} }],
    policies: [{ ...policy("consensus", false, [apiCell]), kind: "cascade", recommended: true, cells: [fastCell, apiCell] }],
  };

  function route(verdict: string) {
    const fx = writeTestConfig((d) => ((d.actions as Record<string, Record<string, unknown>>).classify!.verifier = { model: "quality-a" }), {
      calibration: withVerifier,
    });
    const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
    const providers = {
      fast: new ScriptedProvider([{ reply: "auth" }], { name: "fast" }),
      quality: new ScriptedProvider([{ match: "Is the proposed answer correct?", reply: verdict }], { name: "quality" }),
      api: new ScriptedProvider([{ reply: "docs" }], { name: "api" }),
      api2: new ScriptedProvider([{ reply: "docs" }], { name: "api2" }),
    };
    const router = new Router({ config: fx.load(), ledger, providers: { providers }, rng: createRng(1), newId: () => "req-1", sleep: async () => undefined });
    return { router, ledger, providers };
  }

  it("is asked about the local answer when the scorer reads it; a yes (P(correct) = σ(2) ≥ 0.8) keeps the answer, and the call is recorded", async () => {
    const { router, ledger, providers } = route("Yes.");
    const r = await router.route({ action: "classify", prompt: "Fixed the login token check" });
    expect(r).toMatchObject({ tier: "LOCAL_FAST", text: "auth", policy: "cascade" });
    expect(r.pCorrect).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(r.attempts.map((a) => [a.modelId, a.verdict])).toEqual([
      ["fast-a", "accepted"],
      ["quality-a", "verifier"],
    ]);
    expect(providers.api.calls).toBe(0);
    expect(ledger.query().map((x) => x.verdict)).toEqual(["accepted", "verifier"]);
  });

  it("a no escalates", async () => {
    const { router } = route("No");
    const r = await router.route({ action: "classify", prompt: "Fixed the login token check" });
    expect(r.tier).toBe("API_FALLBACK");
    expect(r.attempts[0]!.pCorrect).toBeCloseTo(1 / (1 + Math.exp(2)), 12);
  });
});
