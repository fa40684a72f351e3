/**
 * The example pipelines, run here: the GitHub workflow's own `run:` commands (the gate and the job
 * summary) execute in bash with the job's env, as the runner would. Base and head are this checkout, as
 * for a pull request that changes nothing, so the gate must pass. The bench target is the replay set once
 * it exists on this branch (config/router.replay.yaml, datasets/gsm8k-replay.jsonl), else the embedded
 * engine on the seed actions.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { modelsPresent, REPO_ROOT } from "../../test-support/models.js";

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { env: Record<string, string>; steps: Step[] }>;
}

const github = parse(readFileSync(join(REPO_ROOT, "examples/ci/github-actions.yml"), "utf8")) as Workflow;
const gitlab = parse(readFileSync(join(REPO_ROOT, "examples/ci/gitlab-ci.yml"), "utf8")) as Record<
  string,
  { variables: Record<string, string>; script: string[]; artifacts: { when: string; paths: string[] } }
>;
const job = github.jobs.regression!;
const step = (id: string) => job.steps.find((s) => s.id === id)!;

const replay = existsSync(join(REPO_ROOT, "config/router.replay.yaml")) && existsSync(join(REPO_ROOT, "datasets/gsm8k-replay.jsonl"));
/** What this branch can bench: the replay set when it is here, else the embedded engine. */
const target = replay
  ? { TIERLAB_CONFIG: job.env.TIERLAB_CONFIG!, TIERLAB_DATASET: job.env.TIERLAB_DATASET!, TIERLAB_LIMIT: "30" }
  : { TIERLAB_CONFIG: "config/router.embedded.yaml", TIERLAB_DATASET: "datasets/seed-actions.jsonl", TIERLAB_LIMIT: "16" };

describe("the example pipelines", () => {
  it("run on every pull request / merge request, upload the HTML and write the markdown to the job summary", () => {
    expect(Object.keys(github.on)).toEqual(["pull_request"]);
    expect(step("gate").run).toBe("bash examples/ci/regression-gate.sh");
    expect(step("artifact")).toMatchObject({ if: "always()", uses: "actions/upload-artifact@v4", with: { path: "reports/out/regression.html" } });
    expect(step("summary")).toMatchObject({ if: "always()", run: 'cat "$OUT_DIR/regression.md" >> "$GITHUB_STEP_SUMMARY"' });
    expect(job.env).toMatchObject({ TIERLAB_CONFIG: "config/router.replay.yaml", TIERLAB_TIER: "LOCAL_FAST", TIERLAB_DATASET: "datasets/gsm8k-replay.jsonl" });
    const gl = gitlab["tierlab-regression"]!;
    expect(gl.script).toContain("bash examples/ci/regression-gate.sh");
    expect(gl.artifacts).toMatchObject({ when: "always", paths: ["reports/out/regression.html", "reports/out/regression.md"] });
    // Both pipelines bench the same thing.
    for (const k of ["TIERLAB_CONFIG", "TIERLAB_TIER", "TIERLAB_DATASET", "TIERLAB_LIMIT"]) expect(gl.variables[k]).toBe(job.env[k]);
  });

  it.skipIf(!replay && !modelsPresent)(
    "the workflow's commands pass locally on an unchanged head and leave the report and the summary",
    async () => {
      const tmp = mkdtempSync(join(tmpdir(), "tierlab-ci-"));
      const summary = join(tmp, "step-summary.md");
      writeFileSync(summary, "");
      const env = {
        ...process.env,
        ...job.env,
        ...target,
        BASE_DIR: REPO_ROOT,
        HEAD_DIR: REPO_ROOT,
        OUT_DIR: join(tmp, "out"),
        RESULTS_DIR: join(tmp, "results"),
        GITHUB_STEP_SUMMARY: summary,
      };
      const sh = (script: string) => promisify(execFile)("bash", ["-c", script], { cwd: REPO_ROOT, env, timeout: 300_000 });
      const gate = await sh(step("gate").run!).then(
        () => 0,
        (e: { code: number; stderr: string }) => {
          throw new Error(`gate exited ${e.code}: ${e.stderr.slice(-2000)}`);
        },
      );
      expect(gate).toBe(0);
      await sh(step("summary").run!);
      expect(existsSync(join(tmp, "out", "regression.html"))).toBe(true);
      const md = readFileSync(summary, "utf8");
      expect(md).toMatch(/^# Regression check: base → head/);
      expect(md).toContain("no significant regression");
      for (const side of ["base", "head"]) expect(JSON.parse(readFileSync(join(tmp, "results", `${side}.summary.json`), "utf8")).run_id).toBe(side);
    },
    600_000,
  );
});
