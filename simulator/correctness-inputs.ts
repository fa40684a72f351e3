/**
 * How often a returned answer is right, per cell, as Beta distributions with their evidence. In order:
 * - a calibrated policy's counts: of the answers a cell kept, how many were right (the last cell: of all
 *   that reached it);
 * - the calibration's final-tier accuracy for (action, tier);
 * - graded bench answers of (action, tier), split by whether they passed today's threshold;
 * - for a paid tier only, the profiles file's `api_accuracy_prior`.
 * A local cell with none of these has no correctness, and the quality metric is then not computed:
 * local accuracy is measured or replayed, never assumed.
 */
import type { Counts, Evidence } from "../router/config/calibration.js";
import type { RouterConfig } from "../router/config/load.js";
import { cellKey, type BenchFit } from "./bench-fit.js";
import type { PlannedCell } from "./policy-cells.js";
import type { BetaPrior, LoadedProfiles } from "./profiles.js";

export type CorrectSource = "calibration" | "final_accuracy" | "bench" | "prior";

export interface CorrectBeta {
  alpha: number;
  beta: number;
  source: CorrectSource;
  /** replayed (recorded answers + our grader), measured (live answers + our grader) or prior (stated guess). */
  evidence: Evidence | "prior";
  /** Right answers and answers counted; null for a prior. */
  k: number | null;
  n: number | null;
}

export interface CorrectInput {
  /** P(right | the cell kept the answer); null = unknown. */
  ifPass: CorrectBeta | null;
  /** P(right | the walk ended on this cell without keeping it: the last cell only); null = unknown. */
  ifFail: CorrectBeta | null;
  /** ifFail is the same draw as ifPass (one accuracy, whatever the check said). */
  shared: boolean;
}

const fromCounts = (c: Counts, source: CorrectSource, evidence: Evidence): CorrectBeta => ({
  alpha: c.k + 1,
  beta: c.n - c.k + 1,
  source,
  evidence,
  k: c.k,
  n: c.n,
});

export function correctInput(args: {
  config: RouterConfig;
  profiles: LoadedProfiles;
  bench: BenchFit | undefined;
  action: string;
  cell: PlannedCell;
  evidence: Evidence | null;
  last: boolean;
}): CorrectInput {
  const { config, action, cell } = args;
  if (cell.counts && args.evidence) {
    if (!args.last) return { ifPass: fromCounts(cell.counts.correct_if_accepted, "calibration", args.evidence), ifFail: null, shared: false };
    if (cell.counts.correct_if_accepted.n > 0) return sharedInput(fromCounts(cell.counts.correct_if_accepted, "calibration", args.evidence));
  }
  const graded = args.bench?.cells.get(cellKey(action, cell.tier));
  // A calibrated policy's cells are judged by its own counts; the bench split by today's self-check threshold fits only the config chain.
  if (!cell.counts && graded && graded.gradedPass + graded.gradedFail > 0) {
    const evidence: Evidence = graded.replayed > 0 ? "replayed" : "measured";
    return {
      ifPass: fromCounts({ k: graded.rightPass, n: graded.gradedPass }, "bench", evidence),
      ifFail: fromCounts({ k: graded.rightFail, n: graded.gradedFail }, "bench", evidence),
      shared: false,
    };
  }
  const final = config.calibration?.final_accuracy.find((f) => f.action === action && f.tier === cell.tier && f.correct.n > 0);
  if (final) return sharedInput(fromCounts(final.correct, "final_accuracy", final.evidence));
  const prior = config.data.tiers[cell.tier]?.local === false ? apiPrior(args.profiles, action, cell.tier) : undefined;
  if (prior) return sharedInput({ alpha: prior.mean * prior.n, beta: (1 - prior.mean) * prior.n, source: "prior", evidence: "prior", k: null, n: null });
  return { ifPass: null, ifFail: null, shared: false };
}

const sharedInput = (b: CorrectBeta): CorrectInput => ({ ifPass: b, ifFail: b, shared: true });

function apiPrior(profiles: LoadedProfiles, action: string, tier: string): BetaPrior | undefined {
  const p = profiles.data.assumptions.api_accuracy_prior;
  return p.actions[action]?.[tier] ?? p.actions[action]?.["*"] ?? p.tiers[tier] ?? p.tiers["*"];
}

/**
 * The (action@cell) states a walk can return from whose correctness is unknown: every cell's kept answer,
 * and the last cell's unkept one (unless the last cell keeps everything). Empty = the quality metric is computed.
 */
export function missingCorrectness(
  actions: readonly { name: string; cells: readonly { cell: string; correct: CorrectInput; pass: { beta: number } }[] }[],
): string[] {
  const missing: string[] = [];
  for (const a of actions) {
    a.cells.forEach((c, pos) => {
      const last = pos === a.cells.length - 1;
      if (!c.correct.ifPass || (last && c.pass.beta > 0 && !c.correct.ifFail)) missing.push(`${a.name}@${c.cell}`);
    });
  }
  return missing;
}
