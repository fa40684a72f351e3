/** The budget seam the cascade calls around every paid attempt (reserve worst case, settle actual). */
export interface Reservation {
  /** The call finished and cost this much; the amount stays counted until its ledger row exists. */
  settle(actualUsd: number): void;
  /** The call cost nothing (it failed before any billable work): forget the reservation. */
  release(): void;
}

export type ReserveDecision =
  | { ok: true; reservation: Reservation }
  | { ok: false; reason: string; onExceed: "degrade" | "refuse" };

export interface ReserveArgs {
  action: string;
  tag: string | undefined;
  /** Worst-case USD of the call about to be made. */
  costUsd: number;
  at: Date;
  /**
   * The ledger row this reservation turns into (request id + attempt number): a guard that shares
   * the ledger's database counts the reservation only until that row is committed.
   */
  requestId?: string;
  attempt?: number;
}

export interface BudgetGuard {
  reserve(args: ReserveArgs): ReserveDecision;
}
