/**
 * Aggregated mode: the same model as exact mode, sampled per day and outcome class instead of per request.
 *
 * 1. Per trial, the policy's decision table and the drawn pass probabilities give every request path
 *    (action, position where the chain stops, passed or not) a probability. Paths are grouped into
 *    classes by the paid tiers they visit (which is what a request costs).
 * 2. A day's volume is Poisson(Λ) with Λ ~ Gamma; by Poisson thinning the class counts are independent
 *    Poisson(Λ · class weight), and the passing ones Binomial(n, P(pass | class)): exactly the distribution
 *    of routing each request one by one.
 * 3. Within a class, requests are i.i.d. draws from the class's mixture of paths. The class's day totals
 *    (input tokens, output tokens, local busy ms, paid latency ms, confidence) are the sum of n such
 *    vectors: drawn item by item when n ≤ SMALL, else as one multivariate normal with n × the mixture's
 *    mean and covariance (central limit theorem, correlations between the five totals kept).
 * 4. Hybrid paid tokens and the pure-API baseline are the SAME class totals (common random numbers).
 * aggregated.test.ts checks P50/P95 of the outputs against exact mode (within 1 %).
 */
import { LAT_BINS, LAT_Q, TOKEN_BITS, TOKEN_Q, type CompiledSim } from "./compile.js";
import { Sampler } from "./distributions.js";
import { drawDayRates, drawPassProbs, F_CONF, F_LAT, F_LOCAL, F_PASSED, F_REQ, K, quantileOnGrid, T_BASE_IN, T_BASE_OUT, T_BUSY, T_TIERS, tokenStride, trialRng, type Perturbation, type TrialBlock } from "./engine-common.js";

/** A class with at most this many requests on a day is summed request by request. */
export const SMALL = 16;
const D = 5; // totals per class: input tokens, output tokens, local busy ms, paid latency ms, confidence
const MAX_TIERS = 16;

/** Per-trial path and class tables, reused across trials. */
class Paths {
  readonly n: number;
  // Per path: action, stop position, passed, weight, class
  readonly action: Int32Array;
  readonly stop: Int32Array;
  readonly pass: Uint8Array;
  readonly weight: Float64Array;
  readonly cls: Int32Array;
  readonly mean: Float64Array;
  readonly wvar: Float64Array;
  count = 0;
  // Per class
  readonly classMask: Int32Array;
  /** P(passed | class): the share of the class's weight on passing paths. */
  readonly classPass: Float64Array;
  readonly classWeight: Float64Array;
  readonly classMean: Float64Array;
  readonly classChol: Float64Array;
  /** Path indices grouped by class: class ci owns order[classStart[ci] .. classStart[ci + 1]). */
  readonly order: Int32Array;
  readonly classStart: Int32Array;
  classes = 0;
  // Scratch: class index by paid-tier mask (−1 = none yet), fill cursors, second moments.
  readonly classOfMask: Int32Array;
  readonly fillAt: Int32Array;
  readonly m2 = new Float64Array(D * D);
  constructor(c: CompiledSim) {
    this.n = c.nActions * (c.maxChain * 2 + 1);
    this.action = new Int32Array(this.n); this.stop = new Int32Array(this.n); this.pass = new Uint8Array(this.n);
    this.weight = new Float64Array(this.n); this.cls = new Int32Array(this.n);
    this.mean = new Float64Array(this.n * D); this.wvar = new Float64Array(this.n * D);
    this.classMask = new Int32Array(this.n); this.classPass = new Float64Array(this.n); this.classWeight = new Float64Array(this.n);
    this.classMean = new Float64Array(this.n * D); this.classChol = new Float64Array(this.n * D * D);
    this.order = new Int32Array(this.n); this.classStart = new Int32Array(this.n + 1);
    this.classOfMask = new Int32Array(1 << c.nTiers).fill(-1); this.fillAt = new Int32Array(this.n);
  }
}

