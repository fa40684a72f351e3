/**
 * `tierlab report seed-claims`: every number in the seed document checked. The seed's arithmetic is
 * recomputed (simulator/reproduce-seed.ts) and each claim is also set against simulations of the light,
 * medium and heavy profiles; each is marked holds / fails / inconsistent with the arithmetic shown.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Argv } from "yargs";
import { headline, md, notebook, table, type Cell } from "../reports/notebook.js";
import { allModels, loadRouterConfig } from "../router/config/load.js";
import { loadUsageProfiles } from "../simulator/profiles.js";
import { reproduceSeed, SEED, type SeedReproduction } from "../simulator/reproduce-seed.js";
import type { SimulationResults } from "../simulator/results.js";
import { barChart, intervalChart } from "./lib/charts.js";
import { isMain, runMain } from "./lib/main.js";
import { defineScenario, type CommonArgs, type ScenarioContext } from "./lib/scenario.js";
import { checkSeedClaims, type ClaimCheck } from "./lib/seed-checks.js";
import { profileSimulations, simulationStamp, withProfileSimOptions, type ProfileSimArgs } from "./lib/simulate.js";
import { LIKELIHOOD_RULE } from "./lib/text.js";

export const seedClaimsScenario = defineScenario<ProfileSimArgs>({
  id: "seed-claims",
  title: "Seed claims",
  describe: "every number in the seed checked against its own arithmetic and against simulation: holds / fails / inconsistent",
  options: (y: Argv<CommonArgs>) => withProfileSimOptions(y),
  async run(ctx) {
    const rep = reproduce(ctx);
    const sims = await profileSimulations(ctx, ctx.args, { scenarioId: "seed-claims", sensitivity: false });
    return notebook({
      id: "seed-claims",
      title: "The seed's numbers, checked",
      subtitle: SEED.source,
      generatedAt: ctx.stamp(simulationStamp(sims)),
      inputs: ctx.inputs(),
      cells: seedClaimCells(rep, sims),
    });
  },
});

/** The reproduction `simulate --reproduce-seed` prints, from the same config, prices and profiles. */
function reproduce(ctx: ScenarioContext<ProfileSimArgs>): SeedReproduction {
  const a = ctx.args;
  const seedDoc = resolve(ctx.cwd, "..", SEED.source);
  if (existsSync(seedDoc)) ctx.input({ name: "seed document", path: seedDoc, note: "the figures under test (quoted in simulator/reproduce-seed.ts)" });
  const config = loadRouterConfig(resolve(ctx.cwd, a.config), a.calibration ? { calibration: resolve(ctx.cwd, a.calibration) } : {});
  const profiles = loadUsageProfiles(resolve(ctx.cwd, a.profiles));
  ctx.input({ name: "router config", path: config.file });
  ctx.input({ name: "price table", path: config.pricesFile });
  ctx.input({ name: "usage profiles", path: profiles.file });
  const prices = allModels(config).filter((m) => !m.local && m.pricing).map((m) => ({ model: m.id, input: m.pricing!.input_cost_per_token, output: m.pricing!.output_cost_per_token, maxInputTokens: m.pricing!.max_input_tokens }));
  return reproduceSeed({ prices, budgets: config.data.budgets, callsPerIteration: profiles.data.profiles.medium?.calls_per_iteration ?? 8 });
}

const VERDICT_WORD = { holds: "holds", fails: "fails", inconsistent: "inconsistent", info: "uncertain" } as const;

