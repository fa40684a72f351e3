import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readSimulationResults, type SimulationResults } from "../simulator/results.js";
import { calibrationV2 } from "../test-support/simulator-fixtures.js";
import { evaluateReportFixture, makeRecords, tempDir, writeEvaluateReport, writeRunFolder, writeSimulation } from "../test-support/scenario-fixtures.js";
import { build, chartTitles, headlineOf, tableWith } from "../test-support/scenario-helpers.js";
import { usd } from "./lib/text.js";

let dir: string;
let run: string;
let simFile: string;
let sim: SimulationResults;

beforeAll(async () => {
  dir = tempDir();
  run = writeRunFolder(dir, { runId: "good-run" });
  ({ file: simFile, results: sim } = await writeSimulation(dir, "medium", { fromBench: run }));
}, 120_000);

describe("decision report from given inputs", () => {
  it("shows monthly cost P50/P95 and savings from the simulation file, and follows an edit of it", async () => {
    const a = await build("decision", ["--run", run, "--simulation", simFile], join(dir, "a"));
    const m = sim.month!;
    expect(headlineOf(a.notebook, "Monthly cost, hybrid").value).toBe(`${usd(m.hybrid_cost_usd.p50)} / ${usd(m.hybrid_cost_usd.p95)} · modelled`);
    expect(headlineOf(a.notebook, "Monthly cost, pure API").value).toBe(`${usd(m.api_cost_usd.p50)} / ${usd(m.api_cost_usd.p95)} · modelled`);
    expect(headlineOf(a.notebook, "Savings vs pure API").value).toBeCloseTo(m.savings.p50 * 100, 10);
    expect(headlineOf(a.notebook, "Savings vs pure API").unit).toBe("% · modelled");
    const edited = JSON.parse(readFileSync(simFile, "utf8")) as SimulationResults;
    edited.month!.hybrid_cost_usd.p50 = 123.45;
    const file2 = join(dir, "edited.json");
    writeFileSync(file2, JSON.stringify(edited));
    const b = await build("decision", ["--run", run, "--simulation", file2], join(dir, "b"));
    expect(headlineOf(b.notebook, "Monthly cost, hybrid").value).toBe(`$123.45 / ${usd(m.hybrid_cost_usd.p95)} · modelled`);
    const again = await build("decision", ["--run", run, "--simulation", simFile], join(dir, "a"));
    expect(again.markdown).toBe(a.markdown);
    expect(a.notebook.generatedAt).toBe("2026-01-01T10:00:00.000Z");
    expect(a.notebook.inputs.find((i) => i.name === "bench run")!.gitCommit).toBe("abcdef1");
  });

  it("measures the local answers the check kept, and says 'not yet' when they are wrong", async () => {
    const records = makeRecords({ runId: "good-run" });
    const kept = records.filter((r) => r.quality_pass === true);
    const right = kept.filter((r) => r.grade!.pass).length;
    const good = await build("decision", ["--run", run, "--simulation", simFile], join(dir, "good"));
    expect(headlineOf(good.notebook, "Local answers kept that are right").value).toBeCloseTo((right / kept.length) * 100, 10);
    expect(headlineOf(good.notebook, "Recommendation").status).not.toBe("fails");
    // The check keeps everything, the grader finds most of it wrong: the tiny models' situation.
    const bad = makeRecords({ runId: "bad-run", accuracy: 0.2 }).map((r) => ({ ...r, confidence: 1, quality_pass: true }));
    const badRun = writeRunFolder(join(dir, "bad"), { runId: "bad-run" }, bad);
    const r = await build("decision", ["--run", badRun, "--simulation", simFile], join(dir, "bad-out"));
    const rec = headlineOf(r.notebook, "Recommendation");
    expect(rec.status).toBe("fails");
    expect(rec.value).toMatch(/^Not yet/);
    expect(r.markdown).toContain("The local models are stand-ins");
    expect(r.markdown).toContain("API\\_FALLBACK pass rates are priors, not measurements");
  });

  it("with only --run, calibrates and simulates from it and keeps both files next to the report", async () => {
    const out = join(dir, "pipeline");
    // The fixture run holds the seed's actions, so it is simulated on the embedded config's medium profile.
    const r = await build("decision", ["--run", run, "--config", "config/router.embedded.yaml", "--trials", "200", "--sensitivity-trials", "40"], out);
    const calFile = join(out, "decision-inputs", "calibration.json");
    const simOut = join(out, "decision-inputs", "medium.simulation.json");
    expect(existsSync(calFile)).toBe(true);
    const written = readSimulationResults(simOut);
    expect(written.files.bench).not.toBeNull();
    expect(written.files.calibration).not.toBeNull();
    expect(written.trials).toBe(200);
    expect(r.notebook.inputs.map((i) => i.name)).toEqual(expect.arrayContaining(["bench run", "calibration (computed here)", "simulation (medium)"]));
    expect(r.printed).toContain("Monthly cost, hybrid (P50 / P95)");
    expect(r.printed).toMatch(/P\(month: savings vs pure API > 75 %\) = /);
  }, 60_000);

  it("the frontier headline follows the evaluate report: the policy to route through, its cost, and API first when none qualifies", async () => {
    const args = ["--run", run, "--simulation", simFile, "--reference", "gpt-4o"];
    const a = await build("decision", [...args, "--evaluate", writeEvaluateReport(join(dir, "ev-a"))], join(dir, "fa"));
    const head = headlineOf(a.notebook, "Cost–quality frontier");
    expect(head.value).toBe("Routing gsm8k-like traffic through calibrated cascade keeps 99.3 % of gpt-4o's accuracy at 27.4 % of its cost.");
    expect(head.status).toBe("holds");
    expect(a.printed).toContain("keeps 99.3 % of gpt-4o's accuracy at 27.4 % of its cost");
    expect(chartTitles(a.notebook)).toContain("Accuracy against cost per 1,000 requests, datasets/gsm8k-replay.jsonl");
    // Each figure says where it comes from: the fixture run's answers are live (measured), costs are modelled.
    const points = tableWith(a.notebook, "Frontier points");
    const cascade = points.rows.find((r) => r[0] === "calibrated cascade")!;
    expect(cascade).toEqual([
      "calibrated cascade",
      "calibrated policy",
      "94.8 % (92.9–96.3 %) · measured",
      "27.0 % · measured",
      "$0.850 · modelled",
      "3.5 % (2.2–5.5 %), α 5.0 % (δ 10.0 %) · measured",
    ]);
    expect(points.rows.map((r) => r[1])).toEqual(expect.arrayContaining(["seed rule cascade", "random routing", "oracle cascade (limit)", "single model"]));
    expect(tableWith(a.notebook, "RouteLLM metrics").rows[0]).toEqual([
      "cascade / LOCAL_FAST",
      "phi3",
      "gpt-4o",
      "80.0 % · measured",
      "95.5 % · measured",
      "78.0 % · measured",
      "12.0 % · measured",
      "24.0 % · measured",
      "41.0 % · measured",
    ]);
    // The calibrated cascade gets dearer: the sentence follows.
    const dearer = evaluateReportFixture((ps) => ps.map((p) => (p.name === "calibrated cascade" ? { ...p, cost_per_1k_usd: 1.55 } : p)));
    const b = await build("decision", [...args, "--evaluate", writeEvaluateReport(join(dir, "ev-b"), dearer)], join(dir, "fb"));
    expect(headlineOf(b.notebook, "Cost–quality frontier").value).toBe(
      "Routing gsm8k-like traffic through calibrated consensus keeps 99.6 % of gpt-4o's accuracy at 31.3 % of its cost.",
    );
    // gpt-4o alone gets better than any local policy can keep up with: API first, in the recommendation too.
    const strong = evaluateReportFixture((ps) => ps.map((p) => (p.name === "gpt-4o" ? { ...p, accuracy: 0.99 } : p)));
    const c = await build("decision", [...args, "--evaluate", writeEvaluateReport(join(dir, "ev-c"), strong)], join(dir, "fc"));
    expect(headlineOf(c.notebook, "Cost–quality frontier").value).toMatch(/^Send gsm8k-like traffic to gpt-4o first \(API first\)/);
    expect(headlineOf(c.notebook, "Recommendation").value).toBe("API first: no local policy keeps gpt-4o's accuracy for less");
  });

  it("without an evaluate report the frontier is 'not available', with no number made up", async () => {
    const r = await build("decision", ["--run", run, "--simulation", simFile], join(dir, "no-frontier"));
    const head = headlineOf(r.notebook, "Cost–quality frontier");
    expect(head.value).toBe("not available");
    // The fixture run holds two actions of the embedded engine's self-check: evaluate needs one action with signals.
    expect(head.explanation).toMatch(/the records hold 2 actions/);
    expect(r.markdown).toMatch(/Not available: the records hold 2 actions/);
    expect(chartTitles(r.notebook).some((t) => t.startsWith("Accuracy against cost"))).toBe(false);
  });

  it("shows the calibration's recommended policy per action, and says API first where it is", async () => {
    const cal = join(dir, "cal-v2.json");
    writeFileSync(
      cal,
      calibrationV2([
        {
          action: "classify_memory",
          kind: "cascade",
          cells: [
            { tier: "LOCAL_FAST", threshold: 0.8, accept: [60, 100], right: [58, 60] },
            { tier: "LOCAL_QUALITY", threshold: null, accept: [40, 40], right: [30, 40] },
          ],
        },
        { action: "yes_no", kind: "api_first", cells: [{ tier: "LOCAL_QUALITY", threshold: null, accept: [40, 40], right: [35, 40] }] },
      ]),
    );
    const r = await build("decision", ["--run", run, "--simulation", simFile, "--calibration", cal], join(dir, "rec"));
    const t = tableWith(r.notebook, "Recommended policy per action");
    expect(t.rows.map((row) => [row[0], row[1]])).toEqual([
      ["classify_memory", "cascade: LOCAL_FAST → LOCAL_QUALITY"],
      ["yes_no", "API first"],
    ]);
    expect(t.rows[0]![2]).toBe("90.0 % (85.0–95.0 %) · replayed");
    expect(t.rows[0]![5]).toBe("$1.00 · modelled");
    expect(r.markdown).toContain("**API first for yes\\_no**");
  });
});
