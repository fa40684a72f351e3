/**
 * `tierlab report seed-claims`: every number in the seed document checked. The seed's arithmetic is
 * recomputed (simulator/reproduce-seed.ts, seed-audit.ts) and each claim is also set against simulations
 * of the light, medium and heavy profiles. Verdicts use the words of simulator/seed-verdict.ts; findings
 * about tierlab's own config are shown apart from the seed's.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Argv } from "yargs";
import { headline, md, notebook, table, type Cell } from "../reports/notebook.js";
import { dirname } from "node:path";
import { RunFolder } from "../bench/run/run-folder.js";
import { summarize } from "../bench/stats/latency.js";
import { allModels, loadRouterConfig, type RouterConfig } from "../router/config/load.js";
import { loadUsageProfiles, type LoadedProfiles } from "../simulator/profiles.js";
import { paidShareForCap } from "../simulator/savings-cap.js";
import type { MeasuredTierLatency } from "../simulator/seed-audit.js";
import { profileCaps, seedArgsFromConfig } from "../simulator/seed-inputs.js";
import { verdictText } from "../simulator/seed-verdict.js";
import { reproduceSeed, SEED, type SeedReproduction } from "../simulator/reproduce-seed.js";
import type { SimulationResults } from "../simulator/results.js";
import { barChart, intervalChart } from "./lib/charts.js";
import { isMain, runMain } from "./lib/main.js";
import { defineScenario, type CommonArgs, type ScenarioContext } from "./lib/scenario.js";
import { checkSeedClaims, type ClaimCheck } from "./lib/seed-checks.js";
import { profileSimulations, simulationStamp, withProfileSimOptions, type ProfileSimArgs } from "./lib/simulate.js";
import { LIKELIHOOD_RULE, listing } from "./lib/text.js";

export const seedClaimsScenario = defineScenario<ProfileSimArgs>({
  id: "seed-claims",
  title: "Seed claims",
  describe: "every number in the seed checked against its own arithmetic and against simulation: holds / fails / inconsistent",
  options: (y: Argv<CommonArgs>) => withProfileSimOptions(y),
  async run(ctx) {
    const sims = await profileSimulations(ctx, ctx.args, { scenarioId: "seed-claims", sensitivity: false });
    const { rep, mix } = reproduce(ctx, sims);
    return notebook({
      id: "seed-claims",
      title: "The seed's numbers, checked",
      subtitle: SEED.source,
      generatedAt: ctx.stamp(simulationStamp(sims)),
      inputs: ctx.inputs(),
      cells: seedClaimCells(rep, sims, mix),
    });
  },
});

/** The reproduction `simulate --reproduce-seed` prints, from the same config, prices and profiles. */
function reproduce(ctx: ScenarioContext<ProfileSimArgs>, sims: readonly SimulationResults[]): { rep: SeedReproduction; mix: MixRow[] } {
  const a = ctx.args;
  const seedDoc = resolve(ctx.cwd, "..", SEED.source);
  if (existsSync(seedDoc)) ctx.input({ name: "seed document", path: seedDoc, note: "the figures under test (quoted in simulator/seed-figures.ts)" });
  const config = loadRouterConfig(resolve(ctx.cwd, a.config), a.calibration ? { calibration: resolve(ctx.cwd, a.calibration) } : {});
  const profiles = loadUsageProfiles(resolve(ctx.cwd, a.profiles));
  ctx.input({ name: "router config", path: config.file });
  ctx.input({ name: "price table", path: config.pricesFile });
  ctx.input({ name: "usage profiles", path: profiles.file });
  const measuredLatency = benchLatency(sims);
  return {
    rep: reproduceSeed(seedArgsFromConfig({ config, profiles, ...(measuredLatency ? { measuredLatency } : {}) })),
    mix: mixSensitivity(config, profiles),
  };
}

export interface MixRow {
  profile: string;
  claimed: number;
  paidFirst: string;
  share: number;
  capAtHalf: number;
  cap: number;
  capAtOneAndHalf: number;
  shareForClaim: number | null;
}

