/**
 * --from-bench on a small constructed run: warm-up records ignored, pass recomputed against today's
 * thresholds (so a calibration changes the simulation, in the expected direction), graded answers split by
 * that pass into P(right | kept) and P(right | not kept), tokens and latencies fitted.
 */
import { mkdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/errors.js";
import { createRng } from "../core/rng.js";
import { fitBench, resolveBenchRecords } from "./bench-fit.js";
import { loadRouterConfig } from "../router/config/load.js";
import { runSimulation } from "./run.js";
import { benchRecord, FIXTURE_CONFIG, profilesYaml, tempDir, writeTemp } from "../test-support/simulator-fixtures.js";

/** 60 answers per (action, tier): confidences spread over [0.5, 1) locally, high on the API. */
function makeRun(dir: string): string {
  const rng = createRng(3);
  const lines: string[] = [];
  const cells: [string, string][] = [
    ["classify_memory", "LOCAL_FAST"],
    ["classify_memory", "LOCAL_QUALITY"],
    ["classify_memory", "API_FALLBACK"],
    ["code", "LOCAL_QUALITY"],
    ["code", "API_FALLBACK"],
  ];
  for (const [action, tier] of cells) {
    for (let i = 0; i < 60; i++) {
      const api = tier === "API_FALLBACK";
      const confidence = api ? 0.9 + 0.1 * rng.next() : 0.5 + 0.5 * rng.next();
      // Graded: a local answer is right exactly when its confidence is at least 0.7; the API is right 19 times in 20.
      const right = api ? i % 20 !== 0 : confidence >= 0.7;
      lines.push(
        JSON.stringify(
          benchRecord({
            item_id: `${action}-${i}`,
            action,
            tier,
            confidence,
            grade: { pass: right, reason: right ? "matches" : "differs", unparseable: null, extracted: null },
            e2e_ms: api ? 2000 + 1000 * rng.next() : 100 + 400 * rng.next(),
            input_tokens: Math.round((action === "code" ? 300 : 80) * Math.exp(0.3 * (rng.next() - 0.5))),
            output_tokens: action === "code" ? 150 : 5,
          }),
        ),
      );
    }
  }
  // Warm-up records are excluded from every statistic: these would wreck the fit if counted.
  for (let i = 0; i < 5; i++)
    lines.push(JSON.stringify(benchRecord({ item_id: `w${i}`, warmup: true, confidence: 0, e2e_ms: 99_999, input_tokens: 1_000_000 })));
  // An error counts as a fail for its cell.
  lines.push(
    JSON.stringify(
      benchRecord({ item_id: "err", action: "code", tier: "LOCAL_QUALITY", confidence: null, error: { class: "TimeoutError", message: "timed out" } }),
    ),
  );
  const runDir = `${dir}/results/run-1`;
  mkdirSync(runDir, { recursive: true });
  return writeTemp(runDir, "records.jsonl", lines.join("\n") + "\n");
}

const calibration = (t: number) =>
  JSON.stringify({
    version: 1,
    created_at: "2026-11-25T00:00:00Z",
    source_run: "run-1",
    method: "risk_control",
    params: {},
    thresholds: ["LOCAL_FAST", "LOCAL_QUALITY"].flatMap((tier) =>
      ["classify_memory", "code"].map((action) => ({ action, tier, threshold: t, method: "risk_control", n: 60 })),
    ),
  });

describe("--from-bench", () => {
  it("fits counts, tokens and latencies; warm-ups are skipped; errors count as fails", () => {
    const dir = tempDir();
    const file = makeRun(dir);
    expect(resolveBenchRecords("run-1", dir)).toBe(file);
    expect(resolveBenchRecords(`${dir}/results/run-1`)).toBe(file);
    const config = loadRouterConfig(FIXTURE_CONFIG);
    const fit = fitBench(config, file);
    expect(fit.records).toBe(306);
    expect(fit.warmupSkipped).toBe(5);
    const fast = fit.cells.get("classify_memory\tLOCAL_FAST")!;
    expect(fast.passes + fast.fails).toBe(60);
    expect(fast.e2eMs.every((x) => x < 600)).toBe(true);
    const code = fit.cells.get("code\tLOCAL_QUALITY")!;
    expect(code.passes + code.fails).toBe(61);
    expect(Math.exp(Math.max(...fit.logInputTokens.get("classify_memory")!))).toBeLessThan(200);
  });

  it("a stricter calibration lowers local pass rates: higher hybrid cost, lower local share", async () => {
    const dir = tempDir();
    makeRun(dir);
    const profiles = writeTemp(dir, "p.yaml", profilesYaml({ iterations: 20, calls: 5, mix: { classify_memory: 0.6, code: 0.4 } }));
    const opts = {
      usage: "test",
      days: 14,
      trials: 400,
      seed: 5,
      mode: "aggregated" as const,
      config: FIXTURE_CONFIG,
      profiles,
      fromBench: `${dir}/results/run-1`,
      sensitivity: false,
      threads: 1,
    };
    const loose = await runSimulation({ ...opts, calibration: writeTemp(dir, "loose.json", calibration(0.6)) });
    const strict = await runSimulation({ ...opts, calibration: writeTemp(dir, "strict.json", calibration(0.9)) });
    const cell = (r: typeof loose, action: string, tier: string) => r.inputs.actions.find((a) => a.name === action)!.chain.find((c) => c.tier === tier)!;
    const lf = cell(loose, "classify_memory", "LOCAL_FAST"),
      sf = cell(strict, "classify_memory", "LOCAL_FAST");
    expect(lf.pass_source).toBe("bench");
    expect(lf.threshold_source).toBe("calibration");
    expect(lf.passes! + lf.fails!).toBe(60);
    expect([lf.pass_alpha, lf.pass_beta]).toEqual([lf.passes! + 1, lf.fails! + 1]);
    expect(sf.passes!).toBeLessThan(lf.passes!);
    expect(strict.horizon.hybrid_cost_usd.p50).toBeGreaterThan(loose.horizon.hybrid_cost_usd.p50);
    expect(strict.horizon.local_share.p50).toBeLessThan(loose.horizon.local_share.p50);
    expect(strict.horizon.savings.p50).toBeLessThan(loose.horizon.savings.p50);
    // Bench data brings latencies, token sizes and confidences too.
    expect(lf.latency_source).toBe("bench");
    expect(loose.inputs.actions.find((a) => a.name === "code")!.tokens.input.source).toBe("bench");
    // Answers right: the loose threshold keeps local answers in [0.6, 0.7), which the grader finds wrong.
    expect(lf.correct_if_kept).toMatchObject({ source: "bench", evidence: "measured" });
    expect(lf.correct_if_kept!.k).toBeLessThan(lf.correct_if_kept!.n!);
    expect(sf.correct_if_kept!.k).toBe(sf.correct_if_kept!.n);
    expect(loose.horizon.accuracy).not.toBeNull();
    expect(strict.horizon.accuracy!.p50).toBeGreaterThan(loose.horizon.accuracy!.p50);
    // The self-check is not correctness: under the loose threshold it passes far more than the grader finds right.
    expect(loose.horizon.self_check_pass_rate.p50).toBeGreaterThan(loose.horizon.accuracy!.p50);
    expect(loose.horizon.mean_p_correct).toBeNull(); // no learned scorer anywhere
    expect(loose.success_metrics.month).toBeNull(); // 14 days: no month figures
  });

  it("a bad record is reported with file and line", () => {
    const dir = tempDir();
    const file = writeTemp(dir, "records.jsonl", `${JSON.stringify(benchRecord({}))}\n${JSON.stringify({ ...benchRecord({}), e2e_ms: -1 })}\n`);
    try {
      fitBench(loadRouterConfig(FIXTURE_CONFIG), file);
      throw new Error("expected a ConfigError");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toMatch(/records\.jsonl:2: e2e_ms: /);
    }
  });
});
