/**
 * Sensitivity: a tornado table (each input moved by ±delta, or across its 90 % interval for pass rates)
 * and break-even points (where the P50 savings reach 0) found by regula falsi. Every run reuses the same
 * seed, so runs differ only by the input moved (common random numbers) and small effects are not noise.
 */
import type { CompiledSim } from "./compile.js";
import { basePerturbation, type Perturbation, type SimMode } from "./engine-common.js";
import type { SimInputs } from "./inputs.js";
import type { SimPool } from "./parallel.js";
import type { BreakEven, Sensitivity, SensitivityMetrics, TornadoRow } from "./results.js";
import { quantileSorted, sig, sorted, windowSeries } from "./summary.js";

export interface SensitivityArgs {
  pool: SimPool;
  compiled: CompiledSim;
  inputs: SimInputs;
  seed: number;
  trials: number;
  /** Relative move for the ± rows, e.g. 0.2. */
  delta: number;
  mode?: SimMode;
  /** Root-finding evaluations per break-even. */
  steps?: number;
}

type Evaluate = (p: Perturbation) => Promise<SensitivityMetrics>;

export async function runSensitivity(args: SensitivityArgs): Promise<Sensitivity> {
  const { compiled: c, inputs, delta } = args;
  const evaluate: Evaluate = async (p) => {
    const block = await args.pool.run({ mode: args.mode ?? "aggregated", seed: args.seed, trials: args.trials, perturbation: p });
    const w = windowSeries(block, c.days, 0, c.days);
    const h = sorted(w.hybrid);
    return {
      hybrid_p50_usd: sig(quantileSorted(h, 0.5)),
      hybrid_p95_usd: sig(quantileSorted(h, 0.95)),
      savings_p50: sig(quantileSorted(sorted(w.savings), 0.5)),
    };
  };
  const base = basePerturbation(c);
  const baseMetrics = await evaluate(base);
  const d = `${Math.round(delta * 100)} %`;
  const knobs: { input: string; description: string; set: (p: Perturbation, f: number) => void }[] = [
    { input: "volume", description: "requests per day", set: (p, f) => (p.volume = f) },
    { input: "dispersion", description: "negative-binomial shape k (day-to-day steadiness)", set: (p, f) => (p.dispersion = f) },
    { input: "input_tokens", description: "input tokens per call", set: (p, f) => (p.inputTokens = f) },
    { input: "output_tokens", description: "output tokens per call", set: (p, f) => (p.outputTokens = f) },
    { input: "api_input_price", description: "API $ per input token", set: (p, f) => (p.inputPrice = f) },
    { input: "api_output_price", description: "API $ per output token", set: (p, f) => (p.outputPrice = f) },
  ];
  if (c.usdPerBusySecond > 0 || c.fixedUsdPerDay > 0)
    knobs.push({ input: "local_cost", description: "amortised local $ (per busy second and fixed per day)", set: (p, f) => (p.localCost = f) });
  // All tornado runs and the break-even searches are independent: run them concurrently to keep every thread busy.
  const pending: Promise<TornadoRow>[] = knobs.map(async (k) => {
    const lo = { ...base, passScale: [...base.passScale] },
      hi = { ...base, passScale: [...base.passScale] };
    k.set(lo, 1 - delta);
    k.set(hi, 1 + delta);
    const [l, h] = await Promise.all([evaluate(lo), evaluate(hi)]);
    return row(k.input, k.description, `−${d}`, `+${d}`, l, h);
  });
  inputs.tiers.forEach((tier, ti) => {
    const cells = cellsOfTier(c, ti);
    if (cells.length === 0 || tier.name === inputs.baselineTier) return;
    const lo = { ...base, passFixed: intervalEnds(c, cells, -1) },
      hi = { ...base, passFixed: intervalEnds(c, cells, 1) };
    pending.push(
      Promise.all([evaluate(lo), evaluate(hi)]).then(([l, h]) =>
        row(
          `pass_rate_${tier.name}`,
          `P(the cell keeps its answer: self-check or scorer) on ${tier.name}, every action`,
          "90 % interval low",
          "90 % interval high",
          l,
          h,
        ),
      ),
    );
  });
  const [rows, breakEven] = await Promise.all([Promise.all(pending), breakEvens({ ...args, evaluate, base, baseSavings: baseMetrics.savings_p50 })]);
  rows.sort((a, b) => b.swing_usd - a.swing_usd || a.input.localeCompare(b.input));
  return { trials: args.trials, delta, base: baseMetrics, tornado: rows, break_even: breakEven };
}

