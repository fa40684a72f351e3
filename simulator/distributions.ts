/**
 * Random variates for the simulator, all drawn from the project's one RNG (core/rng.ts):
 * normal (polar method), gamma (Marsaglia–Tsang), beta, Poisson (inversion / Hörmann's PTRS) and
 * binomial (inversion / Hörmann's BTRS). Each is exact up to floating point; none uses Math.random.
 */
import type { Rng } from "../core/rng.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LFACT_TABLE_SIZE = 1024;
const LFACT = new Float64Array(LFACT_TABLE_SIZE);
for (let k = 2; k < LFACT_TABLE_SIZE; k++) LFACT[k] = LFACT[k - 1]! + Math.log(k);

/** ln(k!) for integer k ≥ 0: a table below 1024, Stirling's series (error < 1e-15 relative) above. */
export function logFactorial(k: number): number {
  if (k < LFACT_TABLE_SIZE) return LFACT[k]!;
  const x = k + 1;
  const x2 = x * x;
  return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + (1 / 12 - (1 / 360 - 1 / (1260 * x2)) / x2) / x;
}

const QA = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const QB = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const QC = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const QD = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = QA,
    b = QB,
    c = QC,
    d = QD;
  const lo = 0.02425;
  if (p < lo || p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(p < lo ? p : 1 - p));
    const x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    return p < lo ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** An Rng that can also fill a buffer in one call (the same sequence as repeated nextUint32). */
export type BulkRng = Rng & { fillUint32?: (out: Uint32Array) => void };

/** Fills `out` from the stream: the bulk path when the Rng offers it, else nextUint32 per slot. */
export function fillFromRng(rng: BulkRng, out: Uint32Array): void {
  if (typeof rng.fillUint32 === "function") rng.fillUint32(out);
  else for (let i = 0; i < out.length; i++) out[i] = rng.nextUint32();
}

const INV_2_32 = 1 / 4294967296;
const SAMPLER_BUF = 256;

/**
 * Stateful variate generator over one Rng stream, read through a small buffer (the values and their order
 * are exactly those of nextUint32(); uniform() equals Rng.next()). Holds the polar method's spare normal.
 * Draw everything for this stream through the Sampler, never from the Rng directly.
 */
export class Sampler {
  private spare = 0;
  private hasSpare = false;
  private readonly buf = new Uint32Array(SAMPLER_BUF);
  private pos = SAMPLER_BUF;
  constructor(private readonly rng: BulkRng) {}

  u32(): number {
    if (this.pos === SAMPLER_BUF) {
      fillFromRng(this.rng, this.buf);
      this.pos = 0;
    }
    return this.buf[this.pos++]!;
  }

  uniform(): number {
    return this.u32() * INV_2_32;
  }

  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** Gamma(shape, scale), mean shape·scale. */
  gamma(shape: number, scale: number): number {
    if (shape < 1) {
      const u = 1 - this.uniform();
      return this.gamma(shape + 1, scale) * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = 1 - this.uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v * scale;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a, 1);
    const y = this.gamma(b, 1);
    return x / (x + y);
  }

  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 10) {
      let p = Math.exp(-lambda);
      let s = p;
      let k = 0;
      const u = this.uniform();
      while (u > s && p > 0) {
        k++;
        p *= lambda / k;
        s += p;
      }
      return k;
    }
    return this.ptrs(lambda);
  }

  /** Hörmann (1993) transformed rejection with squeeze, for lambda ≥ 10. */
  private ptrs(lam: number): number {
    const slam = Math.sqrt(lam);
    const loglam = Math.log(lam);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const U = this.uniform() - 0.5;
      const V = this.uniform();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + lam + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - logFactorial(k)) return k;
    }
  }

  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    if (n * p < 10) {
      // Inversion (sequential search): expected n·p + 1 steps.
      const q = 1 - p;
      const s = p / q;
      const a = (n + 1) * s;
      let r = Math.pow(q, n);
      let u = this.uniform();
      let k = 0;
      while (u > r && k < n) {
        u -= r;
        k++;
        r *= a / k - s;
      }
      return k;
    }
    return this.btrs(n, p);
  }

  /** Hörmann (1993) BTRS for n·p ≥ 10, p ≤ 0.5; the log terms are computed only when the squeeze fails. */
  private btrs(n: number, p: number): number {
    const q = 1 - p;
    const spq = Math.sqrt(n * p * q);
    const b = 1.15 + 2.53 * spq;
    const a = -0.0873 + 0.0248 * b + 0.01 * p;
    const c = n * p + 0.5;
    const vr = 0.92 - 4.2 / b;
    let alpha = 0,
      lpq = 0,
      m = 0,
      h = NaN;
    for (;;) {
      const u = this.uniform() - 0.5;
      let v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + c);
      if (k < 0 || k > n) continue;
      if (us >= 0.07 && v <= vr) return k;
      if (Number.isNaN(h)) {
        alpha = (2.83 + 5.1 / b) * spq;
        lpq = Math.log(p / q);
        m = Math.floor((n + 1) * p);
        h = logFactorial(m) + logFactorial(n - m);
      }
      v = Math.log((v * alpha) / (a / (us * us) + b));
      if (v <= h - logFactorial(k) - logFactorial(n - k) + (k - m) * lpq) return k;
    }
  }
}
