/** The budget seam the cascade calls around every paid attempt (reserve worst case, settle actual). */
export interface Reservation {
  settle(actualUsd: number): void;
  release(): void;
}

export type ReserveDecision =
  | { ok: true; reservation: Reservation }
  | { ok: false; reason: string; onExceed: "degrade" | "refuse" };

export interface BudgetGuard {
  reserve(args: { action: string; tag: string | undefined; costUsd: number; at: Date }): ReserveDecision;
}