function row(input: string, description: string, lowLabel: string, highLabel: string, low: SensitivityMetrics, high: SensitivityMetrics): TornadoRow {
  return { input, description, low_label: lowLabel, high_label: highLabel, low, high, swing_usd: sig(Math.abs(high.hybrid_p50_usd - low.hybrid_p50_usd)) };
}

function cellsOfTier(c: CompiledSim, tier: number): number[] {
  const out: number[] = [];
  for (let a = 0; a < c.nActions; a++)
    for (let pos = 0; pos < c.chainLen[a]!; pos++) if (c.chainTier[a * c.maxChain + pos] === tier) out.push(a * c.maxChain + pos);
  return out;
}

/** Beta mean ∓ 1.645 sd (normal approximation of the 90 % interval) for the given cells, NaN (= draw) elsewhere. */
function intervalEnds(c: CompiledSim, cells: number[], side: -1 | 1): number[] {
  const fixed = new Array<number>(c.nActions * c.maxChain).fill(NaN);
  for (const k of cells) {
    const a = c.passAlpha[k]!,
      b = c.passBeta[k]!;
    const mean = a / (a + b);
    const sd = Math.sqrt((a * b) / ((a + b) * (a + b) * (a + b + 1)));
    fixed[k] = Math.min(1, Math.max(0, mean + side * 1.645 * sd));
  }
  return fixed;
}

/**
 * Root of savings(x) = 0 in [lo, hi] (savings(lo) ≤ 0 < savings(hi)) by the Illinois variant of regula falsi.
 * With `times_x` the search runs on x·savings(x), which is nearly linear when a cost that does not scale
 * with x (local cost vs the API price, a fixed cost vs volume) makes savings fall like −c/x.
 * Stops when |savings| < 0.001 or after `steps` evaluations.
 */
async function findRoot(args: {
  f: (x: number) => Promise<number>;
  lo: number;
  hi: number;
  fLo: number;
  fHi: number;
  steps: number;
  timesX: boolean;
}): Promise<number> {
  const { f, lo, hi, steps, timesX } = args;
  const w = (x: number, v: number) => (timesX ? x * v : v);
  let a = lo,
    b = hi,
    fa = w(lo, args.fLo),
    fb = w(hi, args.fHi),
    side = 0,
    x = (a + b) / 2;
  for (let i = 0; i < steps; i++) {
    x = fb - fa !== 0 ? (a * fb - b * fa) / (fb - fa) : (a + b) / 2;
    const sx = await f(x);
    if (Math.abs(sx) < 0.001) return x;
    const fx = w(x, sx);
    if (sx > 0) {
      b = x;
      fb = fx;
      if (side === 1) fa /= 2;
      side = 1;
    } else {
      a = x;
      fa = fx;
      if (side === -1) fb /= 2;
      side = -1;
    }
  }
  return x;
}