/** How the savings cap moves with the share of calls that start on the paid tier, and the share at which it reaches the claim. */
function mixSensitivity(config: RouterConfig, profiles: LoadedProfiles): MixRow[] {
  const [half, base, more] = [0.5, 1, 1.5].map((f) => profileCaps(config, profiles, f));
  return base!.flatMap((c, i) => {
    const claimed = (SEED.savings as Record<string, number>)[c.profile];
    if (claimed === undefined || c.paidFirst.length === 0) return [];
    const paidFirst = Object.entries(config.data.actions)
      .filter(([, x]) => config.data.tiers[x.tier]?.local === false)
      .map(([n]) => n);
    const profile = profiles.data.profiles[c.profile]!;
    const price = allModels(config)
      .filter((m) => !m.local && m.pricing)
      .at(-1)!.pricing!;
    const shareForClaim = paidShareForCap({ profile: c.profile, mix: profile.action_mix, tokens: profiles.data.assumptions.tokens, price, paidFirst }, claimed);
    return [
      {
        profile: c.profile,
        claimed,
        paidFirst: listing(c.paidFirst.map((p) => p.action)),
        share: c.paidFirst.reduce((t, p) => t + p.callShare, 0),
        capAtHalf: half![i]!.cap,
        cap: c.cap,
        capAtOneAndHalf: more![i]!.cap,
        shareForClaim,
      },
    ];
  });
}

/** Per tier, e2e p50/p95 of the bench run the simulations were fitted to, and whether those models are the seed's. */
function benchLatency(sims: readonly SimulationResults[]): MeasuredTierLatency[] | undefined {
  const ref = sims.find((s) => s.files.bench)?.files.bench;
  if (!ref || !existsSync(resolve(ref.path))) return undefined;
  const records = new RunFolder(dirname(resolve(ref.path))).records().filter((r) => !r.warmup && r.error === null);
  return [...new Set(records.map((r) => r.tier))].sort().map((tier) => {
    const mine = records.filter((r) => r.tier === tier);
    const e2e = summarize(mine.map((r) => r.e2e_ms));
    const providers = new Set(mine.map((r) => r.provider));
    const source = providers.has("embedded") || providers.has("scripted") ? "stand-in" : providers.has("replay") ? "replayed" : "measured";
    return { tier, p50: e2e.p50!, p95: e2e.p95!, n: e2e.n, source };
  });
}

