/**
 * `bench compare`, the pure part: the CI regression check between a base run and a head run, per
 * (model, action). When the runs measured the same items, records are paired by item and the tests
 * are paired (McNemar's exact test on pass/fail, a paired bootstrap on latency), which removes item
 * difficulty from the comparison. When they share few items (runs with different seeds or samples),
 * each run is an independent sample and the tests are unpaired (Fisher's exact test, a two-sample
 * bootstrap). Every group says which design it used and why.
 */
import type { BenchRecord } from "../contracts/bench-record.js";
import { UsageError } from "../../core/errors.js";
import { EXIT } from "../../core/exit-codes.js";
import { compareLatency, type LatencyComparison } from "./compare-latency.js";
import { compareQuality, type QualityComparison } from "./compare-quality.js";

export type { LatencyComparison } from "./compare-latency.js";
export type { QualityComparison } from "./compare-quality.js";

/** Version of the `--json` output, for scripts that read it. 2: designs (paired/unpaired), ratio gate. */
export const COMPARE_VERSION = 2 as const;

/**
 * The latency floor is what a loaded shared CI machine moves a median by between two identical runs;
 * see the false-alarm measurement in bench/compare/README.md.
 */
export const COMPARE_DEFAULTS = { margin: 0.02, alpha: 0.05, latencyMarginMs: 20, latencyMargin: 0.1, seed: 1, iterations: 10_000, pairedShare: 0.8 };

export interface CompareOptions {
  /** Pass-rate drop (as a fraction) that counts as a regression when also significant. */
  margin?: number;
  /** Significance level of every one-sided test (McNemar or Fisher; the latency ratio's bootstrap bound). */
  alpha?: number;
  /** Practical effect, absolute: e2e p50 must rise by at least this many ms. */
  latencyMarginMs?: number;
  /** Practical effect, relative: e2e p50 must rise by at least this fraction (0.1 = 10 %). */
  latencyMargin?: number;
  seed?: number;
  iterations?: number;
  /** Paired tests when the shared items are at least this share of the smaller run's items. */
  pairedShare?: number;
}

export interface Samples {
  /** Measured records of the group, per run, error-free, warm-up excluded. */
  base: BenchRecord[];
  head: BenchRecord[];
  /** Items measured without error in both runs, as (base, head) pairs in item order. */
  pairs: [BenchRecord, BenchRecord][];
}

export type Design = "paired" | "unpaired";

export type GroupComparison = {
  model_id: string;
  action: string;
  design: Design;
  /** Why that design: how many items the runs share. */
  design_reason: string;
  /** Items measured (error or not) in both runs. */
  paired: number;
  n_base: number;
  n_head: number;
  /** Measured items that failed with an error, per run; kept out of pass rates and latency. */
  errors: { base: number; head: number };
  quality: QualityComparison | null;
  latency: LatencyComparison[];
  regression: boolean;
};

export type CompareResult = {
  version: typeof COMPARE_VERSION;
  base_run: string;
  head_run: string;
  options: Required<CompareOptions>;
  groups: GroupComparison[];
  /** Measured records whose item the other run did not measure, per side. */
  unpaired: { base: number; head: number };
  /** (model, action) groups measured in one run only: not compared. */
  only_in: { base: string[]; head: string[] };
  verdict: "ok" | "regression";
  exit_code: number;
};

export function compareRuns(base: readonly BenchRecord[], head: readonly BenchRecord[], opts: CompareOptions = {}): CompareResult {
  const o: Required<CompareOptions> = { ...COMPARE_DEFAULTS, ...definedOnly(opts) };
  checkOptions(o);
  const baseRun = runIds(base);
  const headRun = runIds(head);
  const b = groupRecords(base, `base run ${baseRun}`);
  const h = groupRecords(head, `head run ${headRun}`);
  const shared = [...b.keys()].filter((k) => h.has(k)).sort(byCodeUnit);
  if (shared.length === 0) {
    throw new UsageError({
      message: `base run ${baseRun} and head run ${headRun} have no (model, action) in common, so there is nothing to compare`,
      fix: "compare two runs of the same models and actions",
    });
  }
  const groups = shared.map((k) => compareGroup(b.get(k)!, h.get(k)!, o));
  let unpaired = { base: 0, head: 0 };
  for (const k of shared) {
    const bi = b.get(k)!,
      hi = h.get(k)!;
    unpaired = { base: unpaired.base + [...bi.keys()].filter((i) => !hi.has(i)).length, head: unpaired.head + [...hi.keys()].filter((i) => !bi.has(i)).length };
  }
  const regression = groups.some((g) => g.regression);
  return {
    version: COMPARE_VERSION,
    base_run: baseRun,
    head_run: headRun,
    options: o,
    groups,
    unpaired,
    only_in: {
      base: [...b.keys()]
        .filter((k) => !h.has(k))
        .map(label)
        .sort(),
      head: [...h.keys()]
        .filter((k) => !b.has(k))
        .map(label)
        .sort(),
    },
    verdict: regression ? "regression" : "ok",
    exit_code: regression ? EXIT.regression : EXIT.ok,
  };
}

