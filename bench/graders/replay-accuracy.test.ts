/**
 * Grades every recorded answer in ../shared/replay/zeroeval (6 models × GSM8K 1,319 + CRUXEval-O 800) with
 * answer_number and answer_literal, prints accuracy and unparseable counts per model, and checks they are
 * plausible. For reference, ZeroEval's own leaderboard (its regex scorer) gives GSM8K: claude-3-5-sonnet
 * 96.66, gpt-4o 96.21, gpt-4o-mini 94.24, Phi-3.5-mini 82.03, Llama-3-8B 78.47, Mixtral 70.13; CRUXEval-O:
 * gpt-4o 87.0, claude-3-5-sonnet 83.88, gpt-4o-mini 75.88, Mixtral 44.88, Phi-3-mini 44.75, Llama-3-8B 37.75.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { DatasetItem } from "../dataset/schema.js";
import { grade } from "./registry.js";

const ROOT = fileURLToPath(new URL("../../../shared/replay/zeroeval", import.meta.url));
const present = existsSync(`${ROOT}/gsm`) && existsSync(`${ROOT}/crux`);
if (!present) console.log(`replay-accuracy: skipped, no recordings at ${ROOT} (they live in the shared folder beside the checkout)`);

interface Recording {
  id: string;
  output: string[];
  answer: string;
}
interface Tally {
  model: string;
  task: string;
  n: number;
  right: number;
  unparseable: number;
}

// [low, high] accuracy per task and model: ours within a few points of ZeroEval's, allowing for our extraction.
const PLAUSIBLE: Record<string, Record<string, [number, number]>> = {
  gsm: {
    "gpt-4o-2024-08-06": [0.94, 0.98],
    "claude-3-5-sonnet-20241022": [0.94, 0.98],
    "gpt-4o-mini-2024-07-18": [0.92, 0.96],
    "Phi-3.5-mini-instruct": [0.8, 0.88],
    "Meta-Llama-3-8B-Instruct": [0.75, 0.82],
    "Mixtral-8x7B-Instruct-v0.1": [0.66, 0.74],
  },
  crux: {
    "gpt-4o-2024-08-06": [0.83, 0.9],
    "claude-3-5-sonnet-20241022": [0.8, 0.88],
    "gpt-4o-mini-2024-07-18": [0.71, 0.79],
    "Mixtral-8x7B-Instruct-v0.1": [0.41, 0.5],
    "Phi-3-mini-4k-instruct": [0.4, 0.49],
    "Meta-Llama-3-8B-Instruct": [0.33, 0.42],
  },
};

async function tally(task: "gsm" | "crux", file: string): Promise<Tally> {
  const records = JSON.parse(readFileSync(`${ROOT}/${task}/${file}`, "utf8")) as Recording[];
  const t: Tally = { model: file.replace(/\.json$/, ""), task, n: records.length, right: 0, unparseable: 0 };
  for (const r of records) {
    const it: DatasetItem =
      task === "gsm"
        ? { id: r.id, action: "gsm8k", input: r.id, expected: Number(r.answer.replace(/^#\s*/, "").replace(/,/g, "")), grader: "answer_number" }
        : { id: r.id, action: "cruxeval", input: r.id, expected: r.answer, grader: "answer_literal" };
    const g = await grade(r.output[0] ?? "", it);
    if (g.pass) t.right++;
    if (g.unparseable) t.unparseable++;
  }
  return t;
}

describe.skipIf(!present)("every recorded answer, graded", () => {
  it("gives each model an accuracy near ZeroEval's, with few unparseable answers", async () => {
    const tallies: Tally[] = [];
    for (const task of ["gsm", "crux"] as const) {
      for (const file of readdirSync(`${ROOT}/${task}`)
        .filter((f) => f.endsWith(".json"))
        .sort())
        tallies.push(await tally(task, file));
    }
    console.log(
      [
        "task  model                          accuracy  right/n      unparseable",
        ...tallies.map((t) => `${t.task.padEnd(5)} ${t.model.padEnd(30)} ${(t.right / t.n).toFixed(4)}    ${`${t.right}/${t.n}`.padEnd(12)} ${t.unparseable}`),
      ].join("\n"),
    );

    expect(tallies.map((t) => `${t.task}/${t.model}`).sort()).toEqual(
      Object.entries(PLAUSIBLE)
        .flatMap(([task, m]) => Object.keys(m).map((k) => `${task}/${k}`))
        .sort(),
    );
    for (const t of tallies) {
      const [low, high] = PLAUSIBLE[t.task]![t.model]!;
      expect(t.n, `${t.task}/${t.model} size`).toBe(t.task === "gsm" ? 1319 : 800);
      expect(t.right / t.n, `${t.task}/${t.model} accuracy`).toBeGreaterThanOrEqual(low);
      expect(t.right / t.n, `${t.task}/${t.model} accuracy`).toBeLessThanOrEqual(high);
      // ZeroEval's own "no answer" rate is at most 3 %; unreadable numbers and literals add a little.
      expect(t.unparseable / t.n, `${t.task}/${t.model} unparseable`).toBeLessThan(0.05);
    }
    const gpt4o = tallies.find((t) => t.task === "gsm" && t.model.startsWith("gpt-4o-2024"))!;
    expect(gpt4o.unparseable).toBeLessThanOrEqual(5);
  });
});
