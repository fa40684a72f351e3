/**
 * A cell that calls several local models at once (the consensus pair) waits for the slowest and keeps
 * the machine busy for all of them. Its latency table pairs, atom by atom, the latency max(L₁..L_c) with
 * the busy time L₁ + … + L_c of the same draws, so the engines charge both from one index. The draws are
 * a Latin hypercube over the single-call table: every call's quantiles appear exactly once each, matched
 * across calls by fixed, seeded permutations (independent calls, no sampling noise in the marginals).
 */
import { createRng } from "../core/rng.js";

/** Fixed: the tables are part of the compiled inputs, so the same inputs give the same tables. */
const PERMUTATION_SEED = 0x9e3779b9;

/**
 * Fills `latency` (sorted ascending, as every latency table is) and `busy` (paired with it) for `calls`
 * independent calls each distributed as the single-call quantile table `single`. `latency` may be `single`.
 */
export function parallelCallTables(args: { single: ArrayLike<number>; calls: number; latency: Float32Array; busy: Float32Array }): void {
  const n = args.single.length;
  const single = Float64Array.from(args.single);
  const slowest = new Float64Array(n);
  const total = new Float64Array(n);
  for (let j = 0; j < args.calls; j++) {
    const perm = permutation(n, j);
    for (let i = 0; i < n; i++) {
      const v = single[perm[i]!]!;
      if (v > slowest[i]!) slowest[i] = v;
      total[i]! += v;
    }
  }
  const order = Array.from({ length: n }, (_x, i) => i).sort((a, b) => slowest[a]! - slowest[b]! || total[a]! - total[b]!);
  order.forEach((from, to) => {
    args.latency[to] = slowest[from]!;
    args.busy[to] = total[from]!;
  });
}

/** Call 0 keeps the table's order; call j ≥ 1 a Fisher–Yates shuffle from stream j of a fixed seed. */
function permutation(n: number, call: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_x, i) => i);
  if (call === 0) return p;
  const rng = createRng(PERMUTATION_SEED).fork(call);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
