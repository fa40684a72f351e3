import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ChatRequest, StreamChunk } from "../contracts/provider.js";
import { AbortedError, ModelNotFoundError, RecordingNotFoundError } from "../../core/errors.js";
import { promptHash, REPLAY_FORMAT } from "./replay-format.js";
import type { HardwareProfile } from "./replay-latency.js";
import type { PaceClock } from "./replay-pace.js";
import { ReplayProvider, type ReplayModelSpec } from "./replay.js";

const LATENCY: HardwareProfile = { prefill_tokens_per_s: 1000, decode_tokens_per_s: 100, round_trip_ms: { median: 50, log_sd: 0.3 } };
const PROMPT = "What is 6 times 7?\nAnswer in JSON.";
const ANSWER = '{"reasoning": "6 * 7 = 42", "answer": "42"}';

function recording(lines: object[], header: object = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "tierlab-replay-"));
  const file = join(dir, "rec.jsonl");
  const head = { format: REPLAY_FORMAT, version: 1, model: "gpt-4o-2024-08-06", source: "test", license: "CC0-1.0", attribution: "", ...header };
  writeFileSync(file, [head, ...lines].map((x) => JSON.stringify(x)).join("\n") + "\n");
  return file;
}

function provider(files: string[], opts: { pace?: "instant" | "realtime"; seed?: number; clock?: PaceClock; standIn?: string } = {}) {
  const spec: ReplayModelSpec = { recordings: files, tokenizer: "o200k_base", latency: LATENCY, ...(opts.standIn ? { tokenizerStandIn: opts.standIn } : {}) };
  return new ReplayProvider({ models: { gpt4o: spec }, pace: opts.pace, seed: opts.seed ?? 1, clock: opts.clock });
}

const req = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "gpt4o",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: PROMPT },
  ],
  ...extra,
});

async function drain(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const out: StreamChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: Error) => e,
  );
}

describe("replay provider", () => {
  const file = recording([
    { id: "q-1", prompt_hash: promptHash(PROMPT), output: ANSWER },
    { id: "q-2", prompt: "Other question", output: "7" },
  ]);

  it("answers by item id with the recorded text, the recorded model, tokenizer counts and a modelled timing", async () => {
    const r = await provider([file]).chat(req({ itemId: "q-1" }));
    expect(r.text).toBe(ANSWER);
    expect(r.model).toBe("gpt-4o-2024-08-06");
    expect(r.finishReason).toBe("stop");
    // o200k_base: "Be brief." + the prompt in, the answer out, counted by the tokenizer, never estimated.
    expect(r.usage.outputTokens).toBeGreaterThan(10);
    expect(r.usage.inputTokens).toBeGreaterThan(8);
    expect(r.usageCountedBy?.tokenizer).toMatch(/o200k_base/);
    expect(r.timing?.source).toBe("modelled");
    const t = r.timing!;
    expect(t.totalMs - t.ttftMs).toBeCloseTo((r.usage.outputTokens! - 1) * 10, 9);
  });

  it("answers by the hash of the normalised last user message when no item id is given", async () => {
    const messy = `  ${PROMPT.replace("\n", "   \r\n")}\n\n`;
    const r = await provider([file]).chat(req({ messages: [{ role: "user", content: messy }] }));
    expect(r.text).toBe(ANSWER);
    const other = await provider([file]).chat(req({ messages: [{ role: "user", content: "Other question" }] }));
    expect(other.text).toBe("7");
  });

  it("a missing item id is a non-retryable error naming the model and the item, never another answer", async () => {
    const err = await failure(provider([file]).chat(req({ itemId: "q-404" })));
    expect(err).toBeInstanceOf(RecordingNotFoundError);
    expect((err as RecordingNotFoundError).isRetryable).toBe(false);
    expect(err.message).toContain('model "gpt4o"');
    expect(err.message).toContain('item "q-404"');
  });

  it("a prompt with no recording is an error naming the model and the prompt hash", async () => {
    const prompt = "Never recorded";
    const err = await failure(provider([file]).chat(req({ messages: [{ role: "user", content: prompt }] })));
    expect(err).toBeInstanceOf(RecordingNotFoundError);
    expect(err.message).toContain(promptHash(prompt));
    expect(err.message).toContain('model "gpt4o"');
  });

  it("refuses an item whose recording answered another prompt, and a hash recorded twice", async () => {
    const mismatch = await failure(provider([file]).chat(req({ itemId: "q-1", messages: [{ role: "user", content: "a changed template: " + PROMPT }] })));
    expect(mismatch).toBeInstanceOf(RecordingNotFoundError);
    expect(mismatch.message).toMatch(/answers another prompt/);
    const twice = recording([
      { prompt: PROMPT, output: "a" },
      { prompt: PROMPT, output: "b" },
    ]);
    const err = await failure(provider([twice]).chat(req()));
    expect(err.message).toMatch(/2 recordings .* share prompt hash/);
  });

  it("an unknown model is ModelNotFoundError; a broken file is unavailable with file:line: field", async () => {
    await expect(provider([file]).chat(req({ model: "nope" }))).rejects.toBeInstanceOf(ModelNotFoundError);
    const bad = recording([{ id: "x", output: 42 }]);
    const a = await provider([bad]).availability("gpt4o");
    expect(a.ok).toBe(false);
    expect(!a.ok && a.reason).toContain(`${bad}:2: output:`);
    const noHeader = recording([]);
    writeFileSync(noHeader, JSON.stringify({ id: "x", output: "y" }) + "\n");
    const b = await provider([noHeader]).availability("gpt4o");
    expect(!b.ok && b.reason).toContain(`${noHeader}:1: format:`);
  });

  it("cuts an answer longer than max_tokens where the model would have stopped (finish reason length)", async () => {
    const r = await provider([file]).chat(req({ itemId: "q-1", maxTokens: 4 }));
    expect(r.finishReason).toBe("length");
    expect(r.usage.outputTokens).toBe(4);
    expect(ANSWER.startsWith(r.text)).toBe(true);
    expect(r.text.length).toBeLessThan(ANSWER.length);
  });

  it("marks stand-in token counts", async () => {
    const r = await provider([file], { standIn: "Claude's tokenizer is not public" }).chat(req({ itemId: "q-1" }));
    expect(r.usageCountedBy).toEqual({ tokenizer: expect.stringMatching(/o200k_base/), standIn: "Claude's tokenizer is not public" });
  });

  it("gives the same timing for the same seed and item, another for another seed", async () => {
    const a = await provider([file], { seed: 5 }).chat(req({ itemId: "q-1" }));
    const b = await provider([file], { seed: 5 }).chat(req({ itemId: "q-1" }));
    const c = await provider([file], { seed: 6 }).chat(req({ itemId: "q-1" }));
    expect(b.timing).toEqual(a.timing);
    expect(c.timing!.ttftMs).not.toBe(a.timing!.ttftMs);
  });
});

