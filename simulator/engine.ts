/**
 * One entry point for both engines over a range of trials. Trial i always draws from stream
 * `createRng(seed).fork(i)`, so a block's numbers do not depend on which thread runs it.
 */
import type { CompiledSim } from "./compile.js";
import { allocBlock, type Perturbation, type SimMode, type TrialBlock } from "./engine-common.js";
import { runAggregatedBlock } from "./engine-aggregated.js";
import { runExactBlock } from "./engine-exact.js";

export interface BlockJob {
  mode: SimMode;
  seed: number;
  start: number;
  end: number;
  perturbation: Perturbation;
}

export function runBlock(c: CompiledSim, job: BlockJob): TrialBlock {
  const block = allocBlock(c, job.start, job.end);
  if (job.mode === "exact") runExactBlock(c, job.perturbation, job.seed, block);
  else runAggregatedBlock(c, job.perturbation, job.seed, block);
  return block;
}
