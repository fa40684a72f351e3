import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOllama, type FakeOllama } from "../../test-support/fake-ollama.js";
import { modelsPresent, REPO_ROOT } from "../../test-support/models.js";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { BenchRecordSchema } from "../contracts/bench-record.js";
import { RunFolder } from "./run-folder.js";
import { resumeBench, runBench, type BenchRunOptions } from "./runner.js";

function writeDataset(dir: string, n: number): string {
  const header = { format: "tierlab-dataset", version: 1, name: "mini", description: "test", source: "test", license: "CC0-1.0", attribution: "" };
  const labels = ["auth", "ui", "docs"];
  const lines = [
    header,
    ...Array.from({ length: n }, (_, i) => ({ id: `q${i}`, action: "classify", input: `item ${i}`, expected: labels[i % 3], grader: "exact_label" })),
  ];
  const file = join(dir, "mini.jsonl");
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return file;
}

const base = (o: Partial<BenchRunOptions> & Pick<BenchRunOptions, "config" | "dataset" | "resultsDir">): BenchRunOptions => ({
  cascade: false,
  seed: 1,
  concurrency: 1,
  warmup: 0,
  slo: {},
  storeAnswers: false,
  progress: false,
  signal: new AbortController().signal,
  ...o,
});

describe("bench run against a fake Ollama with injected timings", () => {
  let fake: FakeOllama;
  const TTFT = 40,
    GAP = 10,
    CHUNKS = 6;
  beforeAll(async () => {
    fake = await startFakeOllama({
      models: ["phi3:mini"],
      respond: () => ({ chunks: ["au", "t", "h", " ", " ", " "], ttftMs: TTFT, gapMs: GAP, promptEvalCount: 12, evalCount: CHUNKS, loadNs: 5_000_000 }),
    });
  });
  afterAll(() => fake.close());

  it("measures TTFT, TPOT and inter-token gaps that match what the server injected", async () => {
    const fx = writeTestConfig((d) => {
      d.providers = { ollama: { kind: "ollama", host: fake.url } };
      d.tiers = { LOCAL_FAST: { local: true, models: [{ id: "phi3-mini", provider: "ollama", model: "phi3:mini" }] } };
      (d.actions as Record<string, { escalate: string[] }>).classify!.escalate = [];
    });
    const results = mkdtempSync(join(tmpdir(), "tierlab-bench-"));
    const r = await runBench(base({ config: fx.file, dataset: writeDataset(fx.dir, 12), resultsDir: results, warmup: 1, runId: "timing" }));
    const recs = new RunFolder(r.dir).records();
    expect(recs).toHaveLength(13);
    expect(recs.filter((x) => x.warmup)).toHaveLength(1);
    const measured = recs.filter((x) => !x.warmup);
    // Compare with what the fake actually wrote (same process clock): under load its timers slip,
    // and the harness must report the real gaps, not the nominal ones.
    const lines = fake.timelines().slice(-12);
    const ttftErr: number[] = [];
    const itlErr: number[] = [];
    measured.forEach((x, i) => {
      const server = lines[i]!;
      ttftErr.push(x.ttft_ms! - (server.chunkAt[0]! - server.headersAt));
      for (let k = 1; k < 3; k++) itlErr.push(Math.abs(x.itl_ms[k - 1]! - (server.chunkAt[k]! - server.chunkAt[k - 1]!)));
      expect(x.ttft_ms!).toBeGreaterThanOrEqual(TTFT - 1);
      expect(x.output_tokens).toBe(CHUNKS);
      expect(x.input_tokens).toBe(12);
      expect(x.server_ns?.load).toBe(5_000_000);
      expect(x.tpot_ms!).toBeGreaterThan(0);
      expect(x.grade).not.toBeNull();
    });
    const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
    // Client TTFT = request overhead + the server's first-chunk delay: never less than that delay (causal).
    // How small the overhead is belongs to `npm run perf -- bench` (measured 10.5 ms median in a loaded CI
    // run, where the old 8 ms bound here failed); this bound only catches a harness that reports nominal
    // or wrong-chunk times, which are off by a whole TTFT or gap.
    expect(Math.min(...ttftErr)).toBeGreaterThanOrEqual(-1);
    expect(median(ttftErr)).toBeLessThan(TTFT);
    expect(median(itlErr)).toBeLessThan(GAP / 2);
    expect(r.summary.groups[0]!.n).toBe(12);
    // The fake always answers "auth": exactly the 4 items labelled auth pass.
    expect(r.summary.groups[0]!.pass_rate).toBeCloseTo(4 / 12, 10);
    const meta = new RunFolder(r.dir).meta();
    expect(meta.hardware.ollama_version).toBeTruthy();
    expect(meta.dataset.items).toBe(12);
  });

  it("leaves a consistent partial run on interrupt and --resume finishes it without redoing items", async () => {
    const fx = writeTestConfig((d) => {
      d.providers = { ollama: { kind: "ollama", host: fake.url } };
      d.tiers = { LOCAL_FAST: { local: true, models: [{ id: "phi3-mini", provider: "ollama", model: "phi3:mini" }] } };
      (d.actions as Record<string, { escalate: string[] }>).classify!.escalate = [];
    });
    const results = mkdtempSync(join(tmpdir(), "tierlab-bench-"));
    const ac = new AbortController();
    const dataset = writeDataset(fx.dir, 30);
    // Cut once a few records are on disk, not after a fixed time: a loaded machine may not have started by then.
    const cut = setInterval(() => {
      const f = join(results, "cut", "records.jsonl");
      if (existsSync(f) && readFileSync(f, "utf8").split("\n").filter(Boolean).length >= 3) ac.abort();
    }, 5);
    const first = await runBench(base({ config: fx.file, dataset, resultsDir: results, runId: "cut", concurrency: 2, signal: ac.signal }));
    clearInterval(cut);
    expect(first.interrupted).toBe(true);
    const partial = new RunFolder(first.dir).records();
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(30);
    expect(JSON.parse(readFileSync(join(first.dir, "summary.json"), "utf8")).complete).toBe(false);
    const second = await resumeBench({ resultsDir: results, runId: "cut", signal: new AbortController().signal, progress: false });
    const all = new RunFolder(second.dir).records();
    expect(all).toHaveLength(30);
    expect(new Set(all.map((x) => x.item_id)).size).toBe(30);
    expect(second.summary.complete).toBe(true);
  });
});