/** A clock that only moves when the code under test sleeps; sleeps honour the abort signal. */
function virtualClock() {
  let t = 0;
  const sleeps: number[] = [];
  const clock: PaceClock = {
    now: () => t,
    sleep: (ms, signal) => {
      if (signal?.aborted) return Promise.reject(signal.reason);
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
  return { clock, sleeps, now: () => t };
}

describe("replay provider, pace: realtime", () => {
  const long = "one two three four five six seven eight nine ten eleven twelve";
  const file = recording([{ id: "long", output: long }]);

  it("streams the words in order, the first at the modelled TTFT and the last at the modelled total", async () => {
    const v = virtualClock();
    const arrivals: { at: number; text: string }[] = [];
    let done: StreamChunk | undefined;
    for await (const c of provider([file], { pace: "realtime", clock: v.clock }).stream(req({ itemId: "long" }))) {
      if (c.type === "text") arrivals.push({ at: v.now(), text: c.text });
      else done = c;
    }
    const timing = done?.type === "done" ? done.result.timing! : undefined;
    expect(arrivals.map((a) => a.text).join("")).toBe(long);
    expect(arrivals.length).toBe(12);
    expect(arrivals[0]!.at).toBeCloseTo(timing!.ttftMs, 9);
    expect(arrivals.at(-1)!.at).toBeCloseTo(timing!.totalMs, 6);
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]!.at).toBeGreaterThanOrEqual(arrivals[i - 1]!.at);
  });

  it("stops at once when aborted mid-stream, with AbortedError", async () => {
    const v = virtualClock();
    const controller = new AbortController();
    const got: string[] = [];
    const err = await failure(
      (async () => {
        for await (const c of provider([file], { pace: "realtime", clock: v.clock }).stream(req({ itemId: "long", signal: controller.signal }))) {
          if (c.type === "text") got.push(c.text);
          if (got.length === 3) controller.abort();
        }
      })(),
    );
    expect(err).toBeInstanceOf(AbortedError);
    expect(got).toHaveLength(3);
  });

  it("takes the modelled time on the real clock", async () => {
    const slow: HardwareProfile = { prefill_tokens_per_s: 1e6, decode_tokens_per_s: 100, round_trip_ms: { median: 20, log_sd: 0 } };
    const p = new ReplayProvider({ models: { m: { recordings: [file], tokenizer: "o200k_base", latency: slow } }, pace: "realtime" });
    const t0 = performance.now();
    const chunks = await drain(p.stream({ model: "m", messages: [{ role: "user", content: "x" }], itemId: "long" }));
    const done = chunks.at(-1);
    expect(done?.type).toBe("done");
    const total = done?.type === "done" ? done.result.timing!.totalMs : 0;
    expect(performance.now() - t0).toBeGreaterThanOrEqual(total - 5);
  });
});
