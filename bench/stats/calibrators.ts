/**
 * The two ways to turn a scorer's raw output into a calibrated P(correct): Platt scaling (a logistic
 * curve on the linear predictor) and isotonic regression (the best non-decreasing step map, by
 * pool-adjacent-violators). No npm package fits: the isotonic ones found are unmaintained or
 * scikit-learn ports without weights or tie handling, and Platt is a one-feature logistic fit.
 */
import { fitLogistic } from "./logistic-regression.js";

export interface PlattMap {
  /** P = σ(a·η + b). */
  a: number;
  b: number;
}

/**
 * Platt (1999) with his smoothed targets: the correct are fitted to (N₊ + 1)/(N₊ + 2) and the wrong to
 * 1/(N₋ + 2) rather than 1 and 0, which keeps a small or separable calibration set from driving the
 * map to 0/1 steps.
 */
export function fitPlatt(args: { eta: readonly number[]; correct: readonly boolean[] }): PlattMap {
  const { eta, correct } = args;
  assertSameLength(eta.length, correct.length, "fitPlatt");
  const pos = correct.filter(Boolean).length;
  const neg = correct.length - pos;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  const fit = fitLogistic({ x: eta.map((v) => [v]), y: correct.map((c) => (c ? hi : lo)), l2: 0 });
  return { a: fit.coef[0]!, b: fit.intercept };
}

export interface IsotonicMap {
  /** Knots for linear interpolation, x non-decreasing; each pooled block contributes its first and last x. */
  x: number[];
  y: number[];
}

/**
 * Weighted isotonic (non-decreasing) regression of y on x by pool-adjacent-violators. Equal x values are
 * pooled first, as no monotone map can tell them apart. Returns the knots scikit-learn keeps: each block's
 * lowest and highest x at the block's mean y.
 */
export function fitIsotonic(args: { x: readonly number[]; y: readonly number[]; weights?: readonly number[] }): IsotonicMap {
  const { x, y } = args;
  assertSameLength(x.length, y.length, "fitIsotonic");
  if (x.length === 0) throw new RangeError("fitIsotonic: no points to fit");
  const w = args.weights ?? new Array<number>(x.length).fill(1);
  assertSameLength(x.length, w.length, "fitIsotonic");
  x.forEach((v, i) => {
    if (!Number.isFinite(v) || !Number.isFinite(y[i]!) || !(w[i]! > 0)) throw new RangeError(`fitIsotonic: point ${i} needs finite x and y and a weight > 0`);
  });
  const order = x.map((_, i) => i).sort((a, b) => x[a]! - x[b]! || a - b);
  interface Block {
    lo: number;
    hi: number;
    w: number;
    wy: number;
  }
  const blocks: Block[] = [];
  for (const i of order) {
    const xi = x[i]!;
    const last = blocks.at(-1);
    if (last && last.hi === xi) {
      last.w += w[i]!;
      last.wy += w[i]! * y[i]!;
    } else {
      blocks.push({ lo: xi, hi: xi, w: w[i]!, wy: w[i]! * y[i]! });
    }
    // Pool backwards while the last block's mean is below the one before it.
    while (blocks.length > 1) {
      const b = blocks.at(-1)!;
      const a = blocks.at(-2)!;
      if (a.wy / a.w <= b.wy / b.w) break;
      blocks.pop();
      a.hi = b.hi;
      a.w += b.w;
      a.wy += b.wy;
    }
  }
  const out: IsotonicMap = { x: [], y: [] };
  for (const b of blocks) {
    const v = b.wy / b.w;
    out.x.push(b.lo);
    out.y.push(v);
    if (b.hi > b.lo) {
      out.x.push(b.hi);
      out.y.push(v);
    }
  }
  return out;
}

function assertSameLength(a: number, b: number, fn: string): void {
  if (a !== b) throw new RangeError(`${fn}: ${a} scores but ${b} labels or weights`);
}
