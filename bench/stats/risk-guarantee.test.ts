import { describe, expect, it } from "vitest";
import { binomialCdf, clopperPearsonUpper } from "./proportion.js";
import { checkRiskGuarantee, keptOutcome } from "./risk-guarantee.js";

const pairs = (xs: [number, boolean][]) => xs.map(([score, correct]) => ({ score, correct }));

describe("checkRiskGuarantee", () => {
  // α = 0.3, δ = 0.5. With 0 errors among m kept, the (1 − δ) Clopper–Pearson bound is 1 − 0.5^(1/m):
  // m = 1 → 0.5 (untestable, skipped), m = 2 → 0.293 ≤ 0.3, m = 3 → 0.206. At t = 0.6 one of 4 kept is
  // wrong: P(X ≤ 1 | 4, 0.3) = 0.7⁴ + 4·0.3·0.7³ = 0.2401 + 0.4116 = 0.652 > 0.5, so the bound exceeds
  // 0.3 and the sequence stops: t = 0.7.
  const fit = pairs([
    [0.9, true],
    [0.8, true],
    [0.7, true],
    [0.6, false],
    [0.5, false],
    [0.4, true],
  ]);
  // Held out at t = 0.7: kept 0.95 ✓, 0.75 ✗, 0.72 ✓, 0.71 ✓ → 4 kept, 1 wrong: error 0.25, coverage 4/6.
  const heldOut = pairs([
    [0.95, true],
    [0.75, false],
    [0.72, true],
    [0.71, true],
    [0.65, true],
    [0.2, false],
  ]);

  it("chooses t on the fit split and measures it on the held-out split, by hand", () => {
    const g = checkRiskGuarantee({ fit, heldOut, alpha: 0.3, delta: 0.5, minItems: 1 });
    expect(g.threshold).toBe(0.7);
    expect(g.choice).toMatchObject({ refused: false, accepted: 3, coverage: 0.5 });
    expect(g.heldOut).toMatchObject({ n: 6, accepted: 4, errors: 1, coverage: 4 / 6, keptError: 0.25, withinAlpha: true });
    // The bound is the p where P(X ≤ 1 | 4, p) = 0.5, above 0.3 by the arithmetic above.
    expect(g.heldOut.keptErrorUpper).toBe(clopperPearsonUpper(1, 4, { confidence: 0.5 }));
    expect(binomialCdf(1, 4, g.heldOut.keptErrorUpper!)).toBeCloseTo(0.5, 9);
    expect(g.heldOut.keptErrorUpper!).toBeGreaterThan(0.3);
  });

  it("reports a held-out error above α as such", () => {
    const bad = pairs([
      [0.9, false],
      [0.8, true],
      [0.1, true],
    ]);
    expect(checkRiskGuarantee({ fit, heldOut: bad, alpha: 0.3, delta: 0.5, minItems: 1 }).heldOut).toMatchObject({
      accepted: 2,
      errors: 1,
      keptError: 0.5,
      withinAlpha: false,
    });
  });

  it("keeps nothing when LTT refuses, and says so with nulls", () => {
    const g = checkRiskGuarantee({
      fit: pairs([
        [0.9, false],
        [0.8, false],
        [0.7, true],
      ]),
      heldOut,
      alpha: 0.3,
      delta: 0.5,
      minItems: 1,
    });
    expect(g.choice.refused).toBe(true);
    expect(g.threshold).toBeNull();
    expect(g.heldOut).toEqual({ n: 6, accepted: 0, errors: 0, coverage: 0, keptError: null, keptErrorUpper: null, withinAlpha: null });
  });
});

describe("keptOutcome", () => {
  it("keeps scores at or above the threshold", () => {
    expect(
      keptOutcome({
        items: pairs([
          [0.5, true],
          [0.49, false],
        ]),
        threshold: 0.5,
        alpha: 0.1,
        delta: 0.1,
      }),
    ).toMatchObject({ accepted: 1, errors: 0, keptError: 0 });
  });
});
