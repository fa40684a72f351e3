/**
 * bench run records what the learned scorer reads, through the real Ollama client against the fake
 * Ollama server speaking log-probabilities in Ollama's wire shape: the answer's reading, its own
 * signals (extraction, the answer span's log-probabilities, the checks) and the action's verifier call.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOllama, type FakeOllama } from "../../test-support/fake-ollama.js";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { RunFolder } from "./run-folder.js";
import { runBench } from "./runner.js";

describe("bench run records each answer's signals", () => {
  let fake: FakeOllama;
  beforeAll(async () => {
    fake = await startFakeOllama({
      models: ["phi3:mini", "judge:1b"],
      respond: (body) =>
        body.model === "judge:1b"
          ? // The verifier: "yes" at −0.2 with "no" at −1.8 among the alternatives.
            {
              chunks: ["yes"],
              logprobs: [
                {
                  logprob: -0.2,
                  top: [
                    { token: "yes", logprob: -0.2 },
                    { token: "no", logprob: -1.8 },
                  ],
                },
              ],
            }
          : // The answer {"answer": "18"}: the span is the two tokens "1" (−0.5) and "8" (−1.5).
            { chunks: ['{"answer": "', "1", "8", '"}'], logprobs: [{ logprob: -0.05 }, { logprob: -0.5 }, { logprob: -1.5 }, { logprob: -0.01 }] },
    });
  });
  afterAll(() => fake.close());

  it("reading, extraction, log-prob mean and min over the answer span, check scores, and the verifier's P(yes) with its call", async () => {
    const fx = writeTestConfig((d) => {
      d.providers = { ollama: { kind: "ollama", host: fake.url } };
      d.tiers = {
        LOCAL_FAST: {
          local: true,
          models: [
            { id: "phi3-mini", provider: "ollama", model: "phi3:mini" },
            { id: "judge", provider: "ollama", model: "judge:1b" },
          ],
        },
      };
      d.actions = {
        sum: {
          tier: "LOCAL_FAST",
          answer: "number",
          checks: [{ id: "required_fields", fields: ["answer"] }, { id: "finish_reason" }],
          verifier: { model: "judge" },
        },
      };
    });
    const header = { format: "tierlab-dataset", version: 1, name: "sums", description: "test", source: "test", license: "CC0-1.0", attribution: "" };
    const dataset = join(fx.dir, "sums.jsonl");
    writeFileSync(
      dataset,
      [header, { id: "s1", action: "sum", input: "9 + 9?", expected: 18, grader: "answer_number" }].map((l) => JSON.stringify(l)).join("\n") + "\n",
    );
    const results = mkdtempSync(join(tmpdir(), "tierlab-signals-"));
    const r = await runBench({
      config: fx.file,
      dataset,
      models: ["phi3-mini"],
      resultsDir: results,
      cascade: false,
      seed: 1,
      concurrency: 1,
      warmup: 0,
      slo: {},
      storeAnswers: false,
      progress: false,
      signal: new AbortController().signal,
    });
    const [rec] = new RunFolder(r.dir).records();
    expect(rec!.grade).toMatchObject({ pass: true, extracted: "18" });
    expect(rec!.reading).toEqual({ status: "clean", canonical: "18" });
    expect(rec!.signals).toMatchObject({ extraction: 1, logprob_min: -1.5, logprob_on_answer: 1, check_required_fields: 1, check_finish_reason: 1 });
    expect(rec!.signals!.logprob_mean).toBeCloseTo(-1, 12);
    const pYes = Math.exp(-0.2) / (Math.exp(-0.2) + Math.exp(-1.8));
    expect(rec!.verifier).toMatchObject({ model_id: "judge", cost_usd: 0, latency_source: "measured", error: null });
    expect(rec!.verifier!.p_yes).toBeCloseTo(pYes, 12);
    expect(rec!.signals!.verifier).toBeCloseTo(pYes, 12);
    // The verifier was asked about this answer, with log-probabilities and alternatives.
    const judged = fake.chatBodies().find((b) => b.model === "judge:1b")!;
    expect(judged).toMatchObject({ logprobs: true, top_logprobs: 5 });
    expect(JSON.stringify(judged.messages)).toContain('{\\"answer\\": \\"18\\"}');
  });
});
