/**
 * tierlab's router config measured against the seed: budgets and the threshold. These are findings
 * about the config, reported apart from the seed's claims, so a config that strays from the seed is
 * never blamed on the seed.
 */
import type { BudgetConfig } from "../router/config/schema.js";
import { SEED } from "./seed-figures.js";
import type { SeedFinding } from "./seed-verdict.js";
import { usd } from "../core/format.js";

const PERIOD_DAYS = { day: 1, week: 7, month: 30 } as const;

export function configFindings(args: { budgets: BudgetConfig[]; threshold: number; hybridPerDay: number }): SeedFinding[] {
  const out: SeedFinding[] = [];
  const global = args.budgets.filter((b) => b.scope === "global");
  const targets: { period: "week" | "month"; usd: number }[] = [
    { period: "week", usd: SEED.week.maxCostUsd },
    { period: "month", usd: SEED.month.maxCostUsd },
  ];
  for (const t of targets) {
    const b = global.find((x) => x.period === t.period);
    out.push({
      id: `config_budget_${t.period}`,
      claim: `Config budget per ${t.period} matches the seed's "cost < $${t.usd}/${t.period}"`,
      arithmetic: b ? `config: $${b.limit_usd} per ${t.period} (on_exceed: ${b.on_exceed})` : `config: no global ${t.period} budget`,
      verdict: b && b.limit_usd === t.usd ? "holds" : "fails",
      detail:
        b && b.limit_usd === t.usd
          ? "the config enforces the seed's target"
          : `set budgets: { scope: global, period: ${t.period}, limit_usd: ${t.usd} } to enforce the seed's target`,
    });
  }
  for (const b of global.filter((x) => !targets.some((t) => t.period === x.period))) {
    out.push({
      id: `config_budget_${b.period}`,
      claim: `Config budget $${b.limit_usd} per ${b.period}`,
      arithmetic: `the seed sets no ${b.period} target`,
      verdict: "fails",
      detail: `a ${b.period} limit the seed does not state; the seed's targets are $${SEED.week.maxCostUsd}/week and $${SEED.month.maxCostUsd}/month`,
    });
  }
  for (const b of global) {
    const spend = args.hybridPerDay * PERIOD_DAYS[b.period];
    out.push({
      id: `config_budget_${b.period}_at_seed_volume`,
      claim: `Config budget $${b.limit_usd} per ${b.period} at the seed's volume`,
      arithmetic: `the seed's hybrid spend per ${b.period} = ${usd(spend)} = ${(spend / b.limit_usd).toFixed(2)}× the limit`,
      verdict: spend > b.limit_usd ? "fails" : "holds",
      detail:
        spend > b.limit_usd
          ? `at the seed's 100 iterations/day every ${b.period} overruns; with on_exceed: ${b.on_exceed} the router ${b.on_exceed === "degrade" ? "serves the rest locally at lower quality" : "refuses paid calls"}`
          : "within the limit",
    });
  }
  out.push({
    id: "config_threshold",
    claim: `Config default threshold matches the seed's ${SEED.threshold}`,
    arithmetic: `config defaults.threshold = ${args.threshold}`,
    verdict: args.threshold === SEED.threshold ? "holds" : "fails",
    detail:
      args.threshold === SEED.threshold
        ? "calibrated thresholds (bench calibrate) replace it per action where measured"
        : `the seed's threshold is ${SEED.threshold}`,
  });
  return out;
}
