/**
 * config/usage-profiles.yaml: usage profiles (volume, calendar, action mix) and the simulator's stated
 * assumptions (token sizes, pass-rate priors), validated with zod and reported as file:line: field errors.
 */
import { resolve } from "node:path";
import { z } from "zod";
import { issuesToError, parseAndValidate, readTextFile, type SourceIssue } from "../core/validate-source.js";
import { ConfigError } from "../core/errors.js";

export const DEFAULT_PROFILES = "config/usage-profiles.yaml";
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const Share = z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");
const Positive = z.number().positive();

const WeekdayFactors = z.strictObject({
  mon: z.number().min(0),
  tue: z.number().min(0),
  wed: z.number().min(0),
  thu: z.number().min(0),
  fri: z.number().min(0),
  sat: z.number().min(0),
  sun: z.number().min(0),
});

export const ProfileSchema = z.strictObject({
  description: z.string().optional(),
  iterations_per_day: Positive,
  calls_per_iteration: Positive,
  /** Negative-binomial shape k: variance = mean + mean²/k. */
  dispersion: Positive,
  /** Relative growth of the daily mean per 30 days, compounding daily (0.1 = +10 %/month). */
  growth_per_month: z.number().gt(-1, "must be above -1 (−100 %)").default(0),
  weekday_factors: WeekdayFactors.optional(),
  action_mix: z.record(z.string(), Share),
  /**
   * Share of an action's calls whose caller can wait hours (summaries, tagging, nightly reports): with
   * the action `deferrable` in the router config, what its local tiers do not accept goes to the batch tier.
   */
  deferrable: z.record(z.string(), Share).optional(),
});
export type Profile = z.infer<typeof ProfileSchema>;

const LogNormalSpec = z.strictObject({ median: Positive, log_sd: z.number().min(0).max(3) });
export type LogNormalSpec = z.infer<typeof LogNormalSpec>;
const BetaPrior = z.strictObject({ mean: z.number().gt(0).lt(1, "must be below 1 (use 0.999)"), n: Positive });
export type BetaPrior = z.infer<typeof BetaPrior>;

const SuccessWeek = z.strictObject({
  max_cost_usd: z.number().min(0),
  min_savings: z.number().max(1),
  max_mean_latency_ms: Positive,
  min_pass_rate: Share,
  min_local_share: Share,
});
const SuccessMonth = z.strictObject({
  max_cost_usd: z.number().min(0),
  min_savings: z.number().max(1),
  no_budget_overrun: z.boolean(),
  min_mean_confidence: Share,
});

export const UsageProfilesSchema = z.strictObject({
  version: z.literal(1, { error: "must be 1 (the only usage-profiles version this tierlab reads)" }),
  calendar: z.strictObject({
    start_weekday: z.enum(WEEKDAYS).default("mon"),
    weekday_factors: WeekdayFactors,
  }),
  profiles: z.record(z.string(), ProfileSchema),
  assumptions: z.strictObject({
    tokens: z.record(z.string(), z.strictObject({ input: LogNormalSpec, output: LogNormalSpec })),
    pass_prior: z.strictObject({
      tiers: z.record(z.string(), BetaPrior),
      actions: z.record(z.string(), z.record(z.string(), BetaPrior)).default({}),
    }),
    /**
     * Prior probability that a paid (API) tier's answer is right, used only where no calibration count,
     * final-tier accuracy or graded bench answer gives one. Paid tiers only: a local tier's accuracy is
     * never assumed, it is measured or the quality metric is not computed.
     */
    api_accuracy_prior: z
      .strictObject({
        tiers: z.record(z.string(), BetaPrior).default({}),
        actions: z.record(z.string(), z.record(z.string(), BetaPrior)).default({}),
      })
      .default({ tiers: {}, actions: {} }),
    local_fixed_usd_per_day: z.number().min(0).default(0),
    /** How long a batch takes to come back (both APIs promise within 24 h; most finish far sooner): uniform between lo and hi. */
    batch_latency_hours: z.strictObject({ lo: z.number().min(0), hi: z.number().positive() }).default({ lo: 1, hi: 24 }),
  }),
  success_metrics: z.strictObject({ week: SuccessWeek, month: SuccessMonth }),
});
export type UsageProfiles = z.infer<typeof UsageProfilesSchema>;
export type SuccessMetricTargets = UsageProfiles["success_metrics"];

export interface LoadedProfiles {
  file: string;
  data: UsageProfiles;
  /** Line of a field, for cross-reference errors raised later (unknown action or tier names). */
  locate: (path: ReadonlyArray<PropertyKey>) => number | undefined;
}

const MIX_TOLERANCE = 1e-6;
const FACTOR_TOLERANCE = 0.01;

/** Reads and validates the profiles file; every problem names file, line and field. */
export function loadUsageProfiles(file: string = DEFAULT_PROFILES): LoadedProfiles {
  const abs = resolve(file);
  const { value, locate } = parseAndValidate({ text: readTextFile(abs, "usage profiles"), file, schema: UsageProfilesSchema });
  const issues: SourceIssue[] = [];
  const add = (path: PropertyKey[], message: string) => issues.push({ line: locate(path), field: path.join("."), message });
  checkFactors(value.calendar.weekday_factors, ["calendar", "weekday_factors"], add);
  for (const [name, p] of Object.entries(value.profiles)) {
    const sum = Object.values(p.action_mix).reduce((s, x) => s + x, 0);
    if (Math.abs(sum - 1) > MIX_TOLERANCE) add(["profiles", name, "action_mix"], `shares must sum to 1, they sum to ${round(sum)}`);
    if (p.weekday_factors) checkFactors(p.weekday_factors, ["profiles", name, "weekday_factors"], add);
  }
  if (issues.length > 0) throw issuesToError(file, issues.slice(0, 5), issues.length);
  return { file: abs, data: value, locate };
}

function checkFactors(f: z.infer<typeof WeekdayFactors>, at: PropertyKey[], add: (path: PropertyKey[], msg: string) => void): void {
  const mean = WEEKDAYS.reduce((s, d) => s + f[d], 0) / 7;
  if (Math.abs(mean - 1) > FACTOR_TOLERANCE) {
    add(at, `factors must average 1 so iterations_per_day stays the daily mean; they average ${round(mean)}`);
  }
}

/** The named profile, or a ConfigError listing the ones that exist. */
export function profileByName(profiles: LoadedProfiles, name: string): Profile {
  const p = profiles.data.profiles[name];
  if (!p) {
    throw new ConfigError({
      file: profiles.file,
      message: `no usage profile "${name}"; defined: ${Object.keys(profiles.data.profiles).join(", ")}`,
      fix: "pass --usage with one of those names or add the profile to the file",
    });
  }
  return p;
}

/** A ConfigError pointing at a field of the profiles file (used for cross-references checked against the router config). */
export function profileFieldError(profiles: LoadedProfiles, path: PropertyKey[], message: string, fix?: string): ConfigError {
  return new ConfigError({ file: profiles.file, line: profiles.locate(path), field: path.join("."), message, fix });
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
