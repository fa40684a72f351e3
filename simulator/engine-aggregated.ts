/**
 * Aggregated mode: the same model as exact mode, sampled per day and outcome class instead of per request.
 *
 * 1. Per trial, the policy's decision table and the drawn pass probabilities give every request path
 *    (action, position where the chain stops, passed or not) a probability. Paths are grouped into
 *    classes by the paid tiers they visit (which is what a request costs).
 * 2. A day's volume is Poisson(Λ) with Λ ~ Gamma; by Poisson thinning the class counts are independent
 *    Poisson(Λ · class weight), the passing ones Binomial(n, P(pass | class)), and the right ones among
 *    the passing and the failing Binomial with P(right | pass, class) and P(right | fail, class): exactly
 *    the distribution of routing each request one by one.
 * 3. Within a class, requests are i.i.d. draws from the class's mixture of paths. The class's day totals
 *    (input tokens, output tokens, local busy ms, latency ms, scorer P(correct), scored answers) are the
 *    sum of n such vectors: drawn item by item when n ≤ SMALL, else as one multivariate normal with n ×
 *    the mixture's mean and covariance (central limit theorem, correlations between the totals kept; busy
 *    time and latency are correlated within a path too, and differ where a cell makes parallel calls).
 * 4. Hybrid paid tokens and the pure-API baseline are the SAME class totals (common random numbers).
 * aggregated.test.ts checks P50/P95 of the outputs against exact mode (within 1 %).
 */
import { LAT_BINS, LAT_Q, LOCAL_MANY, LOCAL_ONE, TOKEN_BITS, TOKEN_Q, type CompiledSim } from "./compile.js";
import { Sampler } from "./distributions.js";
import {
  drawCorrectProbs,
  drawDayRates,
  drawPassProbs,
  F_CORRECT,
  F_LAT,
  F_LOCAL,
  F_PASSED,
  F_PCORR,
  F_REQ,
  F_SCORED,
  K,
  quantileOnGrid,
  T_BASE_IN,
  T_BASE_OUT,
  T_BUSY,
  T_TIERS,
  tokenStride,
  trialRng,
  type Perturbation,
  type TrialBlock,
} from "./engine-common.js";

/** A class with at most this many requests on a day is summed request by request. */
export const SMALL = 16;
const D = 6; // totals per class: input tokens, output tokens, local busy ms, latency ms, scorer P(correct), scored answers
const MAX_TIERS = 16;

/** Per-trial path and class tables, reused across trials. */
class Paths {
  readonly n: number;
  // Per path: action, stop position, passed, weight, P(right), class; per-request mean, variances, cov(busy, latency)
  readonly action: Int32Array;
  readonly stop: Int32Array;
  readonly pass: Uint8Array;
  readonly weight: Float64Array;
  readonly right: Float64Array;
  readonly cls: Int32Array;
  readonly mean: Float64Array;
  readonly wvar: Float64Array;
  readonly wcov: Float64Array;
  count = 0;
  // Per class
  readonly classMask: Int32Array;
  /** P(passed | class): the share of the class's weight on passing paths. */
  readonly classPass: Float64Array;
  /** P(right | passed, class) and P(right | not passed, class). */
  readonly classRightPass: Float64Array;
  readonly classRightFail: Float64Array;
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
    this.action = new Int32Array(this.n);
    this.stop = new Int32Array(this.n);
    this.pass = new Uint8Array(this.n);
    this.weight = new Float64Array(this.n);
    this.right = new Float64Array(this.n);
    this.cls = new Int32Array(this.n);
    this.mean = new Float64Array(this.n * D);
    this.wvar = new Float64Array(this.n * D);
    this.wcov = new Float64Array(this.n);
    this.classMask = new Int32Array(this.n);
    this.classPass = new Float64Array(this.n);
    this.classWeight = new Float64Array(this.n);
    this.classRightPass = new Float64Array(this.n);
    this.classRightFail = new Float64Array(this.n);
    this.classMean = new Float64Array(this.n * D);
    this.classChol = new Float64Array(this.n * D * D);
    this.order = new Int32Array(this.n);
    this.classStart = new Int32Array(this.n + 1);
    this.classOfMask = new Int32Array(1 << c.nTiers).fill(-1);
    this.fillAt = new Int32Array(this.n);
  }
}

