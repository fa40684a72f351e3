/** The decision page's one cell on the batch tier: what deferring the calls that can wait saves (modelled). */
import { headline, type Cell } from "../../reports/notebook.js";
import type { SimulationResults } from "../../simulator/results.js";
import { pct, usd } from "./text.js";

export function batchSavingCell(sim: SimulationResults): Cell[] {
  const b = sim.batch;
  if (!b) return [];
  const shares = Object.entries(b.shares)
    .map(([a, s]) => `${a} ${pct(s, 0)}`)
    .join(", ");
  return [
    headline({
      label: `Batch tier saving, ${b.window_days} days (P50, modelled)`,
      value: usd(b.saving_usd_p50),
      status: "info",
      explanation: `${usd(b.hybrid_cost_usd_p50.live)} → ${usd(b.hybrid_cost_usd_p50.with_batch)} hybrid (${pct(b.saving_share_p50)} less) when the calls that can wait (${shares}; ${pct(b.deferrable_share_of_calls)} of all calls) go to the batch APIs at half price instead of the live API; they come back in ${b.latency_hours.lo}–${b.latency_hours.hi} h (assumed) and are never retried live. ${b.trials} trials each.`,
    }),
  ];
}