async function breakEvens(args: SensitivityArgs & { evaluate: Evaluate; base: Perturbation; baseSavings: number }): Promise<BreakEven[]> {
  const { compiled: c, inputs, evaluate, base } = args;
  const steps = args.steps ?? 8;
  const savingsAt = async (set: (p: Perturbation) => void) => {
    const p = { ...base, passScale: [...base.passScale] };
    set(p);
    return (await evaluate(p)).savings_p50;
  };
  const D = {
    pass: {
      input: "local_pass_rate",
      description: "scale on every local tier's pass rate",
      unit: "mean local pass rate (share-weighted, first local attempt)",
    },
    price: { input: "api_price", description: "scale on the API's input and output prices", unit: "$ per 1M input tokens" },
    volume: { input: "volume", description: "scale on requests per day", unit: "requests per day" },
  };
  if (args.baseSavings <= 0) {
    const note = "the hybrid does not save money at today's inputs (P50 savings ≤ 0)";
    return [D.pass, D.price, D.volume].map((d) => ({ ...d, factor: null, value: null, note }));
  }
  const localTiers = inputs.tiers.map((t, i) => (t.local ? i : -1)).filter((i) => i >= 0);
  const setLocal = (f: number) => (p: Perturbation) => {
    for (const t of localTiers) p.passScale[t] = f;
  };
  const setPrice = (f: number) => (p: Perturbation) => {
    p.inputPrice = f;
    p.outputPrice = f;
  };
  const meanLocalPass = weightedLocalPass(c, inputs);
  const baseline = inputs.tiers.find((t) => t.name === inputs.baselineTier)!.price!;
  const perDay = inputs.dayMean.reduce((s, x) => s + x, 0) / inputs.dayMean.length;
  const localCosts = c.usdPerBusySecond > 0 || c.fixedUsdPerDay > 0;
  const lo = 1e-4;

  // Local pass rates: at 0 everything escalates and the hybrid pays the API price plus any local cost.
  const passRate = async (): Promise<BreakEven> => {
    const d = D.pass;
    if (!localCosts)
      return {
        ...d,
        factor: 0,
        value: 0,
        note: "with free local calls the hybrid never costs more than pure API: savings reach 0 only when every local answer fails",
      };
    const atZero = await savingsAt(setLocal(0));
    const f = await findRoot({ f: (x) => savingsAt(setLocal(x)), lo: 0, hi: 1, fLo: atZero, fHi: args.baseSavings, steps, timesX: false });
    return { ...d, factor: sig(f), value: sig(f * meanLocalPass), note: `today's mean local pass rate is ${sig(meanLocalPass)}` };
  };
  // API price: savings fall with the price only when local calls cost something.
  const price = async (): Promise<BreakEven> => {
    const d = D.price;
    if (!localCosts) return { ...d, factor: null, value: null, note: "none: with free local calls savings do not depend on the API price" };
    const atLo = await savingsAt(setPrice(lo));
    if (atLo > 0) return { ...d, factor: null, value: null, note: `none above ${lo}× today's price` };
    const f = await findRoot({ f: (x) => savingsAt(setPrice(x)), lo, hi: 1, fLo: atLo, fHi: args.baseSavings, steps, timesX: true });
    return {
      ...d,
      factor: sig(f),
      value: sig(f * baseline.input_cost_per_token * 1e6),
      note: `output at ${sig(f * baseline.output_cost_per_token * 1e6)} $ per 1M tokens`,
    };
  };
  // Volume: only a fixed local cost makes low volume unprofitable.
  const volume = async (): Promise<BreakEven> => {
    const d = D.volume;
    if (c.fixedUsdPerDay <= 0)
      return { ...d, factor: null, value: null, note: "none: without a fixed local cost every cost scales with volume, so savings do not depend on it" };
    const atLo = await savingsAt((p) => (p.volume = lo));
    if (atLo > 0) return { ...d, factor: null, value: null, note: `none above ${lo}× today's volume` };
    const f = await findRoot({ f: (x) => savingsAt((p) => (p.volume = x)), lo, hi: 1, fLo: atLo, fHi: args.baseSavings, steps, timesX: true });
    return { ...d, factor: sig(f), value: sig(f * perDay), note: `today: ${sig(perDay)} requests per day` };
  };
  return Promise.all([passRate(), price(), volume()]);
}

/** Share-weighted pass probability of each action's first local attempt (Beta means). */
function weightedLocalPass(c: CompiledSim, inputs: SimInputs): number {
  let num = 0,
    den = 0;
  inputs.actions.forEach((a, ai) => {
    const k = ai * c.maxChain;
    if (c.tierLocal[c.chainTier[k]!] !== 1) return;
    num += a.share * (c.passAlpha[k]! / (c.passAlpha[k]! + c.passBeta[k]!));
    den += a.share;
  });
  return den > 0 ? num / den : 0;
}
