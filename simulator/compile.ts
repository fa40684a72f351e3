/**
 * Turns SimInputs into flat typed-array tables the engines index without allocation: an alias table for
 * the action mix, inverse-CDF tables for tokens (2^12 equiprobable atoms) and latencies (2^10 atoms; a
 * cell of several parallel calls gets the latency of the slowest and the busy time of all), the policy
 * decision table, correctness Betas, and per-path latency CDFs for the aggregated mode's p95. Plain data
 * only, so it crosses to worker threads by structured clone.
 */
import type { ModelPrice } from "../router/config/prices.js";
import { buildDecisionTable } from "./decision-table.js";
import { normalQuantile } from "./distributions.js";
import type { LatencyInput, SimInputs, TokenInput } from "./inputs.js";
import { parallelCallTables } from "./parallel-calls.js";

/** Token tables: 2^12 equiprobable atoms per action and direction (16 KB: stays in cache in the hot loop). */
export const TOKEN_BITS = 12;
export const TOKEN_Q = 1 << TOKEN_BITS;
export const LAT_BITS = 10;
export const LAT_Q = 1 << LAT_BITS;
/** Per-request latency histograms (exact mode) and path CDFs (aggregated) share this grid: bins 0..LAT_BINS. */
export const LAT_BINS = 2048;

export interface CompiledSim {
  days: number;
  dayMean: Float64Array;
  dispersion: number;
  nActions: number;
  maxChain: number;
  mix: Float64Array;
  aliasBits: number;
  /** Acceptance thresholds on (u >>> aliasBits), in units of 2^(32 − aliasBits). */
  aliasCut: Float64Array;
  aliasAlt: Int32Array;
  chainLen: Int32Array;
  /** Tier index per (action, position). */
  chainTier: Int32Array;
  /** Tier index per (action, position) when the tier is paid; LOCAL_ONE for one local call, LOCAL_MANY for several in parallel. */
  cellPaidTier: Int32Array;
  nTiers: number;
  tierLocal: Uint8Array;
  /** Price per tier (null for local tiers); costs go through tokenCostUsd with these. */
  tierPrice: (ModelPrice | null)[];
  baselineTier: number;
  decision: Uint8Array;
  /** Beta over P(the cell keeps its answer); passBeta 0 = always (the last cell of a calibrated policy). */
  passAlpha: Float64Array;
  passBeta: Float64Array;
  /** Beta over P(right | kept) and P(right | returned unkept) per cell; NaN = unknown (never returned, or no evidence). */
  corrPassAlpha: Float64Array;
  corrPassBeta: Float64Array;
  corrFailAlpha: Float64Array;
  corrFailBeta: Float64Array;
  /** 1 where the unkept answer's correctness is the same draw as the kept one's. */
  corrShared: Uint8Array;
  /** Every return state has correctness evidence: the quality metric is computed. */
  hasCorrect: boolean;
  /** 1 where the cell keeps answers on a learned scorer's P(correct). */
  scored: Uint8Array;
  hasScored: boolean;
  tokIn: Int32Array;
  tokOut: Int32Array;
  tokInMean: Float64Array;
  tokInVar: Float64Array;
  tokOutMean: Float64Array;
  tokOutVar: Float64Array;
  /** Latency quantiles (ms), LAT_Q per cell; float32 keeps the table in cache. */
  lat: Float32Array;
  /** Busy ms paired atom by atom with `lat`, filled for LOCAL_MANY cells only (elsewhere busy = lat, or 0 when paid). */
  busyLat: Float32Array;
  latMean: Float64Array;
  latVar: Float64Array;
  /** Per cell: mean and variance of local busy ms, and its covariance with the cell's latency. */
  busyMean: Float64Array;
  busyVar: Float64Array;
  busyLatCov: Float64Array;
  latWidth: number;
  /** P(path latency ≤ bin·latWidth) for the path that stops at (action, position); LAT_BINS + 1 per cell. */
  pathCdf: Float64Array;
  usdPerBusySecond: number;
  fixedUsdPerDay: number;
}

export const LOCAL_ONE = -1,
  LOCAL_MANY = -2;

