/**
 * AUROC of a signal (any real-valued score, higher meaning "more likely right") with a seeded percentile
 * bootstrap interval. Resampling is stratified, right and wrong answers each with replacement within
 * their own group, as pROC does by default: every resample then has both classes, and the interval
 * describes the AUROC at the observed class balance.
 */
import { quantileSorted } from "simple-statistics";
import { createRng } from "../../core/rng.js";
import { auroc, type ScoredOutcome } from "./calibration-metrics.js";

export interface SignalOutcome {
  /** Any real number; null, undefined and non-finite values are missing and left out. */
  score: number | null | undefined;
  correct: boolean;
}

export interface AurocEstimate {
  /** Null when every answer with a value is right, or every one is wrong. */
  auroc: number | null;
  lower: number | null;
  upper: number | null;
  confidence: number;
  iterations: number;
  /** Answers with a value, and how many of them are right / wrong. */
  n: number;
  positives: number;
  negatives: number;
  /** Answers left out for having no value. */
  missing: number;
}

export interface AurocBootstrapOptions {
  seed: number;
  /** Resamples; default 2000. */
  iterations?: number;
  /** Central interval mass; default 0.95. */
  confidence?: number;
}

export function aurocWithBootstrap(items: readonly SignalOutcome[], opts: AurocBootstrapOptions): AurocEstimate {
  const iterations = opts.iterations ?? 2000;
  const confidence = opts.confidence ?? 0.95;
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new RangeError(`aurocWithBootstrap: iterations must be a positive integer, got ${iterations}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`aurocWithBootstrap: confidence must be in (0, 1), got ${confidence}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`aurocWithBootstrap: seed must be a finite number, got ${opts.seed}`);
  const present = items.filter((it): it is { score: number; correct: boolean } => typeof it.score === "number" && Number.isFinite(it.score));
  const unit = toUnitRanks(present);
  const pos = unit.filter((p) => p.correct).map((p) => p.score);
  const neg = unit.filter((p) => !p.correct).map((p) => p.score);
  const base = { confidence, iterations, n: present.length, positives: pos.length, negatives: neg.length, missing: items.length - present.length };
  const point = auroc(unit);
  if (point === undefined) return { ...base, auroc: null, lower: null, upper: null };

  const rng = createRng(opts.seed);
  const resample: ScoredOutcome[] = new Array(pos.length + neg.length);
  const stats = new Array<number>(iterations);
  for (let it = 0; it < iterations; it++) {
    let k = 0;
    for (let j = 0; j < pos.length; j++) resample[k++] = { score: pos[Math.floor(rng.next() * pos.length)]!, correct: true };
    for (let j = 0; j < neg.length; j++) resample[k++] = { score: neg[Math.floor(rng.next() * neg.length)]!, correct: false };
    stats[it] = auroc(resample)!;
  }
  stats.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return { ...base, auroc: point, lower: quantileSorted(stats, tail), upper: quantileSorted(stats, 1 - tail) };
}

/** AUROC with a bootstrap interval per named signal. Each is resampled from the same seed, so adding a signal never moves another's interval. */
export function signalAurocs(signals: Readonly<Record<string, readonly SignalOutcome[]>>, opts: AurocBootstrapOptions): Record<string, AurocEstimate> {
  const out: Record<string, AurocEstimate> = {};
  for (const name of Object.keys(signals).sort()) out[name] = aurocWithBootstrap(signals[name]!, opts);
  return out;
}

/**
 * Maps scores to (rank − 1)/(n − 1) in [0, 1], ties sharing a rank. AUROC only depends on order, and
 * `auroc` takes scores in [0, 1]; this keeps order and ties exactly, which squashing through a sigmoid
 * would not for far-apart log-probabilities.
 */
export function toUnitRanks(items: readonly { score: number; correct: boolean }[]): ScoredOutcome[] {
  const distinct = [...new Set(items.map((p) => p.score))].sort((a, b) => a - b);
  const rank = new Map(distinct.map((s, i) => [s, distinct.length === 1 ? 0 : i / (distinct.length - 1)]));
  return items.map((p) => ({ score: rank.get(p.score)!, correct: p.correct }));
}
