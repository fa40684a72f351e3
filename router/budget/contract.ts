/** The budget seam the cascade calls around every paid attempt (reserve worst case, settle actual). */
import type { BudgetConfig } from "../config/schema.js";
import type { MaybePromise } from "../ledger/contract.js";

export interface Reservation {
  /** The call finished and cost this much; the amount stays counted until its ledger row exists. */
  settle(actualUsd: number): MaybePromise<void>;
  /** The call cost nothing (it failed before any billable work): forget the reservation. */
  release(): MaybePromise<void>;
}

export type ReserveDecision =
  | { ok: true; reservation: Reservation }
  | {
      ok: false;
      reason: string;
      onExceed: "degrade" | "refuse";
      /**
       * Only calls still in flight (open reservations, held at their worst case) stand in the way:
       * once they settle, usually below that, this call may fit. The cascade waits and asks again
       * rather than degrading early, so a budget is used up to its limit.
       */
      fitsAfterInFlight?: boolean;
    };

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
  reserve(args: ReserveArgs): MaybePromise<ReserveDecision>;
}

export interface BudgetStatus {
  budget: BudgetConfig;
  since: string;
  until: string;
  /** Committed in the ledger. */
  spentUsd: number;
  /** Held by reservations: calls in flight, or settled and not yet committed. */
  heldUsd: number;
  leftUsd: number;
}

/** Where every configured budget stands (doctor, swarm-daemon --status, the gateway's /metrics). */
export interface BudgetBook extends BudgetGuard {
  status(at: Date): MaybePromise<BudgetStatus[]>;
  close?(): MaybePromise<void>;
}
