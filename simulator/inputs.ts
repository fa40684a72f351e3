/**
 * The simulation's inputs as explicit distributions, each with its source: bench measurements when
 * `--from-bench` gives them, else the stated assumptions of config/usage-profiles.yaml and the router
 * config's latency ranges. Everything a results file needs to say "what went in" is here.
 */
import { modelsOfTier, type RouterConfig } from "../router/config/load.js";
import type { ModelPrice } from "../router/config/prices.js";
import { localUsdPerSecond } from "../router/config/prices.js";
import type { BudgetConfig } from "../router/config/schema.js";
import { ConfigError } from "../router/errors.js";
import type { ThresholdChoice } from "../router/policy/escalation.js";
import { cellKey, fitLogNormal, MIN_BENCH_SAMPLES, type BenchFit } from "./bench-fit.js";
import { chainsOf } from "./decision-table.js";
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

export interface CellInput {
  tier: string;
  threshold: ThresholdChoice;
  /** Beta(alpha, beta) over P(quality check passes); bench: Beta(passes+1, fails+1). */
  pass: { alpha: number; beta: number; source: Source; passes?: number; fails?: number };
  latency: LatencyInput;
  /** Mean confidence of passing / failing answers (bench only; null = unknown). */
  confidence: { pass: number | null; fail: number | null };
}

export interface ActionInput {
  name: string;
  share: number;
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
    return { name, local: t.local, model: first.id, price: t.local ? null : first.pricing ?? null };
  });
  const paid = tiers.filter((t) => !t.local);
  const baseline = paid[paid.length - 1];
  if (!baseline) throw new ConfigError({ file: config.file, field: "tiers", message: "no non-local tier: the pure-API baseline needs one", fix: "add a tier with `local: false`" });

  const assumptions = profiles.data.assumptions;
  for (const tier of Object.keys(assumptions.pass_prior.tiers)) {
    if (tier !== "*" && !config.data.tiers[tier]) throw profileFieldError(profiles, ["assumptions", "pass_prior", "tiers", tier], `unknown tier "${tier}"; the router config defines ${tiers.map((t) => t.name).join(", ")}`);
  }
  const names = Object.keys(profile.action_mix).filter((a) => profile.action_mix[a]! > 0);
  for (const a of names) {
    if (!config.data.actions[a]) throw profileFieldError(profiles, ["profiles", args.profile, "action_mix", a], `unknown action "${a}"; the router config defines ${Object.keys(config.data.actions).join(", ")}`);
  }
  const chains = chainsOf(config, names);
  const actions = names.map((name, i): ActionInput => {
    const cells = chains[i]!.map((c): CellInput => ({
      tier: c.tier,
      threshold: c.threshold,
      pass: passInput(profiles, bench, name, c.tier),
      latency: latencyInput(config, bench, name, c.tier),
      confidence: confidenceInput(bench, name, c.tier),
    }));
    return { name, share: profile.action_mix[name]!, cells, tokens: tokenInputs(profiles, bench, name, args.profile) };
  });

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
  if (!bench) notes.push("no bench data: pass rates are Beta priors, token sizes and latencies are assumptions (config/usage-profiles.yaml, latency_ms ranges); thresholds and calibration act only through bench confidences");
  else {
    notes.push(`bench ${bench.file}: ${bench.records} records, ${bench.warmupSkipped} warm-up records skipped; pass recomputed as confidence >= thresholdFor(action, tier)`);
    const modelled = [...bench.tierModelled.values()].reduce((s, n) => s + n, 0);
    if (modelled > 0) notes.push(`${modelled} bench latencies are MODELLED from the replay config's hardware profile (replayed answers), not measured; latency sources say bench_modelled`);
    const priorCells = actions.flatMap((a) => a.cells.filter((c) => c.pass.source !== "bench").map((c) => `${a.name}@${c.tier}`));
    if (priorCells.length > 0) notes.push(`no bench answers for ${priorCells.join(", ")}: their pass rates stay Beta priors`);
    const tokenPriors = actions.filter((a) => a.tokens.input.source !== "bench" || a.tokens.output.source !== "bench").map((a) => a.name);
    if (tokenPriors.length > 0) notes.push(`fewer than ${MIN_BENCH_SAMPLES} bench token counts for ${tokenPriors.join(", ")}: token sizes stay assumptions`);
  }
  const skipped = config.data.budgets.filter((b) => b.scope !== "global");
  if (skipped.length > 0) notes.push(`${skipped.length} non-global budget(s) are not simulated (only global budgets are)`);
  return {
    profileName: args.profile, profile, days: args.days, dayMean, weekdays, dispersion: profile.dispersion, tiers,
    baselineTier: baseline.name, actions, localUsdPerSecond: localUsdPerSecond(config.data.local_cost),
    localFixedUsdPerDay: assumptions.local_fixed_usd_per_day, budgets: config.data.budgets, notes,
  };
}

