/**
 * The simulation's inputs as explicit distributions, each with its source: bench measurements when
 * `--from-bench` gives them, a version 2 calibration's policy counts where it has a policy for the action,
 * else the stated assumptions of config/usage-profiles.yaml and the router config's latency ranges.
 * Everything a results file needs to say "what went in" is here.
 */
import type { Evidence } from "../router/config/calibration.js";
import { modelsOfTier, type RouterConfig } from "../router/config/load.js";
import type { ModelPrice } from "../router/config/prices.js";
import { localUsdPerSecond } from "../router/config/prices.js";
import type { BudgetConfig } from "../router/config/schema.js";
import { ConfigError } from "../core/errors.js";
import type { ThresholdChoice } from "../router/policy/escalation.js";
import { cellKey, fitLogNormal, MIN_BENCH_SAMPLES, type BenchFit } from "./bench-fit.js";
import { correctInput, missingCorrectness, type CorrectInput } from "./correctness-inputs.js";
import { planActions, type CellBasis, type PlannedCell } from "./policy-cells.js";
import { profileByName, profileFieldError, WEEKDAYS, type BetaPrior, type LoadedProfiles, type LogNormalSpec, type Profile } from "./profiles.js";

/** `bench_modelled` / `bench_tier_modelled`: bench latencies that a replay modelled from a hardware profile. */
export type Source = "bench" | "bench_tier" | "bench_modelled" | "bench_tier_modelled" | "assumption" | "config";

export interface TokenInput extends LogNormalSpec {
  source: Source;
  n?: number;
}

export type LatencyInput =
  | { kind: "uniform"; lo: number; hi: number; source: "config" }
  | { kind: "empirical"; samples: number[]; source: "bench" | "bench_tier" | "bench_modelled" | "bench_tier_modelled" };

/**
 * Where P(the cell keeps its answer) comes from: bench self-check passes, the profiles file's prior, a
 * calibrated policy's accept counts, or `last_cell` (a calibrated policy's last cell keeps every answer).
 */
export type PassSource = "bench" | "assumption" | "calibration" | "last_cell";

export interface CellInput {
  /** A tier name, or "consensus". */
  cell: string;
  tier: string;
  /** Model calls the cell makes (consensus: 2 local calls in parallel: busy time adds up, latency is the slower). */
  calls: number;
  basis: CellBasis;
  /** null on the last cell of a calibrated policy, which keeps every answer. */
  threshold: ThresholdChoice | null;
  /** Beta(alpha, beta) over P(the cell keeps its answer | reached); beta 0 = always. Bench: Beta(passes+1, fails+1). */
  pass: { alpha: number; beta: number; source: PassSource; passes?: number; fails?: number };
  correct: CorrectInput;
  latency: LatencyInput;
}

export interface ActionInput {
  name: string;
  share: number;
  /** The calibrated policy walked (kind and evidence), or null for the config's chain. */
  policy: { kind: "cascade" | "consensus" | "api_first"; evidence: Evidence } | null;
  cells: CellInput[];
  tokens: { input: TokenInput; output: TokenInput };
}

export interface TierInput {
  name: string;
  local: boolean;
  /** The tier's first model (the one the router tries first) and its price-table entry; null for local tiers. */
  model: string;
  price: ModelPrice | null;
}

export interface SimInputs {
  profileName: string;
  profile: Profile;
  days: number;
  /** Mean requests per day for each simulated day (weekday factor and growth applied). */
  dayMean: number[];
  weekdays: string[];
  dispersion: number;
  tiers: TierInput[];
  /** The tier a pure-API deployment would send every request to: the last non-local tier. */
  baselineTier: string;
  actions: ActionInput[];
  /** Return states with no correctness evidence (action@cell); empty = the quality metric is computed. */
  missingCorrectness: string[];
  localUsdPerSecond: number;
  localFixedUsdPerDay: number;
  budgets: BudgetConfig[];
  notes: string[];
}

