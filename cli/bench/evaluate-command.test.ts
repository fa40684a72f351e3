/** `bench evaluate` as a user runs it: on the replay config and a replay set, and with bad flags. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../test-support/run-cli.js";
import { EXIT } from "../../core/exit-codes.js";
import { EvaluateReport } from "../../bench/evaluate/frontier-types.js";

describe("bench evaluate (CLI)", () => {
  it("benches every model of gsm8k-replay's action on 300 items, fits on half, judges on the rest, and prints a valid report", () => {
    const results = mkdtempSync(join(tmpdir(), "tierlab-evaluate-"));
    const r = runCli([
      "bench",
      "evaluate",
      "--config",
      "config/router.replay.yaml",
      "--dataset",
      "datasets/gsm8k-replay.jsonl",
      "--limit",
      "300",
      "--split",
      "0.5",
      "--seed",
      "1",
      "--json",
      "--results-dir",
      results,
    ]);
    expect(r.status, r.stderr).toBe(EXIT.ok);
    const report = EvaluateReport.parse(JSON.parse(r.stdout));
    expect(report).toMatchObject({ action: "grade_school_math", split: { fit: 150, eval: 150, seed: 1 } });
    const names = report.policies.map((p) => p.name);
    for (const m of ["phi3", "llama3-8b", "mixtral-8x7b", "claude-sonnet", "gpt-4o"]) expect(names).toContain(m);
    for (const kind of ["cascade", "consensus", "api_first"] as const) expect(report.policies.filter((p) => p.policy === kind)).toHaveLength(1);
    expect(report.policies.filter((p) => p.recommended)).toHaveLength(1);
    expect(names.some((n) => n.startsWith("oracle")) && names.some((n) => n.startsWith("random")) && names.some((n) => n.startsWith("rule cascade"))).toBe(
      true,
    );
    expect(report.signals!.some((s) => s.signal === "agreement" && s.policy === "consensus")).toBe(true);
  }, 60_000);

  it("refuses a call without --dataset or --run, and a folder that is not a run, with exit 2", () => {
    const none = runCli(["bench", "evaluate", "--config", "config/router.replay.yaml"]);
    expect(none.status).toBe(EXIT.badInput);
    expect(none.stderr).toMatch(/pass exactly one of --dataset/);
    const bad = runCli(["bench", "evaluate", "--config", "config/router.replay.yaml", "--run", tmpdir()]);
    expect(bad.status).toBe(EXIT.badInput);
    expect(bad.stderr).toMatch(/not a bench run/);
  });
});
