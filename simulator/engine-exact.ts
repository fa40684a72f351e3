/**
 * Exact mode: every request is simulated. Per request: the action (alias method, one uint32), its input
 * and output tokens (one uint32: 12 bits each into 2^12-atom inverse-CDF tables), then the chain walk:
 * per cell one uint32 gives the latency (top 10 bits) and the pass draw (low 22 bits vs p·2^22), and the
 * policy's decision table says stop or move up. Whether the returned answer is right reuses the pass draw:
 * given pass, the low bits are uniform below p·2^22 (given fail, above it), so comparing them with
 * p·q·2^22 (or p·2^22 + (1 − p)·q·2^22) is a fresh Bernoulli(q) with no extra random number.
 * The pure-API baseline prices the SAME token draws.
 *
 * Random numbers come from the project RNG in blocks: `fillUint32(buffer)` when the Rng offers it (a fast
 * bulk path producing the identical sequence), else `nextUint32()` per slot. Either way the same stream.
 */
import { LAT_BINS, LAT_Q, LOCAL_MANY, LOCAL_ONE, TOKEN_BITS, type CompiledSim } from "./compile.js";
import { fillFromRng, Sampler, type BulkRng } from "./distributions.js";
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

const BUF = 4096;
const PASS_BITS = 32 - 10;
const PASS_MASK = (1 << PASS_BITS) - 1;
const PASS_SCALE = 2 ** PASS_BITS;

/** Buffered uint32 stream: `ensure(n)` guarantees n unread values from position `pos` without dropping any. */
class U32Stream {
  readonly buf = new Uint32Array(BUF);
  pos = BUF;
  constructor(private readonly rng: BulkRng) {}
  refill(): void {
    const rest = BUF - this.pos;
    this.buf.copyWithin(0, this.pos);
    fillFromRng(this.rng, this.buf.subarray(rest));
    this.pos = 0;
  }
}

interface DayAcc {
  tokIn: Float64Array;
  tokOut: Float64Array;
  /** baseIn, baseOut, passed, localServed, latSum, busyMs, correct, pCorrectSum, scored */
  s: Float64Array;
}

/**
 * The trial's per-cell cut-offs on the 22 pass bits, and what a stop adds; the last three indexed by
 * (cell << 1) | passed, so the hot loop reads them without a branch.
 */
interface CellCuts {
  pass: Float64Array;
  /** Right when the pass bits fall below: p·q·2^22 (kept), p·2^22 + (1 − p)·q·2^22 (returned unkept). */
  right: Float64Array;
  /** P(right | kept) where the cell keeps on a scorer's P(correct), else 0. */
  pCorrect: Float64Array;
  /** 1 where a kept answer counts as scored. */
  scored: Float64Array;
}

export function runExactBlock(c: CompiledSim, p: Perturbation, seed: number, block: TrialBlock): void {
  if (LAT_Q !== 1 << 10) throw new Error("exact mode assumes 10 latency bits");
  const TS = tokenStride(c);
  const cells = c.nActions * c.maxChain;
  const passP = new Float64Array(cells),
    rightP = new Float64Array(cells),
    rightF = new Float64Array(cells);
  const cuts: CellCuts = {
    pass: new Float64Array(cells),
    right: new Float64Array(2 * cells),
    pCorrect: new Float64Array(2 * cells),
    scored: new Float64Array(2 * cells),
  };
  const rates = new Float64Array(c.days);
  const hist = new Int32Array(LAT_BINS + 1);
  const acc: DayAcc = { tokIn: new Float64Array(c.nTiers), tokOut: new Float64Array(c.nTiers), s: new Float64Array(9) };
  for (let trial = block.start; trial < block.end; trial++) {
    const rng = trialRng(seed, trial);
    const sampler = new Sampler(rng);
    const stream = new U32Stream(rng.fork(1) as BulkRng);
    drawPassProbs(c, p, sampler, passP);
    drawCorrectProbs(c, sampler, rightP, rightF);
    drawDayRates(c, p, sampler, rates);
    for (let k = 0; k < cells; k++) {
      const cut = passP[k]! * PASS_SCALE;
      cuts.pass[k] = cut;
      // NaN (unknown) compares false: no answer counts as right, and the results say "not computed".
      cuts.right[2 * k] = cut + (PASS_SCALE - cut) * rightF[k]!;
      cuts.right[2 * k + 1] = cut * rightP[k]!;
      cuts.pCorrect[2 * k + 1] = c.scored[k] === 1 ? rightP[k]! : 0;
      cuts.scored[2 * k + 1] = c.scored[k]!;
    }
    hist.fill(0);
    const out = (trial - block.start) * c.days * K;
    let requests = 0;
    for (let d = 0; d < c.days; d++) {
      const n = sampler.poisson(rates[d]!);
      acc.tokIn.fill(0);
      acc.tokOut.fill(0);
      acc.s.fill(0);
      simulateRequests(c, cuts, stream, hist, acc, n);
      const s = acc.s;
      const o = out + d * K;
      block.daily[o + F_REQ] = n;
      block.daily[o + F_PASSED] = s[2]!;
      block.daily[o + F_LOCAL] = s[3]!;
      block.daily[o + F_LAT] = s[4]!;
      block.daily[o + F_CORRECT] = c.hasCorrect ? s[6]! : NaN;
      block.daily[o + F_PCORR] = s[7]!;
      block.daily[o + F_SCORED] = s[8]!;
      const to = ((trial - block.start) * c.days + d) * TS;
      block.tokens[to + T_BUSY] = s[5]!;
      block.tokens[to + T_BASE_IN] = s[0]!;
      block.tokens[to + T_BASE_OUT] = s[1]!;
      for (let t = 0; t < c.nTiers; t++) {
        block.tokens[to + T_TIERS + 2 * t] = acc.tokIn[t]!;
        block.tokens[to + T_TIERS + 2 * t + 1] = acc.tokOut[t]!;
      }
      requests += n;
    }
    for (let b = 1; b <= LAT_BINS; b++) hist[b]! += hist[b - 1]!;
    block.p95LatencyMs[trial - block.start] = requests === 0 ? 0 : quantileOnGrid((bin) => hist[bin]!, 0.95 * requests, c.latWidth);
  }
}