export function seedClaimCells(rep: SeedReproduction, sims: readonly SimulationResults[]): Cell[] {
  const checks = checkSeedClaims(rep, sims);
  const n = (v: ClaimCheck["overall"]) => checks.filter((c) => c.overall === v).length;
  const first = sims[0];
  const cells: Cell[] = [
    md`
      The seed (\`${SEED.source}\`) states savings per profile, an average, a monthly bill, an API price and
      success metrics. Each is checked twice. **Arithmetic**: the seed's figures are recomputed from one another,
      the price table and the router config's budgets. **Simulation**: the light, medium and heavy profiles are
      simulated${first ? ` (${first.trials} trials, ${first.days} days, seed ${first.seed}${first.files.bench ? `, measurements from \`${first.files.bench.path}\`` : ", stated assumptions, no bench data"})` : ""}.
    `,
    md`
      - **inconsistent**: the seed's own numbers contradict each other
      - **fails**: the arithmetic or the simulation contradicts the claim (a claimed figure outside the simulated P5–P95, or a success metric unlikely)
      - **holds**: consistent with both; **uncertain**: the simulation gives it between 20 % and 80 %
      - Success metrics: ${LIKELIHOOD_RULE}
    `,
    headline({ label: "Claims checked", value: `${checks.length}`, status: "info", explanation: `${n("holds")} hold, ${n("fails")} fail, ${n("inconsistent")} inconsistent, ${n("info")} uncertain` }),
    table({
      caption: "Every claim",
      columns: [{ label: "Claim" }, { label: "Arithmetic" }, { label: "Simulation" }, { label: "Verdict" }],
      rows: checks.map((c) => [c.claim, c.arithmetic?.verdict ?? "—", c.simulation?.verdict ?? "—", VERDICT_WORD[c.overall]]),
    }),
  ];
  const section = (s: ClaimCheck["section"]) => checks.filter((c) => c.section === s).map(claimHeadline);
  cells.push(md`## Savings`, ...section("savings"));
  const savingsRows = sims.flatMap((s) => {
    const w = s.month ?? s.horizon;
    const claim = (SEED.savings as Record<string, number>)[s.profile.name];
    return [
      { label: s.profile.name, group: "simulated (P50, P5–P95)", value: w.savings.p50, lower: w.savings.p5, upper: w.savings.p95 },
      ...(claim === undefined ? [] : [{ label: s.profile.name, group: "seed's claim", value: claim, lower: claim, upper: claim }]),
    ];
  });
  if (savingsRows.length) {
    cells.push(intervalChart({ title: "Savings vs pure API: claimed and simulated", rows: savingsRows, valueLabel: "Savings over a month", unit: "%", labelTitle: "Profile", groupTitle: "Figure", dodge: true, target: { value: SEED.averageSavingsClaim, label: "claimed average 75 %" } }));
  }
  cells.push(md`## Cost and price`, ...section("cost"), ...section("price"));
  cells.push(md`## Success metrics after a week`, ...section("week"), md`## Success metrics after a month`, ...section("month"));
  const probs = sims.flatMap((s) => [...(s.success_metrics.week?.metrics ?? []), ...(s.success_metrics.month?.metrics ?? [])]
    .filter((m) => m.probability !== null).map((m) => ({ label: `${m.id.startsWith("week") ? "week" : "month"}: ${m.label} ${m.target}`, group: s.profile.name, value: m.probability! })));
  if (probs.length) cells.push(barChart({ title: "P(success metric holds) per profile", rows: probs, valueLabel: "Probability the metric holds", unit: "%", labelTitle: "Metric", groupTitle: "Profile", dodge: true }));
  cells.push(md`## The seed's arithmetic, finding by finding`);
  cells.push(table({ columns: [{ label: "Claim" }, { label: "Verdict" }, { label: "Arithmetic" }, { label: "Why" }], rows: rep.findings.map((f) => [f.claim, f.verdict, f.arithmetic, f.detail]) }));
  return cells;
}

function claimHeadline(c: ClaimCheck): Cell {
  const parts = [`Value: ${c.valueIs}.`, c.arithmetic ? `Seed arithmetic (${c.arithmetic.verdict}): ${c.arithmetic.text}` : "", c.simulation ? `Simulation (${c.simulation.verdict}): ${c.simulation.text}` : ""].filter(Boolean);
  return headline({
    label: c.claim,
    value: c.value,
    ...(c.unit ? { unit: c.unit } : {}),
    ...(c.digits !== undefined ? { digits: c.digits } : {}),
    status: c.overall,
    explanation: parts.length > 1 ? parts.join("\n") : `${parts[0]}\nNothing to check it against: the simulation has no figure for it.`,
  });
}

if (isMain(import.meta.url)) await runMain(seedClaimsScenario);