describe("bench run --cascade", () => {
  it("records which tier finally answered and what the route cost", async () => {
    const fx = writeTestConfig((d) => {
      d.providers = {
        fast: { kind: "scripted", script: [{ match: "item 0", reply: "auth" }, { reply: "no idea" }] },
        quality: { kind: "scripted", script: [{ reply: "nope" }] },
        api: { kind: "scripted", script: [{ reply: "ui" }] },
        api2: { kind: "scripted", script: [{ reply: "ui" }] },
      };
    });
    const results = mkdtempSync(join(tmpdir(), "tierlab-bench-"));
    const r = await runBench(base({ config: fx.file, dataset: writeDataset(fx.dir, 3), resultsDir: results, cascade: true }));
    const recs = new RunFolder(r.dir).records();
    expect(recs.map((x) => x.cascade?.final_tier)).toEqual(["LOCAL_FAST", "API_FALLBACK", "API_FALLBACK"]);
    expect(recs.map((x) => x.grade?.pass)).toEqual([true, true, false]);
    expect(recs[1]!.cascade!.cost_usd).toBeGreaterThan(0);
    expect(recs[1]!.cascade!.attempts).toBe(3);
  });
});

describe.runIf(modelsPresent)("bench run on the real embedded engine", () => {
  it("replays a seed-actions slice on stories260K and writes honest, valid records", async () => {
    const results = mkdtempSync(join(tmpdir(), "tierlab-bench-"));
    const r = await runBench(
      base({
        config: join(REPO_ROOT, "config/router.embedded.yaml"),
        calibration: undefined,
        dataset: join(REPO_ROOT, "datasets/seed-actions.jsonl"),
        resultsDir: results,
        tier: "local_fast",
        limit: 12,
        warmup: 1,
      }),
    );
    const recs = new RunFolder(r.dir).records();
    expect(recs).toHaveLength(13);
    for (const x of recs) expect(BenchRecordSchema.safeParse(x).success).toBe(true);
    const measured = recs.filter((x) => !x.warmup && x.error === null);
    expect(measured.length).toBe(12);
    for (const g of r.summary.groups) {
      const rows = measured.filter((x) => x.action === g.action);
      expect(g.n).toBe(rows.length);
      expect(g.pass_rate).toBeCloseTo(rows.filter((x) => x.grade!.pass).length / rows.length, 12);
    }
  });
});
