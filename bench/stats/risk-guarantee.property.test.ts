/**
 * The Learn-then-Test guarantee, checked by simulation: over many independent draws of a fit split,
 * the threshold riskControlThreshold chooses keeps the *true* error among kept answers ≤ α in at least
 * 1 − δ of draws. Scores are s = u^c (u uniform), so for a threshold t the true error has a closed form:
 * with right ~ Bernoulli(s^γ),
 *   P(s ≥ t) = 1 − t^(1/c),  E[s^γ; s ≥ t] = ∫_{t^(1/c)}^1 u^(cγ) du = (1 − t^((cγ+1)/c)) / (cγ + 1),
 *   trueError(t) = 1 − E[s^γ; s ≥ t] / P(s ≥ t).
 * γ = 1 is a calibrated scorer; γ = 1.5 an over-confident one (LTT needs no calibration).
 *
 * Failures over D draws are Binomial(D, q) with q ≤ δ if the guarantee holds; the test allows up to the
 * count a Binomial(D, δ) exceeds with probability < 1e-6, so it does not flake, and the plug-in rule
 * below shows that a rule without the guarantee does exceed it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../../core/rng.js";
import type { ScoredOutcome } from "./calibration-metrics.js";
import { riskCoverageCurve } from "./calibration-metrics.js";
import { binomialCdf } from "./proportion.js";
import { riskControlThreshold } from "./thresholds.js";

interface World {
  c: number;
  gamma: number;
}

function draw(world: World, n: number, rng: Rng): ScoredOutcome[] {
  return Array.from({ length: n }, () => {
    const s = Math.pow(rng.next(), world.c);
    return { score: s, correct: rng.next() < Math.pow(s, world.gamma) };
  });
}

function trueError(world: World, t: number): number {
  const { c, gamma } = world;
  const mass = 1 - Math.pow(t, 1 / c);
  if (mass <= 0) return 0;
  return 1 - (1 - Math.pow(t, (c * gamma + 1) / c)) / ((c * gamma + 1) * mass);
}

/** The most failures a Binomial(draws, δ) reaches with probability ≥ 1e-6. */
function allowedFailures(draws: number, delta: number): number {
  let f = 0;
  while (1 - binomialCdf(f, draws, delta) >= 1e-6) f++;
  return f;
}

const DRAWS = 150;

function failures(args: { world: World; n: number; alpha: number; delta: number; seed: number; choose: (pairs: ScoredOutcome[]) => number | null }): number {
  const rng = createRng(args.seed);
  let failed = 0;
  for (let d = 0; d < DRAWS; d++) {
    const t = args.choose(draw(args.world, args.n, rng));
    // Keeping nothing has no error.
    if (t !== null && trueError(args.world, t) > args.alpha) failed++;
  }
  return failed;
}

const ltt = (alpha: number, delta: number) => (pairs: ScoredOutcome[]) => {
  const c = riskControlThreshold(pairs, { alpha, delta });
  return c.refused ? null : c.threshold;
};

/** Plug-in: the most lenient threshold whose observed error is ≤ α. No guarantee. */
const plugIn = (alpha: number) => (pairs: ScoredOutcome[]) => {
  let t: number | null = null;
  for (const pt of riskCoverageCurve(pairs)) if (pt.risk <= alpha) t = pt.threshold;
  return t;
};

describe("Learn-then-Test threshold (property)", () => {
  it("keeps the true kept-answer error ≤ α in ≥ 1 − δ of simulated draws", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0.05, 0.1, 0.2),
        fc.constantFrom(0.05, 0.1, 0.2),
        fc.integer({ min: 150, max: 500 }),
        fc.double({ min: 0.1, max: 0.6, noNaN: true }),
        fc.constantFrom(1, 1, 1.5),
        fc.integer({ min: 1, max: 1_000_000 }),
        (alpha, delta, n, c, gamma, seed) => {
          const failed = failures({ world: { c, gamma }, n, alpha, delta, seed, choose: ltt(alpha, delta) });
          expect(failed).toBeLessThanOrEqual(allowedFailures(DRAWS, delta));
        },
      ),
      { numRuns: 8, seed: 20261205 },
    );
  });

  it("has the power to catch a rule without the guarantee (plug-in thresholds fail far more often than δ)", () => {
    const alpha = 0.1;
    const delta = 0.1;
    const failed = failures({ world: { c: 0.4, gamma: 1 }, n: 300, alpha, delta, seed: 5, choose: plugIn(alpha) });
    expect(failed).toBeGreaterThan(allowedFailures(DRAWS, delta));
  });
});