export function buildInputs(args: { config: RouterConfig; profiles: LoadedProfiles; profile: string; days: number; bench?: BenchFit }): SimInputs {
  const { config, profiles, bench } = args;
  if (!Number.isInteger(args.days) || args.days < 1) throw new ConfigError({ message: `--days must be a positive integer, got ${args.days}` });
  const profile = profileByName(profiles, args.profile);
  const notes: string[] = [];
  const tiers = Object.entries(config.data.tiers).map(([name, t]): TierInput => {
    const first = modelsOfTier(config, name)[0]!;
    return { name, local: t.local, model: first.id, price: t.local ? null : (first.pricing ?? null) };
  });
  const paid = tiers.filter((t) => !t.local);
  const baseline = paid[paid.length - 1];
  if (!baseline)
    throw new ConfigError({
      file: config.file,
      field: "tiers",
      message: "no non-local tier: the pure-API baseline needs one",
      fix: "add a tier with `local: false`",
    });

  const assumptions = profiles.data.assumptions;
  for (const tier of Object.keys(assumptions.pass_prior.tiers)) {
    if (tier !== "*" && !config.data.tiers[tier])
      throw profileFieldError(
        profiles,
        ["assumptions", "pass_prior", "tiers", tier],
        `unknown tier "${tier}"; the router config defines ${tiers.map((t) => t.name).join(", ")}`,
      );
  }
  for (const tier of Object.keys(assumptions.api_accuracy_prior.tiers)) {
    const t = config.data.tiers[tier];
    if (tier !== "*" && (!t || t.local))
      throw profileFieldError(
        profiles,
        ["assumptions", "api_accuracy_prior", "tiers", tier],
        t
          ? `tier "${tier}" is local: local accuracy is measured, never assumed`
          : `unknown tier "${tier}"; the router config defines ${tiers.map((t) => t.name).join(", ")}`,
        "name paid tiers only",
      );
  }
  const names = Object.keys(profile.action_mix).filter((a) => profile.action_mix[a]! > 0);
  for (const a of names) {
    if (!config.data.actions[a])
      throw profileFieldError(
        profiles,
        ["profiles", args.profile, "action_mix", a],
        `unknown action "${a}"; the router config defines ${Object.keys(config.data.actions).join(", ")}`,
      );
  }
  const plans = planActions(config, names);
  const actions = plans.map((plan): ActionInput => {
    const name = plan.action;
    const evidence = plan.policy?.evidence ?? null;
    const cells = plan.cells.map((c, pos): CellInput => ({
      cell: c.cell,
      tier: c.tier,
      calls: c.calls,
      basis: c.basis,
      threshold: c.threshold,
      pass: passInput(profiles, bench, name, c),
      correct: correctInput({ config, profiles, bench, action: name, cell: c, evidence, last: pos === plan.cells.length - 1 }),
      latency: latencyInput(config, bench, name, c.tier),
    }));
    const policy = plan.policy ? { kind: plan.policy.kind, evidence: plan.policy.evidence } : null;
    return { name, share: profile.action_mix[name]!, policy, cells, tokens: tokenInputs(profiles, bench, name, args.profile) };
  });
  const missing = missingCorrectness(actions);

  const factors = profile.weekday_factors ?? profiles.data.calendar.weekday_factors;
  const start = WEEKDAYS.indexOf(profiles.data.calendar.start_weekday);
  const base = profile.iterations_per_day * profile.calls_per_iteration;
  const weekdays: string[] = [];
  const dayMean: number[] = [];
  for (let d = 0; d < args.days; d++) {
    const wd = WEEKDAYS[(start + d) % 7]!;
    weekdays.push(wd);
    dayMean.push(base * factors[wd] * Math.pow(1 + profile.growth_per_month, d / 30));
  }
  notes.push(...policyNotes(actions, missing));
  if (!bench)
    notes.push(
      "no bench data: pass rates outside calibrated policies are Beta priors, token sizes and latencies are assumptions (config/usage-profiles.yaml, latency_ms ranges); self-check thresholds act only through bench confidences",
    );
  else {
    notes.push(
      `bench ${bench.file}: ${bench.records} records, ${bench.warmupSkipped} warm-up records skipped; pass recomputed as confidence >= thresholdFor(action, tier)`,
    );
    const modelled = [...bench.tierModelled.values()].reduce((s, n) => s + n, 0);
    if (modelled > 0)
      notes.push(
        `${modelled} bench latencies are MODELLED from the replay config's hardware profile (replayed answers), not measured; latency sources say bench_modelled`,
      );
    const priorCells = actions.flatMap((a) => a.cells.filter((c) => c.pass.source === "assumption").map((c) => `${a.name}@${c.tier}`));
    if (priorCells.length > 0) notes.push(`no bench answers for ${priorCells.join(", ")}: their pass rates stay Beta priors`);
    const tokenPriors = actions.filter((a) => a.tokens.input.source !== "bench" || a.tokens.output.source !== "bench").map((a) => a.name);
    if (tokenPriors.length > 0) notes.push(`fewer than ${MIN_BENCH_SAMPLES} bench token counts for ${tokenPriors.join(", ")}: token sizes stay assumptions`);
  }
  const skipped = config.data.budgets.filter((b) => b.scope !== "global");
  if (skipped.length > 0) notes.push(`${skipped.length} non-global budget(s) are not simulated (only global budgets are)`);
  return {
    profileName: args.profile,
    profile,
    days: args.days,
    dayMean,
    weekdays,
    dispersion: profile.dispersion,
    tiers,
    baselineTier: baseline.name,
    actions,
    missingCorrectness: missing,
    localUsdPerSecond: localUsdPerSecond(config.data.local_cost),
    localFixedUsdPerDay: assumptions.local_fixed_usd_per_day,
    budgets: config.data.budgets,
    notes,
  };
}

