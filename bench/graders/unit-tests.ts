/**
 * unit_tests: HumanEval-style functional correctness. The candidate is `prompt + completion`; the test
 * runs in a copy of the candidate's namespace and its `check(candidate)` is called on the entry point,
 * in python-sandbox.ts. Keeping the test apart means a task function that is itself named `check`
 * (MBPP has some) is not replaced by the test's. Like the HumanEval harnesses, a completion may be
 * only the body (appended to the prompt) or a whole function (kept with the prompt's imports and helpers).
 */
import { z } from "zod";
import type { GraderSpec, GradeResult } from "./contract.js";
import { runPython, type PythonRun } from "./python-sandbox.js";

export interface UnitTestsParams {
  entry_point: string;
  /** Python source defining `check(candidate)`. */
  test: string;
  timeout_ms: number;
}

export const DEFAULT_UNIT_TEST_TIMEOUT_MS = 10_000;

interface Section {
  name: "prompt" | "completion";
  firstLine: number;
}
/** `source` is candidate.py (prompt + completion); `test` is test.py, run in a copy of its namespace. */
export interface Program {
  source: string;
  test: string;
  sections: Section[];
  mode: "body" | "function";
  noCode: boolean;
}

const FENCED = /```(?:python3?|py)?[ \t]*\r?\n([\s\S]*?)```/g;

/** Models often wrap code in markdown: take the fenced block that defines the function, else the first. */
export function extractCode(completion: string, entryPoint: string): string {
  const blocks = [...completion.matchAll(FENCED)].map((m) => m[1]!);
  if (blocks.length === 0) return completion;
  return blocks.find((b) => definesFunction(b, entryPoint)) ?? blocks[0]!;
}

function definesFunction(code: string, entryPoint: string): boolean {
  return new RegExp(`^(?:async\\s+)?def\\s+${entryPoint}\\s*\\(`, "m").test(code);
}

export function assembleProgram(args: { prompt: string; completion: string; test: string; entryPoint: string }): Program {
  const code = extractCode(args.completion, args.entryPoint);
  const parts: Array<[Section["name"], string]> = [];
  let mode: Program["mode"] = "body";
  if (definesFunction(code, args.entryPoint)) {
    // A whole function: keep what the prompt sets up before its stub (imports, helpers), drop the stub.
    mode = "function";
    const stub = new RegExp(`^def\\s+${args.entryPoint}\\s*\\(`, "m").exec(args.prompt);
    parts.push(["prompt", stub ? args.prompt.slice(0, stub.index) : ""], ["completion", `${code}\n`]);
  } else {
    parts.push(["prompt", args.prompt], ["completion", `${code}\n`]);
  }
  const sections: Section[] = [];
  let source = "";
  for (const [name, text] of parts) {
    sections.push({ name, firstLine: source.split("\n").length });
    source += text;
  }
  // "test line N" is line N of the item's own test text: test.py holds nothing else.
  const test = args.test.endsWith("\n") ? args.test : `${args.test}\n`;
  return { source, test, sections, mode, noCode: !hasCode(code) };
}

/** Blank lines and comments only: there is nothing to run, whatever error Python would then report. */
function hasCode(code: string): boolean {
  return code.split("\n").some((line) => line.trim() !== "" && !line.trim().startsWith("#"));
}

/** "test line 4" rather than "line 57": the test's own numbering is what a reader can look up. */
function where(program: Program, line: number | undefined, file: string | undefined): string {
  if (line === undefined) return "";
  if (file === "test.py") return ` at test line ${line}`;
  const section = [...program.sections].reverse().find((s) => s.firstLine <= line);
  return section ? ` at ${section.name} line ${line - section.firstLine + 1}` : ` at line ${line}`;
}

function sourceLine(program: Program, line: number | undefined, file: string | undefined): string {
  const text = line === undefined ? "" : ((file === "test.py" ? program.test : program.source).split("\n")[line - 1] ?? "").trim();
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

export function describeRun(program: Program, run: PythonRun): GradeResult {
  if (run.timedOut) return { pass: false, reason: `timeout after ${run.timeoutMs} ms (process group killed)`, score: 0 };
  const o = run.outcome;
  if (!o) {
    const err = run.stderrTail.trim().split("\n").pop() ?? "";
    return { pass: false, reason: `no test result (exit ${run.exitCode ?? "by signal"})${err ? `: ${err}` : ""}`, score: 0 };
  }
  if (o.status === "pass") return { pass: true, reason: `all tests passed (${program.mode})`, score: 1 };
  const at = where(program, o.line, o.file);
  const code = sourceLine(program, o.line, o.file);
  switch (o.kind) {
    case "assertion":
      return { pass: false, reason: `assertion failed${at}: ${code}${o.message ? ` (${o.message})` : ""}`, score: 0 };
    case "syntax":
      return { pass: false, reason: `${o.type ?? "SyntaxError"}${at}: ${o.message ?? ""}`, score: 0 };
    case "exit":
      return { pass: false, reason: o.message ?? "exited early", score: 0 };
    default:
      return { pass: false, reason: `${o.type ?? "error"}${at}: ${o.message ?? ""}${code ? ` in \`${code}\`` : ""}`, score: 0 };
  }
}

export const unitTests: GraderSpec<UnitTestsParams> = {
  id: "unit_tests",
  description: "prompt + answer + test runs check(entry_point) without failure in a sandboxed python3",
  params: z.strictObject({
    entry_point: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a Python identifier"),
    test: z.string().regex(/\bdef\s+check\s*\(/, "must define check(candidate)"),
    timeout_ms: z.number().int().positive().max(300_000).default(DEFAULT_UNIT_TEST_TIMEOUT_MS),
  }),
  expected: z.null({ error: "unit_tests items have expected null (the tests are the oracle)" }),
  async grade(answer, item, params, ctx) {
    const program = assembleProgram({ prompt: item.input, completion: answer, test: params.test, entryPoint: params.entry_point });
    // Python would report the missing body as a syntax error at the end of the prompt, which blames the wrong text.
    if (program.noCode) return { pass: false, reason: "no code in the answer", score: 0 };
    const run = await runPython({
      program: program.source,
      test: program.test,
      entryPoint: params.entry_point,
      timeoutMs: params.timeout_ms,
      signal: ctx?.signal,
    });
    return describeRun(program, run);
  },
};