export function runAggregatedBlock(c: CompiledSim, p: Perturbation, seed: number, block: TrialBlock): void {
  if (c.nTiers > MAX_TIERS) throw new Error(`aggregated mode supports up to ${MAX_TIERS} tiers`);
  const TS = tokenStride(c);
  const cells = c.nActions * c.maxChain;
  const passP = new Float64Array(cells),
    rightP = new Float64Array(cells),
    rightF = new Float64Array(cells);
  const paths = new Paths(c);
  const pathCount = new Float64Array(cells);
  const rates = new Float64Array(c.days);
  const classTotal = new Float64Array(paths.n);
  const tIn = new Float64Array(c.nTiers),
    tOut = new Float64Array(c.nTiers);
  const x = new Float64Array(D),
    z = new Float64Array(D);
  const B = LAT_BINS + 1;
  for (let trial = block.start; trial < block.end; trial++) {
    const s = new Sampler(trialRng(seed, trial));
    drawPassProbs(c, p, s, passP);
    drawCorrectProbs(c, s, rightP, rightF);
    drawDayRates(c, p, s, rates);
    buildPaths(c, { passP, rightP, rightF }, paths);
    pathCount.fill(0);
    classTotal.fill(0);
    const out = (trial - block.start) * c.days * K;
    for (let d = 0; d < c.days; d++) {
      const lambda = rates[d]!;
      tIn.fill(0);
      tOut.fill(0);
      let requests = 0,
        passed = 0,
        right = 0,
        localServed = 0,
        baseIn = 0,
        baseOut = 0,
        busy = 0,
        latSum = 0,
        pc = 0,
        nScored = 0;
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
        const kept = s.binomial(n, paths.classPass[ci]!);
        passed += kept;
        if (c.hasCorrect) right += s.binomial(kept, paths.classRightPass[ci]!) + s.binomial(n - kept, paths.classRightFail[ci]!);
        if (mask === 0) localServed += n;
        baseIn += x[0]!;
        baseOut += x[1]!;
        for (let t = 0; t < c.nTiers; t++)
          if (mask & (1 << t)) {
            tIn[t]! += x[0]!;
            tOut[t]! += x[1]!;
          }
        busy += x[2]!;
        latSum += x[3]!;
        pc += x[4]!;
        nScored += x[5]!;
        classTotal[ci]! += n;
      }
      const o = out + d * K;
      block.daily[o + F_REQ] = requests;
      block.daily[o + F_PASSED] = passed;
      block.daily[o + F_LOCAL] = localServed;
      block.daily[o + F_LAT] = latSum;
      block.daily[o + F_CORRECT] = c.hasCorrect ? right : NaN;
      block.daily[o + F_PCORR] = pc;
      block.daily[o + F_SCORED] = nScored;
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
    block.p95LatencyMs[trial - block.start] =
      total === 0
        ? 0
        : quantileOnGrid(
            (bin) => {
              let cdf = 0;
              for (let k = 0; k < cells; k++) {
                const w = pathCount[k]!;
                if (w > 0) cdf += w * c.pathCdf[k * B + bin]!;
              }
              return cdf;
            },
            0.95 * total,
            c.latWidth,
          );
  }
}

interface TrialProbs {
  passP: Float64Array;
  rightP: Float64Array;
  rightF: Float64Array;
}