function passInput(profiles: LoadedProfiles, bench: BenchFit | undefined, action: string, planned: PlannedCell): CellInput["pass"] {
  if (planned.counts) {
    if (planned.threshold === null) return { alpha: 1, beta: 0, source: "last_cell" };
    const a = planned.counts.accept;
    return { alpha: a.k + 1, beta: a.n - a.k + 1, source: "calibration", passes: a.k, fails: a.n - a.k };
  }
  const tier = planned.tier;
  const cell = bench?.cells.get(cellKey(action, tier));
  if (cell && cell.passes + cell.fails > 0) return { alpha: cell.passes + 1, beta: cell.fails + 1, source: "bench", passes: cell.passes, fails: cell.fails };
  const pp = profiles.data.assumptions.pass_prior;
  const prior: BetaPrior | undefined = pp.actions[action]?.[tier] ?? pp.actions[action]?.["*"] ?? pp.tiers[tier] ?? pp.tiers["*"];
  if (!prior)
    throw profileFieldError(
      profiles,
      ["assumptions", "pass_prior", "tiers"],
      `no pass-rate prior for tier "${tier}" (action ${action})`,
      `add ${tier}: { mean: ..., n: ... } (or "*") under pass_prior.tiers`,
    );
  return { alpha: prior.mean * prior.n, beta: (1 - prior.mean) * prior.n, source: "assumption" };
}

function latencyInput(config: RouterConfig, bench: BenchFit | undefined, action: string, tier: string): LatencyInput {
  const cell = bench?.cells.get(cellKey(action, tier));
  const own = cell?.e2eMs;
  if (own && own.length >= MIN_BENCH_SAMPLES)
    return { kind: "empirical", samples: [...own].sort((a, b) => a - b), source: cell!.modelled > 0 ? "bench_modelled" : "bench" };
  const pooled = bench?.tierE2eMs.get(tier);
  if (pooled && pooled.length >= MIN_BENCH_SAMPLES)
    return {
      kind: "empirical",
      samples: [...pooled].sort((a, b) => a - b),
      source: (bench!.tierModelled.get(tier) ?? 0) > 0 ? "bench_tier_modelled" : "bench_tier",
    };
  const range = config.data.tiers[tier]?.latency_ms;
  if (!range)
    throw new ConfigError({
      file: config.file,
      field: `tiers.${tier}.latency_ms`,
      message: `tier ${tier} has no latency_ms range and the bench gave no latencies for it`,
      fix: "add `latency_ms: [lo, hi]` to the tier or pass --from-bench",
    });
  return { kind: "uniform", lo: Math.min(range[0], range[1]), hi: Math.max(range[0], range[1]), source: "config" };
}

function tokenInputs(profiles: LoadedProfiles, bench: BenchFit | undefined, action: string, profile: string): ActionInput["tokens"] {
  const prior = profiles.data.assumptions.tokens[action];
  const fitIn = fitLogNormal(bench?.logInputTokens.get(action));
  const fitOut = fitLogNormal(bench?.logOutputTokens.get(action));
  const pick = (fit: ReturnType<typeof fitLogNormal>, spec: LogNormalSpec | undefined): TokenInput => {
    if (fit) return { ...fit, source: "bench" };
    if (!spec)
      throw profileFieldError(
        profiles,
        ["profiles", profile, "action_mix", action],
        `no token-size assumption for action "${action}" and no bench tokens`,
        `add ${action}: { input: {median, log_sd}, output: {median, log_sd} } under assumptions.tokens`,
      );
    return { ...spec, source: "assumption" };
  };
  return { input: pick(fitIn, prior?.input), output: pick(fitOut, prior?.output) };
}

/** What the quality metric and the walk rest on, in words: calibrated policies, priors, what is missing. */
function policyNotes(actions: readonly ActionInput[], missing: readonly string[]): string[] {
  const notes: string[] = [];
  const calibrated = actions.filter((a) => a.policy);
  if (calibrated.length)
    notes.push(
      `calibrated policies walked (calibration v2, recommended per action): ${calibrated.map((a) => `${a.name}: ${a.policy!.kind} on ${a.policy!.evidence} answers (cells ${a.cells.map((c) => (c.calls > 1 ? `${c.cell} ×${c.calls} calls` : c.cell)).join(" → ")})`).join("; ")}`,
    );
  const priors = actions.flatMap((a) => a.cells.filter((c) => c.correct.ifPass?.source === "prior").map((c) => `${a.name}@${c.tier}`));
  if (priors.length)
    notes.push(`answers right: the API accuracy of ${priors.join(", ")} is a PRIOR (api_accuracy_prior in the profiles file), not a measurement`);
  if (missing.length)
    notes.push(
      `answers right (quality) is not computed: no correctness evidence for ${missing.join(", ")} (give --from-bench a graded run, or a version 2 calibration with a policy for the action)`,
    );
  return notes;
}
