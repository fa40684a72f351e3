/**
 * What the seed's checks take from tierlab's own files: API prices, budgets and the default threshold
 * from the router config; calls per iteration, action mixes and token sizes from the usage profiles.
 * One builder, so `simulate --reproduce-seed` and the seed-claims report judge from the same inputs.
 */
import { allModels, type RouterConfig } from "../router/config/load.js";
import type { LoadedProfiles } from "./profiles.js";
import type { SeedArgs } from "./reproduce-seed.js";
import { savingsCap, type SavingsCap } from "./savings-cap.js";
import type { MeasuredTierLatency } from "./seed-audit.js";

/** The pure-API baseline is the last non-local tier's first model, as the simulator prices it. */
function baselinePrice(config: RouterConfig) {
  const paid = allModels(config).filter((m) => !m.local && m.pricing);
  const lastTier = paid[paid.length - 1]?.tier;
  return paid.find((m) => m.tier === lastTier)?.pricing;
}

export function profileCaps(config: RouterConfig, profiles: LoadedProfiles, paidShareScale = 1): SavingsCap[] {
  const price = baselinePrice(config);
  if (!price) return [];
  const paidFirst = Object.entries(config.data.actions)
    .filter(([, a]) => config.data.tiers[a.tier]?.local === false)
    .map(([name]) => name);
  return Object.entries(profiles.data.profiles).map(([name, p]) =>
    savingsCap({ profile: name, mix: p.action_mix, tokens: profiles.data.assumptions.tokens, price, paidFirst, paidShareScale }),
  );
}

export function seedArgsFromConfig(args: { config: RouterConfig; profiles: LoadedProfiles; measuredLatency?: MeasuredTierLatency[] }): SeedArgs {
  const { config, profiles } = args;
  const prices = allModels(config)
    .filter((m) => !m.local && m.pricing)
    .map((m) => ({
      model: m.priceAlias ? `${m.id} (priced as ${m.priceKey})` : m.id,
      input: m.pricing!.input_cost_per_token,
      output: m.pricing!.output_cost_per_token,
      maxInputTokens: m.pricing!.max_input_tokens,
    }));
  return {
    prices,
    budgets: config.data.budgets,
    callsPerIteration: profiles.data.profiles.medium?.calls_per_iteration ?? 8,
    caps: profileCaps(config, profiles),
    threshold: config.data.defaults.threshold,
    localCost: config.data.local_cost,
    ...(args.measuredLatency ? { measuredLatency: args.measuredLatency } : {}),
  };
}