export function seedClaimCells(rep: SeedReproduction, sims: readonly SimulationResults[], mix: readonly MixRow[] = []): Cell[] {
  const checks = checkSeedClaims(rep, sims);
  const n = (v: ClaimCheck["overall"]) => checks.filter((c) => c.overall === v).length;
  const first = sims[0];
  const cells: Cell[] = [
    md`
      The seed (\`${SEED.source}\`) states savings per profile, an average, a monthly bill, an API price,
      success metrics, tier speeds, local cost, a model count and its status. Each is checked twice where it can be.
      **Arithmetic**: the seed's figures are recomputed from one another and set against published prices and the
      assumed traffic mix (tierlab's own config is checked apart, at the end). **Simulation**: the light, medium and heavy profiles are
      simulated${first ? ` (${first.trials} trials, ${first.days} days, seed ${first.seed}${first.files.bench ? `, bench data from \`${first.files.bench.path}\` where it had answers (priors elsewhere)` : ", stated assumptions, no bench data"})` : ""}.
    `,
    md`
      - **inconsistent**: the seed contradicts itself (two of its own figures cannot both be true)
      - **fails**: an outside fact (a published price) contradicts it; **fails under the assumed mix**: the traffic mix we assume (config/usage-profiles.yaml) rules it out, and the cap that mix implies is stated
      - **implausible, assuming …**: it fails only under an assumption of ours, named in the verdict
      - **holds**: consistent with the arithmetic and the simulation; **uncertain**: the simulation gives it between 20 % and 80 %
      - **not checked**: nothing here can check it (its own verdict, not "uncertain")
      - Success metrics: ${LIKELIHOOD_RULE}
    `,
    headline({
      label: "Claims checked",
      value: `${checks.length}`,
      status: "info",
      explanation: `${n("holds")} hold, ${n("inconsistent")} inconsistent, ${n("fails")} fail, ${n("implausible")} implausible under a stated assumption, ${n("info")} uncertain, ${n("not_checked")} not checked; tierlab's config is reported apart, below`,
    }),
    table({
      caption: "Every claim",
      columns: [{ label: "Claim" }, { label: "Arithmetic" }, { label: "Simulation" }, { label: "Verdict" }],
      rows: checks.map((c) => [c.claim, c.arithmetic ? verdictText(c.arithmetic) : "—", c.simulation?.verdict ?? "—", c.verdict]),
    }),
  ];
  const section = (s: ClaimCheck["section"]) => checks.filter((c) => c.section === s).map(claimHeadline);
  cells.push(
    md`
## Savings
    `,
    ...section("savings"),
  );
  if (mix.length) {
    cells.push(
      table({
        caption: "The assumed mix caps savings: calls that start on the paid tier cost the same in both routings (sensitivity to their share)",
        columns: [
          { label: "Profile" },
          { label: "Paid-first actions" },
          { label: "Their share of calls", percent: true },
          { label: "Cap at half that share", percent: true },
          { label: "Cap as assumed", percent: true },
          { label: "Cap at 1.5× that share", percent: true },
          { label: "Claimed", percent: true },
          { label: "Share that would allow the claim", percent: true },
        ],
        rows: mix.map((m) => [m.profile, m.paidFirst, m.share, m.capAtHalf, m.cap, m.capAtOneAndHalf, m.claimed, m.shareForClaim]),
      }),
    );
  }
  const savingsRows = sims.flatMap((s) => {
    const w = s.month ?? s.horizon;
    const claim = (SEED.savings as Record<string, number>)[s.profile.name];
    return [
      { label: s.profile.name, group: "simulated (P50, P5–P95)", value: w.savings.p50, lower: w.savings.p5, upper: w.savings.p95 },
      ...(claim === undefined ? [] : [{ label: s.profile.name, group: "seed's claim", value: claim, lower: claim, upper: claim }]),
    ];
  });
  if (savingsRows.length) {
    cells.push(
      intervalChart({
        title: "Savings vs pure API: claimed and simulated",
        rows: savingsRows,
        valueLabel: "Savings over a month",
        unit: "%",
        labelTitle: "Profile",
        groupTitle: "Figure",
        dodge: true,
        target: { value: SEED.averageSavingsClaim, label: "claimed average 75 %" },
      }),
    );
  }
  cells.push(
    md`
## Cost and price
    `,
    ...section("cost"),
    ...section("price"),
  );
  cells.push(
    md`
## Success metrics after a week
    `,
    ...section("week"),
    md`
## Success metrics after a month
    `,
    ...section("month"),
  );
  cells.push(
    md`
## The seed's other claims
    `,
    ...section("other"),
  );
  const probs = sims.flatMap((s) =>
    [...(s.success_metrics.week?.metrics ?? []), ...(s.success_metrics.month?.metrics ?? [])]
      .filter((m) => m.probability !== null)
      .map((m) => ({ label: `${m.id.startsWith("week") ? "week" : "month"}: ${m.label} ${m.target}`, group: s.profile.name, value: m.probability! })),
  );
  if (probs.length)
    cells.push(
      barChart({
        title: "P(success metric holds) per profile",
        rows: probs,
        valueLabel: "Probability the metric holds",
        unit: "%",
        labelTitle: "Metric",
        groupTitle: "Profile",
        dodge: true,
      }),
    );
  cells.push(md`
## The seed's arithmetic, finding by finding
  `);
  cells.push(
    table({
      columns: [{ label: "Claim" }, { label: "Verdict" }, { label: "Arithmetic" }, { label: "Why" }],
      rows: rep.findings.map((f) => [f.claim, verdictText(f), f.arithmetic, f.detail]),
    }),
  );
  cells.push(
    md`
## tierlab's config against the seed
    `,
    md`
Findings about tierlab's own router config, not about the seed: where they fail, the config is what to change.
    `,
  );
  cells.push(
    table({
      columns: [{ label: "Config" }, { label: "Verdict" }, { label: "Arithmetic" }, { label: "Why" }],
      rows: rep.config_findings.map((f) => [f.claim, verdictText(f), f.arithmetic, f.detail]),
    }),
  );
  return cells;
}

function claimHeadline(c: ClaimCheck): Cell {
  const parts = [
    `Value: ${c.valueIs}.`,
    c.arithmetic ? `Seed arithmetic (${verdictText(c.arithmetic)}): ${c.arithmetic.text}` : "",
    c.simulation ? `Simulation (${c.simulation.verdict}): ${c.simulation.text}` : "",
  ].filter(Boolean);
  return headline({
    label: c.claim,
    value: c.value,
    ...(c.unit ? { unit: c.unit } : {}),
    ...(c.digits !== undefined ? { digits: c.digits } : {}),
    status: c.overall,
    target: `verdict: ${c.verdict}`,
    explanation: parts.length > 1 ? parts.join("\n") : `${parts[0]}\nNothing to check it against: the simulation has no figure for it.`,
  });
}

if (isMain(import.meta.url)) await runMain(seedClaimsScenario);