export function compileInputs(inputs: SimInputs): CompiledSim {
  const A = inputs.actions.length;
  const maxChain = Math.max(1, ...inputs.actions.map((a) => a.cells.length));
  const tierIndex = new Map(inputs.tiers.map((t, i) => [t.name, i]));
  const cells = A * maxChain;
  const chainLen = new Int32Array(A);
  const chainTier = new Int32Array(cells);
  const passAlpha = new Float64Array(cells).fill(1);
  const passBeta = new Float64Array(cells).fill(1);
  const lat = new Float32Array(cells * LAT_Q);
  const busyLat = new Float32Array(cells * LAT_Q);
  const latMean = new Float64Array(cells);
  const latVar = new Float64Array(cells);
  const busyMean = new Float64Array(cells),
    busyVar = new Float64Array(cells),
    busyLatCov = new Float64Array(cells);
  const corrPassAlpha = new Float64Array(cells).fill(NaN),
    corrPassBeta = new Float64Array(cells).fill(NaN);
  const corrFailAlpha = new Float64Array(cells).fill(NaN),
    corrFailBeta = new Float64Array(cells).fill(NaN);
  const corrShared = new Uint8Array(cells);
  const scored = new Uint8Array(cells);
  const calls = new Int32Array(cells).fill(1);
  const tokIn = new Int32Array(A * TOKEN_Q);
  const tokOut = new Int32Array(A * TOKEN_Q);
  const tokInMean = new Float64Array(A),
    tokInVar = new Float64Array(A),
    tokOutMean = new Float64Array(A),
    tokOutVar = new Float64Array(A);
  inputs.actions.forEach((a, ai) => {
    chainLen[ai] = a.cells.length;
    a.cells.forEach((c, pos) => {
      const k = ai * maxChain + pos;
      chainTier[k] = tierIndex.get(c.tier)!;
      passAlpha[k] = c.pass.alpha;
      passBeta[k] = c.pass.beta;
      const table = lat.subarray(k * LAT_Q, (k + 1) * LAT_Q);
      latencyTable(c.latency, table);
      calls[k] = c.calls;
      if (c.calls > 1) parallelCallTables({ single: table, calls: c.calls, latency: table, busy: busyLat.subarray(k * LAT_Q, (k + 1) * LAT_Q) });
      [latMean[k], latVar[k]] = moments(table);
      corrPassAlpha[k] = c.correct.ifPass?.alpha ?? NaN;
      corrPassBeta[k] = c.correct.ifPass?.beta ?? NaN;
      corrFailAlpha[k] = c.correct.ifFail?.alpha ?? NaN;
      corrFailBeta[k] = c.correct.ifFail?.beta ?? NaN;
      corrShared[k] = c.correct.shared ? 1 : 0;
      scored[k] = c.basis === "p_correct" ? 1 : 0;
    });
    const tin = tokIn.subarray(ai * TOKEN_Q, (ai + 1) * TOKEN_Q);
    const tout = tokOut.subarray(ai * TOKEN_Q, (ai + 1) * TOKEN_Q);
    tokenTable(a.tokens.input, tin);
    tokenTable(a.tokens.output, tout);
    [tokInMean[ai], tokInVar[ai]] = moments(tin);
    [tokOutMean[ai], tokOutVar[ai]] = moments(tout);
  });
  const tierLocal = Uint8Array.from(inputs.tiers.map((t) => (t.local ? 1 : 0)));
  const cellPaidTier = chainTier.map((t, k) => (tierLocal[t] !== 1 ? t : calls[k]! > 1 ? LOCAL_MANY : LOCAL_ONE));
  for (let k = 0; k < cells; k++) {
    if (cellPaidTier[k]! >= 0) continue;
    if (cellPaidTier[k] === LOCAL_ONE) {
      busyMean[k] = latMean[k]!;
      busyVar[k] = latVar[k]!;
      busyLatCov[k] = latVar[k]!;
    } else [busyMean[k], busyVar[k], busyLatCov[k]] = pairMoments(busyLat.subarray(k * LAT_Q, (k + 1) * LAT_Q), lat.subarray(k * LAT_Q, (k + 1) * LAT_Q));
  }
  const mix = Float64Array.from(inputs.actions.map((a) => a.share));
  const alias = aliasTable(mix);
  let maxSum = 0;
  for (let ai = 0; ai < A; ai++) {
    let s = 0;
    for (let pos = 0; pos < chainLen[ai]!; pos++) s += lat[(ai * maxChain + pos + 1) * LAT_Q - 1]!;
    maxSum = Math.max(maxSum, s);
  }
  const latWidth = maxSum > 0 ? maxSum / LAT_BINS : 1;
  return {
    days: inputs.days,
    dayMean: Float64Array.from(inputs.dayMean),
    dispersion: inputs.dispersion,
    nActions: A,
    maxChain,
    mix,
    aliasBits: alias.bits,
    aliasCut: alias.cut,
    aliasAlt: alias.alt,
    chainLen,
    chainTier,
    cellPaidTier,
    nTiers: inputs.tiers.length,
    tierLocal,
    tierPrice: inputs.tiers.map((t) => t.price),
    baselineTier: tierIndex.get(inputs.baselineTier)!,
    decision: buildDecisionTable(inputs.actions, maxChain),
    passAlpha,
    passBeta,
    corrPassAlpha,
    corrPassBeta,
    corrFailAlpha,
    corrFailBeta,
    corrShared,
    hasCorrect: inputs.missingCorrectness.length === 0,
    scored,
    hasScored: scored.some((x) => x === 1),
    tokIn,
    tokOut,
    tokInMean,
    tokInVar,
    tokOutMean,
    tokOutVar,
    lat,
    busyLat,
    latMean,
    latVar,
    busyMean,
    busyVar,
    busyLatCov,
    latWidth,
    pathCdf: pathCdfs({ lat, chainLen, maxChain, nActions: A, width: latWidth, keys: latencyKeys(inputs, maxChain) }),
    usdPerBusySecond: inputs.localUsdPerSecond,
    fixedUsdPerDay: inputs.localFixedUsdPerDay,
  };
}

