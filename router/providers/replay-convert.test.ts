import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { runCli } from "../../test-support/run-cli.js";
import { ConfigError } from "../../core/errors.js";
import { EXIT } from "../../core/exit-codes.js";
import { convertJsonl, convertZeroEval, lineOfArrayElement, writeRecording } from "./replay-convert.js";
import { promptHash } from "./replay-format.js";
import { loadRecordings } from "./replay-store.js";

const tmp = () => mkdtempSync(join(tmpdir(), "tierlab-convert-"));

/** Two records in ZeroEval's shape (result_dirs/<task>/<model>.json), pretty-printed as upstream. */
function zeroEvalFile(records: object[]): string {
  return JSON.stringify(records, null, 2);
}

const ZE = (id: string, output: string, extra: object = {}) => ({
  session_id: id,
  id,
  chat_history: [`\n## Question: \n\n${id}?\n`],
  model_input: "n/a",
  output: [output],
  generator: "openai/gpt-4o-2024-08-06",
  configs: { engine: "openai", temperature: 0.0, max_tokens: 4096 },
  dataset: "gsm",
  answer: "# 1",
  ...extra,
});

function failure(f: () => unknown): ConfigError {
  try {
    f();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("convert from ZeroEval", () => {
  it("keeps ids and outputs, hashes the last chat turn, names the model and the licence", () => {
    const r = convertZeroEval({ text: zeroEvalFile([ZE("gsm-0", "A"), ZE("gsm-1", "B")]), file: "gsm/gpt-4o.json" });
    expect(r.header).toMatchObject({
      format: "tierlab-replay",
      version: 1,
      model: "gpt-4o-2024-08-06",
      license: "Apache-2.0",
      attribution: "ZeroEval (WildEval), Apache-2.0",
    });
    expect(r.header.decoding).toEqual({ engine: "openai", temperature: 0, max_tokens: 4096 });
    expect(r.records).toEqual([
      { id: "gsm-0", prompt_hash: promptHash("\n## Question: \n\ngsm-0?\n"), output: "A" },
      { id: "gsm-1", prompt_hash: promptHash("\n## Question: \n\ngsm-1?\n"), output: "B" },
    ]);
  });

  it("names file:line: field for a bad record, counting lines of the pretty-printed array", () => {
    const text = zeroEvalFile([ZE("a", "x"), ZE("b", "y", { output: [] })]);
    const err = failure(() => convertZeroEval({ text, file: "m.json" }));
    const line = text.split("\n").findIndex((l, i) => i > 1 && l === "  {") + 1;
    expect(err.message).toContain(`m.json:${line}: [1].output: no answer recorded`);
    expect(lineOfArrayElement(text, 0)).toBe(2);
    expect(failure(() => convertZeroEval({ text: zeroEvalFile([ZE("a", "x"), ZE("a", "y")]), file: "m.json" })).message).toMatch(/duplicate id "a"/);
    expect(failure(() => convertZeroEval({ text: zeroEvalFile([ZE("a", "x"), ZE("b", "y", { generator: "other/model" })]), file: "m.json" })).message).toMatch(
      /\[1\]\.generator: .*one recording holds one model/,
    );
    expect(failure(() => convertZeroEval({ text: "{", file: "m.json" })).message).toMatch(/m\.json: not valid JSON/);
  });

  const real = resolve(import.meta.dirname, "../../../shared/replay/zeroeval/gsm/gpt-4o-2024-08-06.json");
  it.skipIf(!existsSync(real))("converts a real ZeroEval file, and the .gz recording reads back whole", () => {
    const rec = convertZeroEval({ text: readFileSync(real, "utf8"), file: real });
    expect(rec.records).toHaveLength(1319);
    const out = join(tmp(), "gpt-4o.jsonl.gz");
    writeRecording(out, rec);
    expect(gunzipSync(readFileSync(out)).toString("utf8").split("\n")[0]).toContain('"format":"tierlab-replay"');
    const loaded = loadRecordings([out]);
    expect(loaded.byId.size).toBe(1319);
    expect(loaded.byId.get("gsm8k-main-test-#0")!.output).toContain('"answer": "18"');
  });
});

describe("convert from a plain JSONL of {id, model, output}", () => {
  const log =
    [
      { id: 1, model: "llama3:8b", output: "a", prompt: "p1", latency_ms: 80 },
      { id: 2, model: "llama3:8b", output: "b" },
      { id: 1, model: "phi3:mini", output: "c" },
    ]
      .map((x) => JSON.stringify(x))
      .join("\n") + "\n";

  it("picks one model's answers; a mixed file without --model is an error naming the models", () => {
    const r = convertJsonl({ text: log, file: "log.jsonl", model: "llama3:8b", license: "proprietary" });
    expect(r.header).toMatchObject({ model: "llama3:8b", license: "proprietary" });
    expect(r.records).toEqual([
      { id: "1", prompt_hash: promptHash("p1"), output: "a" },
      { id: "2", output: "b" },
    ]);
    expect(convertJsonl({ text: log, file: "log.jsonl", model: "phi3:mini", withPrompt: true }).records).toEqual([{ id: "1", output: "c" }]);
    expect(failure(() => convertJsonl({ text: log, file: "log.jsonl" })).message).toMatch(/2 models \(llama3:8b, phi3:mini\)/);
    expect(convertJsonl({ text: log, file: "log.jsonl", model: "llama3:8b", withPrompt: true }).records[0]).toMatchObject({ prompt: "p1" });
  });

  it("names file:line: field for a bad line and a duplicate id", () => {
    expect(failure(() => convertJsonl({ text: '{"id":"a","model":"m","output":"x"}\n{"id":"b","model":"m"}\n', file: "l.jsonl" })).message).toMatch(
      /^l\.jsonl:2: output: required/,
    );
    expect(
      failure(() => convertJsonl({ text: '{"id":"a","model":"m","output":"x"}\n\n{"id":"a","model":"m","output":"y"}\n', file: "l.jsonl" })).message,
    ).toMatch(/^l\.jsonl:3: id: duplicate id "a" \(first on line 1\)/);
    expect(failure(() => convertJsonl({ text: "{nope\n", file: "l.jsonl" })).message).toMatch(/^l\.jsonl:1: not valid JSON/);
  });
});

describe("tierlab replay convert", () => {
  it("writes a recording the replay provider reads, and exits 2 with file:line on bad input", () => {
    const dir = tmp();
    const input = join(dir, "log.jsonl");
    writeFileSync(input, '{"id":"x","model":"m","output":"hello"}\n');
    const out = join(dir, "m.jsonl.gz");
    const ok = runCli(["replay", "convert", "--from", "jsonl", "--in", input, "--out", out, "--json"]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ file: out, model: "m", records: 1, license: "NOASSERTION" });
    expect(loadRecordings([out]).byId.get("x")!.output).toBe("hello");
    writeFileSync(input, '{"id":"x","model":"m"}\n');
    const bad = runCli(["replay", "convert", "--from", "jsonl", "--in", input, "--out", out]);
    expect(bad.status).toBe(EXIT.badInput);
    expect(bad.stderr).toContain(`${input}:1: output: required`);
    const help = runCli(["replay", "convert", "--help"]);
    expect(help.stdout).toMatch(/--from .*zeroeval/s);
  }, 60_000);
});
