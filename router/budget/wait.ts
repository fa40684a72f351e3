/**
 * Reserve, or wait while only calls in flight stand in the way. An open reservation holds its
 * call's worst case (input bounded by bytes, output by max_tokens), usually well above what the
 * call then costs; refusing while such calls are in flight would degrade early and leave part of
 * the budget unused. Waiting for them to settle uses the budget up to its limit.
 */
import type { BudgetGuard, ReserveArgs, ReserveDecision } from "./contract.js";

/** Growing pauses between asks: in-flight calls take tens of ms to seconds. */
const PAUSES_MS = [2, 5, 10, 20, 40, 80, 100];

export async function reserveOrWait(args: {
  guard: BudgetGuard;
  /** Called before each ask: the reservation is dated when it is taken. */
  request: () => ReserveArgs;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** The longest total pause; an in-flight call ends within its attempt timeout. */
  maxWaitMs: number;
}): Promise<ReserveDecision> {
  let waited = 0;
  for (let i = 0; ; i++) {
    const decision = await args.guard.reserve(args.request());
    if (decision.ok || !decision.fitsAfterInFlight) return decision;
    const pause = PAUSES_MS[Math.min(i, PAUSES_MS.length - 1)]!;
    if (waited + pause > args.maxWaitMs) return decision;
    await args.sleep(pause, args.signal);
    waited += pause;
  }
}
