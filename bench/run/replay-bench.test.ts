/**
 * bench run on the replay provider, end to end through the real loader, runner, router and readers:
 * recorded answers graded, modelled latencies marked as such, tokenizer counts named, a missing
 * recording recorded as an error, the cascade priced, and simulate --from-bench on the dataset's action.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { TEST_PRICES } from "../../test-support/router-fixture.js";
import { promptHash, REPLAY_FORMAT } from "../../router/providers/replay-format.js";
import { prepareSimulation } from "../../simulator/run.js";
import { profilesYaml } from "../../test-support/simulator-fixtures.js";
import { RunFolder } from "./run-folder.js";
import { runBench, type BenchRunOptions } from "./runner.js";

const N = 8;
const prompt = (i: number) => `What is ${i} + ${i}? Answer in JSON with an "answer" field.`;

/** Local model: right on even items, a bare (unparseable for the check) wrong number on odd ones; item 7 never recorded. */
function fixture() {
  const dir = mkdtempSync(join(tmpdir(), "tierlab-replay-bench-"));
  const rec = (name: string, model: string, answer: (i: number) => string | undefined) => {
    const lines = Array.from({ length: N }, (_, i) => i).flatMap((i) => {
      const output = answer(i);
      return output === undefined ? [] : [{ id: `sum-${i}`, prompt_hash: promptHash(prompt(i)), output }];
    });
    const head = { format: REPLAY_FORMAT, version: 1, model, source: "test", license: "CC0-1.0", attribution: "" };
    writeFileSync(join(dir, name), [head, ...lines].map((x) => JSON.stringify(x)).join("\n") + "\n");
    return name;
  };
  const small = rec("small.jsonl", "small-1b", (i) => (i === 7 ? undefined : i % 2 === 0 ? `{"answer": "${2 * i}"}` : `${2 * i + 1}`));
  const big = rec("big.jsonl", "big-model", (i) => `{"reasoning": "${i}+${i}", "answer": "${2 * i}"}`);
  const latency = (rt: number, decode: number) => ({ prefill_tokens_per_s: 2000, decode_tokens_per_s: decode, round_trip_ms: { median: rt, log_sd: 0.2 } });
  const config = {
    version: 1,
    prices: "prices.json",
    ledger: { path: "ledger.sqlite" },
    defaults: { threshold: 0.7, timeout_ms: 60_000, deadline_ms: 120_000, max_tokens: 256 },
    providers: {
      replay: {
        kind: "replay",
        pace: "instant",
        seed: 3,
        models: {
          small: { recordings: [small], tokenizer: "llama2", latency: latency(5, 100) },
          big: { recordings: [big], tokenizer: "o200k_base", tokenizer_stand_in: "test: not this model's own", latency: latency(400, 50) },
        },
      },
    },
    tiers: {
      LOCAL_FAST: { local: true, models: [{ id: "small", provider: "replay", model: "small" }] },
      LOCAL_QUALITY: { local: true, models: [{ id: "small-q", provider: "replay", model: "small" }] },
      API_FALLBACK: { local: false, models: [{ id: "big", provider: "replay", model: "big", price: "api-model" }] },
    },
    actions: {},
  };
  writeFileSync(join(dir, "router.yaml"), stringify(config));
  writeFileSync(join(dir, "prices.json"), JSON.stringify(TEST_PRICES));
  const header = {
    format: "tierlab-dataset",
    version: 1,
    name: "sums",
    description: "",
    source: "test",
    license: "CC0-1.0",
    attribution: "",
    actions: { sum: { answer: "number", template: "{input}", escalate: ["API_FALLBACK"], checks: [{ id: "required_fields", fields: ["answer"] }] } },
  };
  const items = Array.from({ length: N }, (_, i) => ({
    id: `sum-${i}`,
    action: "sum",
    input: prompt(i),
    expected: 2 * i,
    grader: { id: "numeric", tolerance: 0 },
  }));
  writeFileSync(join(dir, "sums.jsonl"), [header, ...items].map((x) => JSON.stringify(x)).join("\n") + "\n");
  return { dir, config: join(dir, "router.yaml"), dataset: join(dir, "sums.jsonl") };
}

const opts = (o: Partial<BenchRunOptions> & Pick<BenchRunOptions, "config" | "dataset" | "resultsDir">): BenchRunOptions => ({
  cascade: false,
  seed: 1,
  concurrency: 1,
  warmup: 0,
  slo: {},
  storeAnswers: true,
  progress: false,
  signal: new AbortController().signal,
  ...o,
});