function passInput(profiles: LoadedProfiles, bench: BenchFit | undefined, action: string, tier: string): CellInput["pass"] {
  const cell = bench?.cells.get(cellKey(action, tier));
  if (cell && cell.passes + cell.fails > 0) return { alpha: cell.passes + 1, beta: cell.fails + 1, source: "bench", passes: cell.passes, fails: cell.fails };
  const pp = profiles.data.assumptions.pass_prior;
  const prior: BetaPrior | undefined = pp.actions[action]?.[tier] ?? pp.actions[action]?.["*"] ?? pp.tiers[tier] ?? pp.tiers["*"];
  if (!prior) throw profileFieldError(profiles, ["assumptions", "pass_prior", "tiers"], `no pass-rate prior for tier "${tier}" (action ${action})`, `add ${tier}: { mean: ..., n: ... } (or "*") under pass_prior.tiers`);
  return { alpha: prior.mean * prior.n, beta: (1 - prior.mean) * prior.n, source: "assumption" };
}

function latencyInput(config: RouterConfig, bench: BenchFit | undefined, action: string, tier: string): LatencyInput {
  const cell = bench?.cells.get(cellKey(action, tier));
  const own = cell?.e2eMs;
  if (own && own.length >= MIN_BENCH_SAMPLES) return { kind: "empirical", samples: [...own].sort((a, b) => a - b), source: cell!.modelled > 0 ? "bench_modelled" : "bench" };
  const pooled = bench?.tierE2eMs.get(tier);
  if (pooled && pooled.length >= MIN_BENCH_SAMPLES) return { kind: "empirical", samples: [...pooled].sort((a, b) => a - b), source: (bench!.tierModelled.get(tier) ?? 0) > 0 ? "bench_tier_modelled" : "bench_tier" };
  const range = config.data.tiers[tier]?.latency_ms;
  if (!range) throw new ConfigError({ file: config.file, field: `tiers.${tier}.latency_ms`, message: `tier ${tier} has no latency_ms range and the bench gave no latencies for it`, fix: "add `latency_ms: [lo, hi]` to the tier or pass --from-bench" });
  return { kind: "uniform", lo: Math.min(range[0], range[1]), hi: Math.max(range[0], range[1]), source: "config" };
}

/**
 * Mean confidence of passing and failing answers: the cell's own, else its tier's pooled over actions.
 * Never another tier's: a paid tier's confidence is not a local model's, so with no bench of it the
 * figure is unknown (null) and the simulation leaves the confidence metric uncomputed.
 */
function confidenceInput(bench: BenchFit | undefined, action: string, tier: string): CellInput["confidence"] {
  if (!bench) return { pass: null, fail: null };
  const cell = bench.cells.get(cellKey(action, tier));
  let ps = 0, pn = 0, fs = 0, fn = 0;
  for (const [key, c] of bench.cells) {
    if (!key.endsWith(cellKey("", tier))) continue;
    ps += c.confPassSum; pn += c.confPassN; fs += c.confFailSum; fn += c.confFailN;
  }
  const pass = cell && cell.confPassN > 0 ? cell.confPassSum / cell.confPassN : pn > 0 ? ps / pn : null;
  const fail = cell && cell.confFailN > 0 ? cell.confFailSum / cell.confFailN : fn > 0 ? fs / fn : null;
  return { pass, fail };
}

function tokenInputs(profiles: LoadedProfiles, bench: BenchFit | undefined, action: string, profile: string): ActionInput["tokens"] {
  const prior = profiles.data.assumptions.tokens[action];
  const fitIn = fitLogNormal(bench?.logInputTokens.get(action));
  const fitOut = fitLogNormal(bench?.logOutputTokens.get(action));
  const pick = (fit: ReturnType<typeof fitLogNormal>, spec: LogNormalSpec | undefined): TokenInput => {
    if (fit) return { ...fit, source: "bench" };
    if (!spec) throw profileFieldError(profiles, ["profiles", profile, "action_mix", action], `no token-size assumption for action "${action}" and no bench tokens`, `add ${action}: { input: {median, log_sd}, output: {median, log_sd} } under assumptions.tokens`);
    return { ...spec, source: "assumption" };
  };
  return { input: pick(fitIn, prior?.input), output: pick(fitOut, prior?.output) };
}