/** Identity of each cell's latency distribution: config ranges by value, bench samples by array. */
function latencyKeys(inputs: SimInputs, maxChain: number): string[] {
  const ids = new Map<number[], number>();
  const keys = new Array<string>(inputs.actions.length * maxChain).fill("");
  inputs.actions.forEach((a, ai) =>
    a.cells.forEach((c, pos) => {
      const l = c.latency;
      const calls = c.calls > 1 ? `x${c.calls}` : "";
      if (l.kind === "uniform") keys[ai * maxChain + pos] = `u${l.lo}:${l.hi}${calls}`;
      else {
        if (!ids.has(l.samples)) ids.set(l.samples, ids.size);
        keys[ai * maxChain + pos] = `e${ids.get(l.samples)}${calls}`;
      }
    }),
  );
  return keys;
}

/** Tokens at the midpoints of 2^TOKEN_BITS equal-probability strata of the lognormal, rounded, at least 1. */
function tokenTable(spec: TokenInput, out: Int32Array): void {
  const mu = Math.log(spec.median);
  const z = standardNormalStrata();
  for (let i = 0; i < out.length; i++) out[i] = Math.max(1, Math.round(Math.exp(mu + spec.log_sd * z[i]!)));
}

let zStrata: Float64Array | undefined;
/** Φ⁻¹ at the token strata midpoints, shared by every token table. */
function standardNormalStrata(): Float64Array {
  if (!zStrata) {
    zStrata = new Float64Array(TOKEN_Q);
    for (let i = 0; i < TOKEN_Q; i++) zStrata[i] = normalQuantile((i + 0.5) / TOKEN_Q);
  }
  return zStrata;
}

/** Latency quantiles at 2^10 strata midpoints: uniform over the range, or the bench samples' quantile function. */
function latencyTable(spec: LatencyInput, out: Float32Array): void {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const q = (i + 0.5) / n;
    if (spec.kind === "uniform") out[i] = spec.lo + q * (spec.hi - spec.lo);
    else {
      const s = spec.samples;
      const h = (s.length - 1) * q;
      const j = Math.floor(h);
      out[i] = s[j]! + (h - j) * ((s[Math.min(j + 1, s.length - 1)] ?? s[j]!) - s[j]!);
    }
  }
}