describe("bench run on replayed answers", () => {
  it("grades the recorded answers, marks every latency modelled and names the tokenizer; a missing recording is an error record", async () => {
    const fx = fixture();
    const results = mkdtempSync(join(tmpdir(), "tierlab-results-"));
    const a = await runBench(opts({ config: fx.config, dataset: fx.dataset, resultsDir: results, tier: "local_fast", runId: "a" }));
    const recs = new RunFolder(a.dir).records();
    expect(recs).toHaveLength(N);
    const ok = recs.filter((r) => r.error === null);
    expect(ok).toHaveLength(N - 1);
    expect(ok.every((r) => r.latency_source === "modelled" && r.provider === "replay")).toBe(true);
    expect(ok.every((r) => r.token_counter?.tokenizer.includes("llama-tokenizer-js") && r.token_counter.stand_in === null)).toBe(true);
    expect(ok.map((r) => r.grade!.pass)).toEqual([true, false, true, false, true, false, true]);
    const miss = recs.find((r) => r.item_id === "sum-7")!;
    expect(miss.error).toMatchObject({ class: "RecordingNotFoundError" });
    expect(miss.error!.message).toContain('item "sum-7"');
    expect(miss.answer).toBeNull();
    const g = a.summary.groups[0]!;
    expect(g).toMatchObject({ model_id: "small", latency_source: "modelled", n: N, errors: 1, pass_rate: 4 / 7 });
    expect(g.token_counter?.tokenizer).toMatch(/llama-tokenizer-js/);
    // The modelled figures are the same bytes on a second run: seeded by (seed, model, item), not the clock.
    const b = await runBench(opts({ config: fx.config, dataset: fx.dataset, resultsDir: results, tier: "local_fast", runId: "b" }));
    const again = new RunFolder(b.dir).records();
    const figures = (rs: typeof recs) => rs.filter((r) => r.error === null).map((r) => [r.e2e_ms, r.ttft_ms, r.input_tokens, r.output_tokens]);
    expect(figures(again)).toEqual(figures(recs));
    const meta = JSON.parse(readFileSync(join(a.dir, "meta.json"), "utf8")) as { declared_actions: Record<string, unknown> };
    expect(meta.declared_actions.sum).toMatchObject({ tier: "LOCAL_FAST", escalate: ["API_FALLBACK"], answer: "number" });
  });

  it("--cascade passes the item id through the router, prices the paid tier and adds up the modelled latencies", async () => {
    const fx = fixture();
    const results = mkdtempSync(join(tmpdir(), "tierlab-results-"));
    const r = await runBench(opts({ config: fx.config, dataset: fx.dataset, resultsDir: results, cascade: true, runId: "c" }));
    const recs = new RunFolder(r.dir).records();
    expect(recs.map((x) => x.cascade?.final_tier)).toEqual([
      "LOCAL_FAST",
      "API_FALLBACK",
      "LOCAL_FAST",
      "API_FALLBACK",
      "LOCAL_FAST",
      "API_FALLBACK",
      "LOCAL_FAST",
      "API_FALLBACK",
    ]);
    expect(recs.every((x) => x.grade?.pass === true && x.latency_source === "modelled")).toBe(true);
    const local = recs[0]!;
    const escalated = recs[1]!;
    expect(local.cascade!.cost_usd).toBe(0);
    expect(escalated.cascade!.cost_usd).toBeGreaterThan(0);
    expect(escalated.token_counter).toEqual({
      tokenizer: expect.stringMatching(/llama-tokenizer-js.* \+ gpt-tokenizer/),
      stand_in: "test: not this model's own",
    });
    // An escalated route pays the local attempt and the API round trip (median 400 ms): its modelled e2e is that sum.
    expect(escalated.e2e_ms).toBeGreaterThan(300);
    expect(local.e2e_ms).toBeLessThan(escalated.e2e_ms);
    // Item 7 has no local recording: that attempt fails and the cascade moves on to the API, which has one.
    expect(recs[7]!.cascade).toMatchObject({ final_tier: "API_FALLBACK", attempts: 2 });
  });

  it("simulate --from-bench runs on the dataset's declared action, with latencies labelled modelled", async () => {
    const fx = fixture();
    const results = mkdtempSync(join(tmpdir(), "tierlab-results-"));
    const run = await runBench(opts({ config: fx.config, dataset: fx.dataset, resultsDir: results, models: ["small", "big"], runId: "s" }));
    const profiles = join(fx.dir, "profiles.yaml");
    writeFileSync(profiles, profilesYaml({ iterations: 10, calls: 2, mix: { sum: 1 } }));
    const p = prepareSimulation({ usage: "test", days: 30, config: fx.config, profiles, fromBench: run.dir });
    const cells = p.inputs.actions[0]!.cells;
    expect(cells.map((c) => c.tier)).toEqual(["LOCAL_FAST", "API_FALLBACK"]);
    expect(cells.map((c) => (c.latency.kind === "empirical" ? c.latency.source : c.latency.kind))).toEqual(["bench_modelled", "bench_modelled"]);
    expect(p.inputs.notes.some((n) => /MODELLED/.test(n))).toBe(true);
    expect(() => prepareSimulation({ usage: "test", days: 30, config: fx.config, profiles })).toThrow(/unknown action "sum"/);
  });
});