/** The hot loop: n requests of one day. Locals only; typed arrays indexed directly. */
function simulateRequests(c: CompiledSim, cuts: CellCuts, st: U32Stream, hist: Int32Array, acc: DayAcc, n: number): void {
  const { aliasCut, aliasAlt, tokIn, tokOut, chainLen, cellPaidTier, lat, busyLat, decision } = c;
  const passCut = cuts.pass,
    rightCut = cuts.right,
    pCorrect = cuts.pCorrect,
    scored = cuts.scored;
  // Nothing to count when no answer's correctness is known and no cell has a scorer (the totals stay 0).
  const track = c.hasCorrect || c.hasScored;
  const aliasBits = c.aliasBits,
    aliasMask = (1 << aliasBits) - 1,
    maxChain = c.maxChain;
  const tIn = acc.tokIn,
    tOut = acc.tokOut;
  const invW = 1 / c.latWidth;
  const need = 2 + maxChain;
  const tokBits = TOKEN_BITS,
    tokShift = 32 - TOKEN_BITS,
    tokMask = (1 << TOKEN_BITS) - 1,
    maxBin = LAT_BINS;
  const buf = st.buf;
  let baseIn = 0,
    baseOut = 0,
    passed = 0,
    localServed = 0,
    latSum = 0,
    busy = 0,
    right = 0,
    pc = 0,
    nScored = 0;
  let r = 0;
  while (r < n) {
    // Refill outside the hot loop, then serve as many requests as the buffer surely covers.
    if (BUF - st.pos < need) st.refill();
    let i = st.pos;
    const batch = Math.min(n - r, Math.floor((BUF - i) / need));
    for (let j = 0; j < batch; j++) {
      const u = buf[i++]!;
      const slot = u & aliasMask;
      const a = u >>> aliasBits < aliasCut[slot]! ? slot : aliasAlt[slot]!;
      const t = buf[i++]!;
      const row = a << tokBits;
      const ti = tokIn[row | (t >>> tokShift)]!;
      const to = tokOut[row | (t & tokMask)]!;
      baseIn += ti;
      baseOut += to;
      const L = chainLen[a]!;
      let k = a * maxChain;
      const end = k + L;
      let reqLat = 0,
        paid = 0,
        stopped = 0,
        pass = 0,
        w = 0;
      for (; k < end; k++) {
        const v = buf[i++]!;
        const at = (k << 10) | (v >>> PASS_BITS);
        const l = lat[at]!;
        reqLat += l;
        w = v & PASS_MASK;
        pass = w < passCut[k]! ? 1 : 0;
        const tier = cellPaidTier[k]!;
        if (tier === LOCAL_ONE) busy += l;
        else if (tier === LOCAL_MANY) busy += busyLat[at]!;
        else {
          paid = 1;
          tIn[tier]! += ti;
          tOut[tier]! += to;
        }
        if (decision[(k << 1) | pass] === 0) {
          stopped = 1;
          break;
        }
      }
      if (stopped === 1) passed += pass;
      else k = end - 1;
      if (track) {
        const at = (k << 1) | pass;
        right += w < rightCut[at]! ? 1 : 0;
        pc += pCorrect[at]!;
        nScored += scored[at]!;
      }
      localServed += 1 - paid;
      latSum += reqLat;
      const bin = (reqLat * invW + 0.5) | 0;
      hist[bin < maxBin ? bin : maxBin]!++;
    }
    st.pos = i;
    r += batch;
  }
  const s = acc.s;
  s[0] = baseIn;
  s[1] = baseOut;
  s[2] = passed;
  s[3] = localServed;
  s[4] = latSum;
  s[5] = busy;
  s[6] = right;
  s[7] = pc;
  s[8] = nScored;
}
