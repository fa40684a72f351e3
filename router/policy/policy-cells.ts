/**
 * The cells a route of an action walks under each policy, from the config alone:
 * - `cascade`: each tier of the action's chain (its first model answers; the others stand in on errors);
 * - `consensus`: the first two local models of the chain called in parallel, then the tiers after them;
 * - `api_first`: the chain from its first API tier on (the local cells are skipped).
 * `bench calibrate` fits a scorer and a threshold per cell of these, and the router runs them.
 */
import { modelsOfTier, type RouterConfig } from "../config/load.js";
import { CONSENSUS_CELL } from "../config/calibration.js";
import { tierChain } from "./escalation.js";

export const POLICY_KINDS = ["cascade", "consensus", "api_first"] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

export interface CellSpec {
  /** A tier name, or "consensus". */
  cell: string;
  tier: string;
  local: boolean;
  /** consensus: the pair, the first one's answer kept; a tier: its models in order, the first answers. */
  models: string[];
  /** Model calls the cell makes when reached. */
  calls: number;
  consensus: boolean;
}

/** Why a policy has no cells on this config (e.g. consensus with one local model). */
export type CellsOrWhy = { ok: true; cells: CellSpec[] } | { ok: false; why: string };

export function policyCells(config: RouterConfig, action: string, kind: PolicyKind): CellsOrWhy {
  const chain = tierChain(config, action).map((tier) => ({ tier, local: config.data.tiers[tier]!.local, models: modelsOfTier(config, tier).map((m) => m.id) }));
  if (chain.length === 0) return { ok: false, why: `action ${action} has no tiers` };
  const tierCell = (t: (typeof chain)[number]): CellSpec => ({ cell: t.tier, tier: t.tier, local: t.local, models: t.models, calls: 1, consensus: false });
  switch (kind) {
    case "cascade":
      return { ok: true, cells: chain.map(tierCell) };
    case "api_first": {
      const firstApi = chain.findIndex((t) => !t.local);
      if (firstApi < 0) return { ok: false, why: `action ${action}'s chain (${chain.map((t) => t.tier).join(" → ")}) has no API tier` };
      return { ok: true, cells: chain.slice(firstApi).map(tierCell) };
    }
    case "consensus": {
      const locals = chain.flatMap((t, i) => (t.local ? t.models.map((m) => ({ model: m, tierIndex: i })) : []));
      if (locals.length < 2) return { ok: false, why: `action ${action}'s chain has ${locals.length} local model(s); consensus needs two` };
      const [a, b] = [locals[0]!, locals[1]!];
      const pair: CellSpec = { cell: CONSENSUS_CELL, tier: chain[a.tierIndex]!.tier, local: true, models: [a.model, b.model], calls: 2, consensus: true };
      const rest = chain.slice(b.tierIndex + 1).map(tierCell);
      if (rest.length === 0) return { ok: false, why: `action ${action}'s chain has no tier after the consensus pair to escalate to` };
      return { ok: true, cells: [pair, ...rest] };
    }
  }
}