function compareGroup(b: Map<string, BenchRecord>, h: Map<string, BenchRecord>, o: Required<CompareOptions>): GroupComparison {
  const items = [...b.keys()].filter((i) => h.has(i)).sort(byCodeUnit);
  const smaller = Math.min(b.size, h.size);
  const design: Design = items.length > 0 && items.length >= o.pairedShare * smaller ? "paired" : "unpaired";
  const share = `${items.length} of ${smaller} items`;
  const design_reason =
    design === "paired"
      ? `the runs measured the same items (${share} of the smaller run shared), so each item is compared with itself`
      : `the runs share only ${share} of the smaller run (below ${Math.round(o.pairedShare * 100)} %: different seeds or samples), so each run is an independent sample`;
  // The bootstrap resamples positions, so order must not depend on the order records were written.
  const byItem = (m: Map<string, BenchRecord>) => [...m.entries()].sort(([x], [y]) => byCodeUnit(x, y)).map(([, r]) => r);
  const ok = (r: BenchRecord) => r.error === null;
  const samples: Samples = {
    base: byItem(b).filter(ok),
    head: byItem(h).filter(ok),
    pairs: items.map((i) => [b.get(i)!, h.get(i)!] as [BenchRecord, BenchRecord]).filter(([x, y]) => ok(x) && ok(y)),
  };
  const quality = compareQuality({ samples, design, options: o });
  const latency = compareLatency({ samples, design, options: o });
  const first = b.values().next().value!;
  const counted = (m: Map<string, BenchRecord>) => (design === "paired" ? items.map((i) => m.get(i)!) : [...m.values()]);
  return {
    model_id: first.model_id,
    action: first.action,
    design,
    design_reason,
    paired: items.length,
    n_base: b.size,
    n_head: h.size,
    errors: { base: counted(b).filter((r) => !ok(r)).length, head: counted(h).filter((r) => !ok(r)).length },
    quality,
    latency,
    regression: (quality?.regression ?? false) || latency.some((l) => l.regression === true),
  };
}

/** Measured records by (model, action), then by item; a second record for one item makes pairing ambiguous. */
function groupRecords(records: readonly BenchRecord[], which: string): Map<string, Map<string, BenchRecord>> {
  const out = new Map<string, Map<string, BenchRecord>>();
  for (const r of records) {
    if (r.warmup) continue;
    const key = `${r.model_id}\u0000${r.action}`;
    let g = out.get(key);
    if (!g) out.set(key, (g = new Map()));
    if (g.has(r.item_id)) {
      throw new UsageError({
        message: `${which} has two records for model ${r.model_id}, action ${r.action}, item ${r.item_id}; a run has one per item`,
        fix: "compare runs with one record per (model, action, item), e.g. not two runs' records concatenated",
      });
    }
    g.set(r.item_id, r);
  }
  return out;
}

const label = (key: string) => key.replace("\u0000", " · ");

function definedOnly(o: CompareOptions): CompareOptions {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Locale-independent, so CI machines with different locales print the same report. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function runIds(records: readonly BenchRecord[]): string {
  return [...new Set(records.map((r) => r.run_id))].sort().join("+") || "(empty)";
}

function checkOptions(o: Required<CompareOptions>): void {
  const bad = (flag: string, want: string, got: number) => new UsageError({ message: `--${flag} must be ${want}, got ${got}` });
  if (!(o.margin >= 0 && o.margin <= 1)) throw bad("margin", "a fraction in [0, 1] (0.02 = 2 points)", o.margin);
  if (!(o.alpha > 0 && o.alpha < 0.5)) throw bad("alpha", "in (0, 0.5)", o.alpha);
  if (!(Number.isFinite(o.latencyMarginMs) && o.latencyMarginMs >= 0)) throw bad("latency-margin-ms", "a number of ms ≥ 0", o.latencyMarginMs);
  if (!(Number.isFinite(o.latencyMargin) && o.latencyMargin >= 0)) throw bad("latency-margin", "a fraction ≥ 0 (0.1 = 10 %)", o.latencyMargin);
  if (!Number.isInteger(o.seed)) throw bad("seed", "an integer", o.seed);
  if (!(Number.isInteger(o.iterations) && o.iterations >= 1)) throw bad("iterations", "a positive integer", o.iterations);
  if (!(o.pairedShare > 0 && o.pairedShare <= 1)) throw bad("paired-share", "a fraction in (0, 1]", o.pairedShare);
}
