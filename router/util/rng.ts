/**
 * Seeded PRNG (xoshiro128**, seeded by splitmix32) used everywhere randomness appears:
 * retry jitter, bench sampling, bootstrap, Monte Carlo. Same seed, same sequence, on every platform.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** A new independent stream derived from this one (for worker threads, per-trial streams). */
  fork(stream: number): Rng;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const INV_2_32 = 1 / 4294967296;

export class Xoshiro128 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(private readonly seed: number, private readonly stream = 0) {
    const sm = splitmix32((seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0);
    this.a = sm(); this.b = sm(); this.c = sm(); this.d = sm();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }
  nextUint32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a; this.d ^= this.b; this.b ^= this.c; this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }
  next(): number {
    return this.nextUint32() * INV_2_32;
  }
  fork(stream: number): Rng {
    return new Xoshiro128((this.seed + Math.imul(stream + 1, 0x632be5ab)) >>> 0, this.stream * 1_000_003 + stream + 1);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export function createRng(seed: number): Rng {
  return new Xoshiro128(seed >>> 0);
}
