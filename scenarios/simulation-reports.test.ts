import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SimulationResults } from "../simulator/results.js";
import { tempDir, writeSimulation } from "../test-support/scenario-fixtures.js";
import { build, chartTitles, headlineOf } from "../test-support/scenario-helpers.js";

let dir: string;
const files: Record<string, string> = {};
const sims: Record<string, SimulationResults> = {};

beforeAll(async () => {
  dir = tempDir();
  for (const p of ["light", "medium", "heavy"]) {
    const { file, results } = await writeSimulation(dir, p);
    files[p] = file;
    sims[p] = results;
  }
}, 120_000);

/** A copy of a results file with one edit, still valid against the schema. */
function edited(profile: string, edit: (r: SimulationResults) => void): string {
  const r = JSON.parse(readFileSync(files[profile]!, "utf8")) as SimulationResults;
  edit(r);
  const file = join(dir, `${profile}-edited-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(r));
  return file;
}

const simArgs = (f: Record<string, string>) => ["--simulation", f.light!, f.medium!, f.heavy!];

describe("usage-profiles report", () => {
  it("shows each profile's simulated savings, and follows an edited results file", async () => {
    const a = await build("usage-profiles", simArgs(files), join(dir, "up-a"));
    expect(headlineOf(a.notebook, "Savings vs pure API, medium").value).toBeCloseTo(sims.medium!.month!.savings.p50 * 100, 10);
    expect(chartTitles(a.notebook)).toEqual(
      expect.arrayContaining([
        "Daily cost, light profile",
        "Cumulative cost, heavy profile",
        "P(cost over 30 days > X)",
        "Savings over 30 days, distribution per profile",
        "Sensitivity of the P50 hybrid cost, medium profile",
      ]),
    );
    const medium = edited("medium", (r) => {
      r.month!.savings.p50 = 0.9;
    });
    const b = await build("usage-profiles", simArgs({ ...files, medium }), join(dir, "up-b"));
    expect(headlineOf(b.notebook, "Savings vs pure API, medium").value).toBeCloseTo(90, 10);
    const c = await build("usage-profiles", simArgs(files), join(dir, "up-c"));
    expect(c.markdown).toBe(a.markdown);
    expect(a.notebook.generatedAt).toMatch(/^\d{4}-\d{2}-\d{2} \(price table date; simulation seed 3\)$/);
  });
});

describe("seed-claims report", () => {
  it("marks claims from the arithmetic and the simulation in the issue's words, and follows an edited results file", async () => {
    const a = await build("seed-claims", simArgs(files), join(dir, "sc-a"));
    expect(headlineOf(a.notebook, "Average: 75 %").status).toBe("inconsistent");
    // A published price list is an outside fact; 8 calls per iteration is our assumption.
    expect(headlineOf(a.notebook, "API tier").status).toBe("fails");
    const pure = headlineOf(a.notebook, "Pure API: $14,220");
    expect(pure.status).toBe("implausible");
    expect(pure.target).toBe("verdict: implausible, assuming 8 calls per iteration");
    const heavy = headlineOf(a.notebook, "Heavy usage: 75 %");
    expect(heavy.target).toBe("verdict: fails under the assumed mix");
    expect(heavy.explanation).toMatch(/savings ≤ 1 − that = 55\.76 %/);
    const light = headlineOf(a.notebook, "Light usage: 87 %");
    expect(light.value).toBeCloseTo(sims.light!.month!.savings.p50 * 100, 10);
    expect(light.status).toBe("fails");
    // Even a simulation that puts 87 % inside P5–P95 cannot beat the cap its own mix implies (81.71 %).
    const moved = edited("light", (r) => Object.assign(r.month!.savings, { p5: 0.8, p50: 0.86, p95: 0.9 }));
    const b = await build("seed-claims", simArgs({ ...files, light: moved }), join(dir, "sc-b"));
    expect(headlineOf(b.notebook, "Light usage: 87 %").target).toBe("verdict: fails under the assumed mix");
    expect(headlineOf(b.notebook, "Light usage: 87 %").value).toBeCloseTo(86, 10);
    // The claims the cost arithmetic used to skip are there, each with its verdict.
    expect(headlineOf(a.notebook, "Cost < $5/week and < $20/month").status).toBe("inconsistent");
    expect(headlineOf(a.notebook, '"8 model configurations"').status).toBe("inconsistent");
    expect(headlineOf(a.notebook, "LOCAL_FAST speed").status).toBe("not_checked");
    expect(headlineOf(a.notebook, "Local tiers: cost $0").target).toMatch(/^verdict: implausible, assuming 350 W/);
    expect(a.markdown).toContain("## tierlab's config against the seed");
    expect(a.markdown).not.toMatch(/\| uncertain \|[^\n]*not simulated/);
    const c = await build("seed-claims", simArgs(files), join(dir, "sc-c"));
    expect(c.markdown).toBe(a.markdown);
  });

  it("simulates the profiles itself when not given results, and lists what it wrote", async () => {
    const out = join(dir, "sc-sim");
    const r = await build("seed-claims", ["--trials", "200"], out);
    for (const p of ["light", "medium", "heavy"]) expect(existsSync(join(out, "seed-claims-inputs", `${p}.simulation.json`))).toBe(true);
    expect(r.notebook.inputs.map((i) => i.name)).toEqual(
      expect.arrayContaining(["router config", "price table", "usage profiles", "simulation (light)", "simulation (heavy)"]),
    );
    expect(r.notebook.inputs.find((i) => i.name === "simulation (medium)")!.seed).toBe(1);
  }, 120_000);
});
