/**
 * The budget rules both backends share: which budgets a call falls under, how a refusal reads, and
 * which refusal wins. The backends differ only in how they read spend and hold reservations.
 */
import { usd } from "../../core/format.js";
import type { BudgetConfig } from "../config/schema.js";
import type { ReserveDecision } from "./contract.js";
import { periodEndUtc, periodStartUtc } from "./period.js";

export function applies(b: BudgetConfig, args: { action: string; tag: string | undefined }): boolean {
  if (b.scope === "global") return true;
  if (b.scope === "action") return b.key === args.action;
  return args.tag !== undefined && b.key === args.tag;
}

export function label(b: BudgetConfig): string {
  return b.scope === "global" ? `global ${b.period}` : `${b.scope} "${b.key}" ${b.period}`;
}

export function periodBounds(b: BudgetConfig, at: Date): { since: string; until: string } {
  return { since: periodStartUtc(b.period, at).toISOString(), until: periodEndUtc(b.period, at).toISOString() };
}

export interface BudgetUse {
  spentUsd: number;
  /** Settled and open reservations. */
  heldUsd: number;
  /** The open part of heldUsd: calls in flight, held at their worst case. */
  heldOpenUsd: number;
}

/** undefined when the call fits every budget; else the refusal that applies. */
export function refusal(checks: Array<{ budget: BudgetConfig; use: BudgetUse }>, costUsd: number): Extract<ReserveDecision, { ok: false }> | undefined {
  let out: Extract<ReserveDecision, { ok: false }> | undefined;
  let fitsAfterInFlight = true;
  for (const { budget: b, use } of checks) {
    if (use.spentUsd + use.heldUsd + costUsd <= b.limit_usd) continue;
    if (use.spentUsd + use.heldUsd - use.heldOpenUsd + costUsd > b.limit_usd) fitsAfterInFlight = false;
    const reason = `${label(b)} budget of ${usd(b.limit_usd)}: ${usd(use.spentUsd)} spent + ${usd(use.heldUsd)} in flight + up to ${usd(costUsd)} for this call would exceed it`;
    // A refusing budget wins over a degrading one: the stricter instruction applies.
    if (!out || (b.on_exceed === "refuse" && out.onExceed === "degrade")) out = { ok: false, reason, onExceed: b.on_exceed };
  }
  return out && { ...out, fitsAfterInFlight };
}

export function statusOf(b: BudgetConfig, at: Date, use: BudgetUse) {
  return { budget: b, ...periodBounds(b, at), spentUsd: use.spentUsd, heldUsd: use.heldUsd, leftUsd: Math.max(0, b.limit_usd - use.spentUsd - use.heldUsd) };
}

/** An open reservation outlives any attempt (each is cut at timeout_ms, the route at deadline_ms). */
export function reservationTtlMs(defaults: { timeout_ms: number; deadline_ms: number }): number {
  return Math.max(defaults.timeout_ms, defaults.deadline_ms) + 60_000;
}