export function runAggregatedBlock(c: CompiledSim, p: Perturbation, seed: number, block: TrialBlock): void {
  if (c.nTiers > MAX_TIERS) throw new Error(`aggregated mode supports up to ${MAX_TIERS} tiers`);
  const TS = tokenStride(c);
  const cells = c.nActions * c.maxChain;
  const passP = new Float64Array(cells);
  const paths = new Paths(c);
  const pathCount = new Float64Array(cells);
  const rates = new Float64Array(c.days);
  const classTotal = new Float64Array(paths.n);
  const tIn = new Float64Array(c.nTiers), tOut = new Float64Array(c.nTiers);
  const x = new Float64Array(D), z = new Float64Array(D);
  const B = LAT_BINS + 1;
  for (let trial = block.start; trial < block.end; trial++) {
    const s = new Sampler(trialRng(seed, trial));
    drawPassProbs(c, p, s, passP);
    drawDayRates(c, p, s, rates);
    buildPaths(c, passP, paths);
    pathCount.fill(0);
    classTotal.fill(0);
    const out = (trial - block.start) * c.days * K;
    for (let d = 0; d < c.days; d++) {
      const lambda = rates[d]!;
      tIn.fill(0);
      tOut.fill(0);
      let requests = 0, passed = 0, localServed = 0, baseIn = 0, baseOut = 0, busy = 0, latSum = 0, conf = 0;
      for (let ci = 0; ci < paths.classes; ci++) {
        const n = s.poisson(lambda * paths.classWeight[ci]!);
        if (n === 0) continue;
        if (n <= SMALL) sumRequests(c, s, paths, ci, n, x);
        else {
          for (let j = 0; j < D; j++) z[j] = paths.classChol[(ci * D + j) * D + j]! > 0 ? s.normal() : 0; // no draw for a dimension without variance
          const sq = Math.sqrt(n);
          for (let i = 0; i < D; i++) {
            let v = 0;
            for (let j = 0; j <= i; j++) v += paths.classChol[(ci * D + i) * D + j]! * z[j]!;
            x[i] = Math.max(0, n * paths.classMean[ci * D + i]! + sq * v);
          }
        }
        requests += n;
        const mask = paths.classMask[ci]!;
        passed += s.binomial(n, paths.classPass[ci]!);
        if (mask === 0) localServed += n;
        baseIn += x[0]!;
        baseOut += x[1]!;
        for (let t = 0; t < c.nTiers; t++) if (mask & (1 << t)) { tIn[t]! += x[0]!; tOut[t]! += x[1]!; }
        busy += x[2]!;
        latSum += x[2]! + x[3]!;
        conf += x[4]!;
        classTotal[ci]! += n;
      }
      const o = out + d * K;
      block.daily[o + F_REQ] = requests;
      block.daily[o + F_PASSED] = passed;
      block.daily[o + F_LOCAL] = localServed;
      block.daily[o + F_LAT] = latSum;
      block.daily[o + F_CONF] = conf;
      const to = ((trial - block.start) * c.days + d) * TS;
      block.tokens[to + T_BUSY] = busy;
      block.tokens[to + T_BASE_IN] = baseIn;
      block.tokens[to + T_BASE_OUT] = baseOut;
      for (let t = 0; t < c.nTiers; t++) {
        block.tokens[to + T_TIERS + 2 * t] = tIn[t]!;
        block.tokens[to + T_TIERS + 2 * t + 1] = tOut[t]!;
      }
    }
    // Path weights for the p95 mixture: each class's requests spread over its paths by their shares.
    for (let i = 0; i < paths.count; i++) {
      const ci = paths.cls[i]!;
      pathCount[paths.action[i]! * c.maxChain + paths.stop[i]!]! += (classTotal[ci]! * paths.weight[i]!) / paths.classWeight[ci]!;
    }
    let total = 0;
    for (let k = 0; k < cells; k++) total += pathCount[k]!;
    block.p95LatencyMs[trial - block.start] = total === 0 ? 0 : quantileOnGrid((bin) => {
      let cdf = 0;
      for (let k = 0; k < cells; k++) {
        const w = pathCount[k]!;
        if (w > 0) cdf += w * c.pathCdf[k * B + bin]!;
      }
      return cdf;
    }, 0.95 * total, c.latWidth);
  }
}

/** Every path's probability from the decision table, its per-request mean/variance, and the class mixtures. */
function buildPaths(c: CompiledSim, passP: Float64Array, P: Paths): void {
  P.count = 0;
  for (let a = 0; a < c.nActions; a++) {
    let reach = c.mix[a]!;
    const L = c.chainLen[a]!;
    for (let pos = 0; pos < L && reach > 0; pos++) {
      const k = a * c.maxChain + pos;
      const pk = passP[k]!;
      let cont = 0;
      for (let outcome = 1; outcome >= 0; outcome--) {
        const q = outcome === 1 ? pk : 1 - pk;
        if (q === 0) continue;
        if (c.decision[(k << 1) | outcome] === 0) addPath(c, P, a, pos, outcome, reach * q);
        else cont += q;
      }
      reach *= cont;
    }
    if (reach > 0) addPath(c, P, a, L - 1, 0, reach);
  }
  // Classes: the set of paid tiers visited (what a request costs); passing is split off binomially.
  P.classes = 0;
  for (let i = 0; i < P.count; i++) {
    const key = P.cls[i]!;
    let ci = P.classOfMask[key]!;
    if (ci < 0) {
      ci = P.classes++;
      P.classOfMask[key] = ci;
      P.classMask[ci] = key;
      P.classPass[ci] = 0;
      P.classWeight[ci] = 0;
    }
    P.cls[i] = ci;
    P.classWeight[ci]! += P.weight[i]!;
    if (P.pass[i] === 1) P.classPass[ci]! += P.weight[i]!;
  }
  for (let ci = 0; ci < P.classes; ci++) {
    P.classOfMask[P.classMask[ci]!] = -1;
    P.classPass[ci] = Math.min(1, P.classPass[ci]! / P.classWeight[ci]!);
  }
  P.classStart.fill(0);
  for (let i = 0; i < P.count; i++) P.classStart[P.cls[i]! + 1]!++;
  for (let ci = 0; ci < P.classes; ci++) P.classStart[ci + 1]! += P.classStart[ci]!;
  for (let ci = 0; ci < P.classes; ci++) P.fillAt[ci] = P.classStart[ci]!;
  for (let i = 0; i < P.count; i++) P.order[P.fillAt[P.cls[i]!]!++] = i;
  const m2 = P.m2, mu = P.classMean;
  for (let ci = 0; ci < P.classes; ci++) {
    const W = P.classWeight[ci]!;
    const o = ci * D;
    for (let r = 0; r < D; r++) mu[o + r] = 0;
    m2.fill(0);
    for (let j = P.classStart[ci]!; j < P.classStart[ci + 1]!; j++) {
      const i = P.order[j]!;
      const w = P.weight[i]! / W;
      for (let r = 0; r < D; r++) {
        const mr = P.mean[i * D + r]!;
        mu[o + r]! += w * mr;
        m2[r * D + r]! += w * P.wvar[i * D + r]!;
        for (let q = 0; q <= r; q++) m2[r * D + q]! += w * mr * P.mean[i * D + q]!;
      }
    }
    for (let r = 0; r < D; r++) for (let q = 0; q <= r; q++) m2[r * D + q]! -= mu[o + r]! * mu[o + q]!;
    cholesky(m2, P.classChol, ci * D * D);
  }
}

