/**
 * Binary logistic regression with an L2 penalty, fitted by Newton's method (IRLS) with step halving.
 *
 * Written here rather than taken from npm: `ml-logistic-regression` (the maintained JS one) runs a fixed
 * 50,000 steps of gradient ascent with no intercept, no penalty and no convergence test, so it diverges
 * on separable data and drifts with the step size. Newton's method on a handful of features converges in
 * a few iterations to the exact penalised optimum, deterministically; ml-matrix solves the p×p system.
 *
 * Minimises Σ_i w_i·[log(1 + e^{η_i}) − y_i·η_i] + (λ/2)·Σ_j β_j²,  η_i = β_0 + Σ_j β_j·x_ij.
 * The intercept β_0 is not penalised. Targets y may be soft (in [0, 1]), as Platt scaling needs.
 */
import { CholeskyDecomposition, Matrix, solve } from "ml-matrix";

export interface LogisticFit {
  intercept: number;
  coef: number[];
  iterations: number;
  converged: boolean;
}

export interface LogisticOptions {
  /** Rows of features (all the same length). */
  x: readonly (readonly number[])[];
  /** Targets in [0, 1] (1 = correct). */
  y: readonly number[];
  /** λ ≥ 0. 0 is plain maximum likelihood, which has no finite optimum on separable data. */
  l2: number;
  /** Per-row weights, default 1. */
  weights?: readonly number[];
  maxIterations?: number;
  /** Stop when no coefficient moves by more than this. Default 1e-10. */
  tolerance?: number;
}

export function fitLogistic(opts: LogisticOptions): LogisticFit {
  const { x, y, l2 } = opts;
  const n = x.length;
  const p = n === 0 ? 0 : x[0]!.length;
  validate(opts, n, p);
  const w = opts.weights ?? new Array<number>(n).fill(1);
  const maxIterations = opts.maxIterations ?? 100;
  const tolerance = opts.tolerance ?? 1e-10;
  // Design with a leading 1 for the intercept.
  const rows = x.map((r) => [1, ...r]);
  let beta = new Array<number>(p + 1).fill(0);
  // Starting from the base rate makes the first step small and the intercept-only case exact at once.
  const wSum = w.reduce((s, v) => s + v, 0);
  const rate = clampRate(y.reduce((s, v, i) => s + v * w[i]!, 0) / wSum);
  beta[0] = Math.log(rate / (1 - rate));
  let loss = objective(rows, y, w, beta, l2);
  for (let iter = 1; iter <= maxIterations; iter++) {
    const { gradient, hessian } = derivatives(rows, y, w, beta, l2);
    const step = newtonStep(hessian, gradient);
    let t = 1;
    let next = beta.map((b, j) => b - t * step[j]!);
    let nextLoss = objective(rows, y, w, next, l2);
    while (!(nextLoss <= loss) && t > 1e-8) {
      t /= 2;
      next = beta.map((b, j) => b - t * step[j]!);
      nextLoss = objective(rows, y, w, next, l2);
    }
    const moved = Math.max(...next.map((b, j) => Math.abs(b - beta[j]!)));
    beta = next;
    loss = nextLoss;
    if (moved <= tolerance * (1 + Math.max(...beta.map(Math.abs)))) return { intercept: beta[0]!, coef: beta.slice(1), iterations: iter, converged: true };
  }
  return { intercept: beta[0]!, coef: beta.slice(1), iterations: maxIterations, converged: false };
}

/** log(1 + e^z) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function objective(rows: number[][], y: readonly number[], w: readonly number[], beta: number[], l2: number): number {
  let sum = 0;
  for (let i = 0; i < rows.length; i++) {
    const eta = dot(rows[i]!, beta);
    sum += w[i]! * (softplus(eta) - y[i]! * eta);
  }
  for (let j = 1; j < beta.length; j++) sum += (l2 / 2) * beta[j]! ** 2;
  return sum;
}

function derivatives(rows: number[][], y: readonly number[], w: readonly number[], beta: number[], l2: number) {
  const q = beta.length;
  const gradient = new Array<number>(q).fill(0);
  const hessian = Array.from({ length: q }, () => new Array<number>(q).fill(0));
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const mu = 1 / (1 + Math.exp(-dot(r, beta)));
    const g = w[i]! * (mu - y[i]!);
    const h = w[i]! * mu * (1 - mu);
    for (let a = 0; a < q; a++) {
      gradient[a]! += g * r[a]!;
      for (let b = 0; b <= a; b++) hessian[a]![b]! += h * r[a]! * r[b]!;
    }
  }
  for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) hessian[b]![a] = hessian[a]![b]!;
  for (let j = 1; j < q; j++) {
    gradient[j]! += l2 * beta[j]!;
    hessian[j]![j]! += l2;
  }
  return { gradient, hessian };
}

/** H⁻¹g by Cholesky; a saturated fit can leave H singular, where least squares still gives a usable step. */
function newtonStep(hessian: number[][], gradient: number[]): number[] {
  const h = new Matrix(hessian);
  const g = Matrix.columnVector(gradient);
  const chol = new CholeskyDecomposition(h);
  const step = chol.isPositiveDefinite() ? chol.solve(g) : solve(h, g, true);
  return step.getColumn(0);
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}

const clampRate = (r: number) => Math.min(1 - 1e-12, Math.max(1e-12, r));

function validate(opts: LogisticOptions, n: number, p: number): void {
  if (n === 0) throw new RangeError("fitLogistic: no rows to fit");
  if (opts.y.length !== n) throw new RangeError(`fitLogistic: ${n} rows but ${opts.y.length} targets`);
  if (opts.weights && opts.weights.length !== n) throw new RangeError(`fitLogistic: ${n} rows but ${opts.weights.length} weights`);
  if (!(opts.l2 >= 0 && Number.isFinite(opts.l2))) throw new RangeError(`fitLogistic: l2 must be a finite number ≥ 0, got ${opts.l2}`);
  opts.x.forEach((r, i) => {
    if (r.length !== p) throw new RangeError(`fitLogistic: row ${i} has ${r.length} features, row 0 has ${p}`);
    r.forEach((v, j) => {
      if (!Number.isFinite(v)) throw new RangeError(`fitLogistic: row ${i}, feature ${j} is ${v}; impute missing values before fitting`);
    });
  });
  opts.y.forEach((v, i) => {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`fitLogistic: target ${i} is ${v}; targets must be in [0, 1]`);
  });
  opts.weights?.forEach((v, i) => {
    if (!(v >= 0 && Number.isFinite(v))) throw new RangeError(`fitLogistic: weight ${i} is ${v}; weights must be finite and ≥ 0`);
  });
  if (!(opts.weights ?? [1]).some((v) => v > 0)) throw new RangeError("fitLogistic: every weight is 0");
}
