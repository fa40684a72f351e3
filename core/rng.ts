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
  /** Bulk nextUint32(): the same values, faster, where the generator offers it. */
  fillUint32?(out: Uint32Array): void;
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
  // State held as int32 (`| 0`): V8 keeps int32 fields unboxed, while uint32 values above 2^31 (`>>> 0`)
  // become heap numbers on every write. The bits, and so the sequence, are the same.
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(
    private readonly seed: number,
    private readonly stream = 0,
  ) {
    const sm = splitmix32((seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0);
    this.a = sm() | 0;
    this.b = sm() | 0;
    this.c = sm() | 0;
    this.d = sm() | 0;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }
  nextUint32(): number {
    const b = this.b;
    const m = Math.imul(b, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = b << 9;
    let a = this.a,
      c = this.c,
      d = this.d,
      bb = b;
    c ^= a;
    d ^= bb;
    bb ^= c;
    a ^= d;
    c ^= t;
    this.a = a;
    this.b = bb;
    this.c = c;
    this.d = (d << 11) | (d >>> 21);
    return r;
  }
  next(): number {
    return this.nextUint32() * INV_2_32;
  }
  /** Fills `out` with the next out.length values of nextUint32(), in one tight loop (the simulator's hot path). */
  fillUint32(out: Uint32Array): void {
    let a = this.a,
      b = this.b,
      c = this.c,
      d = this.d;
    for (let i = 0; i < out.length; i++) {
      const m = Math.imul(b, 5);
      out[i] = Math.imul((m << 7) | (m >>> 25), 9);
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }
  fork(stream: number): Rng {
    return new Xoshiro128((this.seed + Math.imul(stream + 1, 0x632be5ab)) >>> 0, this.stream * 1_000_003 + stream + 1);
  }
}

export function createRng(seed: number): Rng {
  return new Xoshiro128(seed >>> 0);
}