function addPath(c: CompiledSim, P: Paths, a: number, stop: number, pass: number, weight: number): void {
  const i = P.count++;
  P.action[i] = a; P.stop[i] = stop; P.pass[i] = pass; P.weight[i] = weight;
  let mask = 0, lm = 0, lv = 0, pm = 0, pv = 0;
  for (let pos = 0; pos <= stop; pos++) {
    const k = a * c.maxChain + pos;
    const tier = c.chainTier[k]!;
    if (c.tierLocal[tier] === 1) { lm += c.latMean[k]!; lv += c.latVar[k]!; }
    else { mask |= 1 << tier; pm += c.latMean[k]!; pv += c.latVar[k]!; }
  }
  const k = a * c.maxChain + stop;
  const conf = pass === 1 ? c.confPass[k]! : c.confFail[k]!;
  const o = i * D;
  P.mean[o] = c.tokInMean[a]!; P.mean[o + 1] = c.tokOutMean[a]!; P.mean[o + 2] = lm; P.mean[o + 3] = pm; P.mean[o + 4] = conf;
  P.wvar[o] = c.tokInVar[a]!; P.wvar[o + 1] = c.tokOutVar[a]!; P.wvar[o + 2] = lv; P.wvar[o + 3] = pv; P.wvar[o + 4] = 0;
  P.cls[i] = mask;
}

/** Lower-triangular L (at offset o) with L·Lᵀ = S (S given in its lower triangle); semidefinite pivots give 0 columns. */
function cholesky(S: Float64Array, Lm: Float64Array, o: number): void {
  for (let i = 0; i < D * D; i++) Lm[o + i] = 0;
  for (let j = 0; j < D; j++) {
    let d = S[j * D + j]!;
    for (let q = 0; q < j; q++) d -= Lm[o + j * D + q]! * Lm[o + j * D + q]!;
    if (!(d > 1e-12 * (1 + Math.abs(S[j * D + j]!)))) continue;
    const ljj = Math.sqrt(d);
    Lm[o + j * D + j] = ljj;
    for (let i = j + 1; i < D; i++) {
      let v = S[i * D + j]!;
      for (let q = 0; q < j; q++) v -= Lm[o + i * D + q]! * Lm[o + j * D + q]!;
      Lm[o + i * D + j] = v / ljj;
    }
  }
}

/** n requests of class ci, one by one: path by its share, tokens and per-tier latencies from the tables. */
function sumRequests(c: CompiledSim, s: Sampler, P: Paths, ci: number, n: number, x: Float64Array): void {
  x.fill(0);
  const W = P.classWeight[ci]!;
  for (let r = 0; r < n; r++) {
    let u = s.uniform() * W;
    let j = P.classStart[ci]!;
    const last = P.classStart[ci + 1]! - 1;
    for (; j < last; j++) {
      u -= P.weight[P.order[j]!]!;
      if (u < 0) break;
    }
    const i = P.order[j]!;
    const a = P.action[i]!;
    const t = s.u32();
    x[0]! += c.tokIn[a * TOKEN_Q + (t >>> (32 - TOKEN_BITS))]!;
    x[1]! += c.tokOut[a * TOKEN_Q + (t & (TOKEN_Q - 1))]!;
    for (let pos = 0; pos <= P.stop[i]!; pos++) {
      const k = a * c.maxChain + pos;
      const l = c.lat[k * LAT_Q + (s.u32() >>> 22)]!;
      x[c.tierLocal[c.chainTier[k]!] === 1 ? 2 : 3]! += l;
    }
    x[4]! += P.mean[i * D + 4]!;
  }
}
