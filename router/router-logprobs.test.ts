/**
 * The router asks for token log-probabilities only when a scorer reads them, and uses them: the real
 * Ollama client against the fake Ollama server, which sends them in Ollama's wire shape.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOllama, type FakeOllama } from "../test-support/fake-ollama.js";
import { writeTestConfig } from "../test-support/router-fixture.js";
import type { Calibration } from "./config/calibration.js";
import type { ScorerModel } from "./confidence/scorer-model.js";
import { ScriptedProvider } from "./providers/scripted.js";
import { Router } from "./router.js";
import { createRng } from "../core/rng.js";

/** P(correct) = σ(2·(logprob_min + 1)); no log-probabilities at all: σ(−5 + …) — escalate. */
const scorer: ScorerModel = {
  version: 1,
  kind: "logistic",
  features: [{ name: "logprob_min", mean: -1, scale: 1, weight: 2, missing_weight: -5 }],
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
const cell = (c: Partial<Calibration["policies"][number]["cells"][number]>) => ({
  cell: "LOCAL_FAST",
  tier: "LOCAL_FAST",
  local: true,
  models: ["phi3"],
  calls: 1,
  threshold: 0.8,
  basis: "p_correct" as const,
  accept: counts,
  correct_if_accepted: counts,
  ...c,
});
const calibration: Calibration = {
  version: 2,
  created_at: "2026-12-01T00:00:00Z",
  source_run: "test",
  method: "risk_control",
  params: {},
  thresholds: [],
  final_accuracy: [],
  scorers: [{ action: "classify", policy: "cascade", cell: "LOCAL_FAST", models: ["phi3"], model: scorer, signal_auroc: {} }],
  policies: [
    {
      action: "classify",
      kind: "cascade",
      recommended: true,
      alpha: 0.05,
      delta: 0.1,
      evidence: "measured",
      held_out: null,
      reason: "test",
      expected: { n: 1, accuracy: 1, accuracy_ci95: { lower: 0, upper: 1 }, api_share: 0, cost_per_1k_usd: 0, kept_error: 0, kept_error_upper: 0.5 },
      cells: [cell({}), cell({ cell: "API_FALLBACK", tier: "API_FALLBACK", local: false, models: ["api-model"], threshold: null, basis: "final" })],
    },
  ],
};

describe("log-probabilities in the router's decision", () => {
  let fake: FakeOllama;
  beforeAll(async () => {
    fake = await startFakeOllama({
      models: ["phi3:mini"],
      // "auth" in two tokens: sure of both for a "Fixed" prompt, unsure of the second otherwise.
      respond: (body) => ({ chunks: ["au", "th"], logprobs: [{ logprob: -0.01 }, { logprob: JSON.stringify(body.messages).includes("Fixed") ? -0.02 : -3 }] }),
    });
  });
  afterAll(() => fake.close());

  const router = (withCalibration: boolean) => {
    const fx = writeTestConfig(
      (d) => {
        (d.providers as Record<string, unknown>).ollama = { kind: "ollama", host: fake.url };
        (d.tiers as Record<string, { models: unknown[] }>).LOCAL_FAST!.models = [{ id: "phi3", provider: "ollama", model: "phi3:mini" }];
      },
      withCalibration ? { calibration } : {},
    );
    const scripted = new ScriptedProvider([{ reply: "docs" }], { name: "api" });
    return new Router({
      config: fx.load(),
      providers: { providers: { api: scripted, api2: scripted, quality: scripted, fast: scripted } },
      rng: createRng(1),
      newId: () => "r",
      sleep: async () => undefined,
    });
  };

  it("asks for them when the scorer reads them, keeps a sure answer (σ(2·0.98) = 0.876) and escalates a doubtful one (σ(−4))", async () => {
    const r = router(true);
    const sure = await r.route({ action: "classify", prompt: "Fixed the login token check" });
    expect(sure).toMatchObject({ tier: "LOCAL_FAST", text: "auth", policy: "cascade" });
    expect(sure.pCorrect).toBeCloseTo(1 / (1 + Math.exp(-2 * 0.98)), 12);
    expect(fake.chatBodies().at(-1)).toMatchObject({ logprobs: true });
    const doubtful = await r.route({ action: "classify", prompt: "Login sometimes slow" });
    expect(doubtful.tier).toBe("API_FALLBACK");
    expect(doubtful.attempts[0]!.pCorrect).toBeCloseTo(1 / (1 + Math.exp(4)), 12);
  });

  it("does not ask for them on the legacy self-check route", async () => {
    await router(false).route({ action: "classify", prompt: "Fixed the login token check" });
    expect(fake.chatBodies().at(-1)!.logprobs).toBeUndefined();
  });
});