function moments(t: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < t.length; i++) m += t[i]!;
  m /= t.length;
  let v = 0;
  for (let i = 0; i < t.length; i++) v += (t[i]! - m) * (t[i]! - m);
  return [m, v / t.length];
}

/** Means of x and y, variance of x, covariance of x and y, over paired atoms. */
function pairMoments(x: ArrayLike<number>, y: ArrayLike<number>): [number, number, number] {
  const [mx, vx] = moments(x);
  const [my] = moments(y);
  let cov = 0;
  for (let i = 0; i < x.length; i++) cov += (x[i]! - mx) * (y[i]! - my);
  return [mx, vx, cov / x.length];
}

/** Vose's alias method over a power-of-two slot count: index from the low bits, acceptance from the rest. */
export function aliasTable(weights: Float64Array): { bits: number; cut: Float64Array; alt: Int32Array } {
  const n = weights.length;
  let bits = 0;
  while (1 << bits < n) bits++;
  const K = 1 << bits;
  const total = weights.reduce((s, w) => s + w, 0);
  const prob = new Float64Array(K);
  for (let i = 0; i < n; i++) prob[i] = (weights[i]! / total) * K;
  const alt = new Int32Array(K);
  const small: number[] = [],
    large: number[] = [];
  for (let i = K - 1; i >= 0; i--) (prob[i]! < 1 ? small : large).push(i);
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!,
      l = large.pop()!;
    alt[s] = l;
    prob[l] = prob[l]! + prob[s]! - 1;
    (prob[l]! < 1 ? small : large).push(l);
  }
  for (const i of [...small, ...large]) {
    prob[i] = 1;
    alt[i] = i;
  }
  const scale = 2 ** (32 - bits);
  return { bits, cut: prob.map((p) => p * scale), alt };
}

/**
 * For every (action, position): the CDF of the summed latency of positions 0..position on the shared grid.
 * Paths with the same latency distributions (e.g. the same tiers with config ranges) share one convolution.
 */
function pathCdfs(args: { lat: Float32Array; chainLen: Int32Array; maxChain: number; nActions: number; width: number; keys: string[] }): Float64Array {
  const B = LAT_BINS + 1;
  const out = new Float64Array(args.nActions * args.maxChain * B);
  const cache = new Map<string, Float64Array>();
  for (let a = 0; a < args.nActions; a++) {
    let dist: Float64Array = new Float64Array(B);
    dist[0] = 1;
    let key = "";
    for (let pos = 0; pos < args.chainLen[a]!; pos++) {
      const k = a * args.maxChain + pos;
      key += `|${args.keys[k]}`;
      const cached = cache.get(key);
      if (cached) dist = cached;
      else {
        dist = convolve(dist, tierHistogram(args.lat, k, args.width));
        cache.set(key, dist);
      }
      let c = 0;
      for (let i = 0; i < B; i++) out[k * B + i] = c += dist[i]!;
    }
  }
  return out;
}

function tierHistogram(lat: Float32Array, k: number, width: number): Float64Array {
  const h = new Float64Array(LAT_BINS + 1);
  for (let i = 0; i < LAT_Q; i++) h[Math.min(LAT_BINS, Math.round(lat[k * LAT_Q + i]! / width))]! += 1 / LAT_Q;
  return h;
}

/** Distribution of the sum, with everything beyond the grid folded into the last bin. */
function convolve(dist: Float64Array, tier: Float64Array): Float64Array {
  let lo = 0,
    hi = LAT_BINS;
  while (tier[lo] === 0) lo++;
  while (tier[hi] === 0) hi--;
  const next = new Float64Array(LAT_BINS + 1);
  for (let i = 0; i <= LAT_BINS; i++) {
    const di = dist[i]!;
    if (di === 0) continue;
    const lim = Math.min(hi, LAT_BINS - i);
    for (let j = lo; j <= lim; j++) next[i + j]! += di * tier[j]!;
    let tail = 0;
    for (let j = Math.max(lo, lim + 1); j <= hi; j++) tail += tier[j]!;
    next[LAT_BINS]! += di * tail;
  }
  return next;
}