/** Every path's probability from the decision table, its per-request mean/variance, and the class mixtures. */
function buildPaths(c: CompiledSim, probs: TrialProbs, P: Paths): void {
  const passP = probs.passP;
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
        if (c.decision[(k << 1) | outcome] === 0) addPath(c, probs, P, { a, stop: pos, pass: outcome, weight: reach * q });
        else cont += q;
      }
      reach *= cont;
    }
    if (reach > 0) addPath(c, probs, P, { a, stop: L - 1, pass: 0, weight: reach });
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
      P.classRightPass[ci] = 0;
      P.classRightFail[ci] = 0;
    }
    P.cls[i] = ci;
    P.classWeight[ci]! += P.weight[i]!;
    if (P.pass[i] === 1) {
      P.classPass[ci]! += P.weight[i]!;
      P.classRightPass[ci]! += P.weight[i]! * P.right[i]!;
    } else P.classRightFail[ci]! += P.weight[i]! * P.right[i]!;
  }
  for (let ci = 0; ci < P.classes; ci++) {
    P.classOfMask[P.classMask[ci]!] = -1;
    const kept = P.classPass[ci]!,
      unkept = P.classWeight[ci]! - kept;
    P.classRightPass[ci] = kept > 0 ? Math.min(1, P.classRightPass[ci]! / kept) : 0;
    P.classRightFail[ci] = unkept > 0 ? Math.min(1, P.classRightFail[ci]! / unkept) : 0;
    P.classPass[ci] = Math.min(1, kept / P.classWeight[ci]!);
  }
  P.classStart.fill(0);
  for (let i = 0; i < P.count; i++) P.classStart[P.cls[i]! + 1]!++;
  for (let ci = 0; ci < P.classes; ci++) P.classStart[ci + 1]! += P.classStart[ci]!;
  for (let ci = 0; ci < P.classes; ci++) P.fillAt[ci] = P.classStart[ci]!;
  for (let i = 0; i < P.count; i++) P.order[P.fillAt[P.cls[i]!]!++] = i;
  const m2 = P.m2,
    mu = P.classMean;
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
      m2[3 * D + 2]! += w * P.wcov[i]!;
    }
    for (let r = 0; r < D; r++) for (let q = 0; q <= r; q++) m2[r * D + q]! -= mu[o + r]! * mu[o + q]!;
    cholesky(m2, P.classChol, ci * D * D);
  }
}

function addPath(c: CompiledSim, probs: TrialProbs, P: Paths, path: { a: number; stop: number; pass: number; weight: number }): void {
  const { a, stop, pass } = path;
  const i = P.count++;
  P.action[i] = a;
  P.stop[i] = stop;
  P.pass[i] = pass;
  P.weight[i] = path.weight;
  let mask = 0,
    bm = 0,
    bv = 0,
    lm = 0,
    lv = 0,
    cov = 0;
  for (let pos = 0; pos <= stop; pos++) {
    const k = a * c.maxChain + pos;
    const tier = c.cellPaidTier[k]!;
    if (tier >= 0) mask |= 1 << tier;
    lm += c.latMean[k]!;
    lv += c.latVar[k]!;
    bm += c.busyMean[k]!;
    bv += c.busyVar[k]!;
    cov += c.busyLatCov[k]!;
  }
  const k = a * c.maxChain + stop;
  // NaN where unknown: only when the quality metric is not computed, and then it is never drawn.
  P.right[i] = pass === 1 ? probs.rightP[k]! : probs.rightF[k]!;
  const scoredKept = pass === 1 && c.scored[k] === 1 ? 1 : 0;
  const o = i * D;
  P.mean[o] = c.tokInMean[a]!;
  P.mean[o + 1] = c.tokOutMean[a]!;
  P.mean[o + 2] = bm;
  P.mean[o + 3] = lm;
  P.mean[o + 4] = scoredKept === 1 ? probs.rightP[k]! : 0;
  P.mean[o + 5] = scoredKept;
  P.wvar[o] = c.tokInVar[a]!;
  P.wvar[o + 1] = c.tokOutVar[a]!;
  P.wvar[o + 2] = bv;
  P.wvar[o + 3] = lv;
  P.wvar[o + 4] = 0;
  P.wvar[o + 5] = 0;
  P.wcov[i] = cov;
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
      const at = k * LAT_Q + (s.u32() >>> 22);
      const l = c.lat[at]!;
      x[3]! += l;
      const tier = c.cellPaidTier[k]!;
      if (tier === LOCAL_ONE) x[2]! += l;
      else if (tier === LOCAL_MANY) x[2]! += c.busyLat[at]!;
    }
    x[4]! += P.mean[i * D + 4]!;
    x[5]! += P.mean[i * D + 5]!;
  }
}
