/**
 * Signals by id. Adding a signal = one file + one line here. Own signals are computed once per answer
 * (the router at route time, `bench run` into each record); peer signals wherever the answer's peers
 * are known (the router from the route's other answers, the offline walk by joining records on item id).
 * Both paths build features through `answerFeatures`, so a scorer sees the same numbers in either.
 */
import type { CheckResult } from "../../contracts/quality.js";
import type { FeatureValues } from "../scorer-model.js";
import type { LogprobFeatures } from "../logprob-features.js";
import { agreementSignal } from "./agreement.js";
import { addCheckFeatures, CHECK_FEATURE_PREFIX } from "./check-features.js";
import type { ReadingSummary, Signal, SignalContext } from "./contract.js";
import { extractionSignal } from "./extraction.js";
import { logprobMeanSignal, logprobMinSignal, logprobOnAnswerSignal } from "./logprob.js";
import { verifierSignal } from "./verifier.js";

export const SIGNALS: readonly Signal[] = [agreementSignal, extractionSignal, logprobMeanSignal, logprobMinSignal, logprobOnAnswerSignal, verifierSignal];

const OWN = SIGNALS.filter((s) => s.scope === "own");
const PEER = SIGNALS.filter((s) => s.scope === "peer");
const IDS = new Set(SIGNALS.map((s) => s.id));

export function signalIds(): string[] {
  return SIGNALS.map((s) => s.id);
}

/** A registered signal id, or `check_<id>` of a quality check. */
export function isFeatureName(name: string): boolean {
  return IDS.has(name) || (name.startsWith(CHECK_FEATURE_PREFIX) && name.length > CHECK_FEATURE_PREFIX.length);
}

export interface OwnSignalInput {
  reading: ReadingSummary;
  logprobs?: LogprobFeatures;
  checks?: readonly CheckResult[];
  verifier?: number;
}

/** Every own signal of one answer, plus `check_<id>` per check; undefined = missing. */
const NO_PEERS: readonly (string | null)[] = [];

export function ownSignalValues(input: OwnSignalInput): Record<string, number | undefined> {
  const ctx: SignalContext = { reading: input.reading, peers: NO_PEERS, logprobs: input.logprobs, checks: input.checks, verifier: input.verifier };
  const out: Record<string, number | undefined> = {};
  for (let i = 0; i < OWN.length; i++) out[OWN[i]!.id] = OWN[i]!.value(ctx);
  addCheckFeatures(out, input.checks);
  return out;
}

/** The features a scorer reads for an answer: its own signals (computed now or read from a record) and the peer signals. */
export function answerFeatures(args: {
  own: FeatureValues;
  reading: ReadingSummary;
  peers: readonly (string | null)[];
}): Record<string, number | null | undefined> {
  const out: Record<string, number | null | undefined> = { ...args.own };
  const ctx: SignalContext = { reading: args.reading, peers: args.peers };
  for (const s of PEER) out[s.id] = s.value(ctx);
  return out;
}
