/**
 * What a signal is: a pure function of one answer (and, for agreement, of its peers) to a number where
 * higher means "more likely right", or undefined when it cannot be computed (missing, never 0). Signals
 * are registered by id (registry.ts) like the quality checks; the learned scorer reads them as features
 * under the same names, and `bench calibrate` reports each one's AUROC.
 */
import type { CheckResult } from "../../contracts/quality.js";
import type { LogprobFeatures } from "../logprob-features.js";

/** The part of an answer reading (router/answers/readAnswer) a signal needs. */
export interface ReadingSummary {
  status: "clean" | "repaired" | "unparseable";
  /** Equal for two answers exactly when they are the same answer; null when unparseable. */
  canonical: string | null;
}

export interface SignalContext {
  /** This answer, read with the action's answer kind. */
  reading: ReadingSummary;
  /**
   * Canonicals of the other answers this route already holds for the same request: earlier local
   * answers of the route, or the consensus partner (null: that answer was unparseable). Empty: no peers.
   */
  peers: readonly (string | null)[];
  /** The answer span's log-probability summary; undefined when the provider returned none. */
  logprobs?: LogprobFeatures;
  /** The action's quality checks on this answer. */
  checks?: readonly CheckResult[];
  /** P(yes) from the action's verifier model, when one was asked. */
  verifier?: number;
}

export interface Signal {
  /** Feature name the scorer sees. */
  id: string;
  /** `own`: computed from the answer alone (bench records store it); `peer`: needs the route's other answers. */
  scope: "own" | "peer";
  description: string;
  value(ctx: SignalContext): number | undefined;
}
