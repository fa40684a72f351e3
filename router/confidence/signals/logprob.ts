/** Token log-probability signals over the answer span (router/confidence/logprob-features.ts), where the provider returns them. */
import { LOGPROB_FEATURE_NAMES } from "../logprob-features.js";
import type { Signal } from "./contract.js";

export const logprobMeanSignal: Signal = {
  id: LOGPROB_FEATURE_NAMES.mean,
  scope: "own",
  description: "mean token log-probability over the answer span (all tokens when no span is found)",
  value: ({ logprobs }) => logprobs?.mean,
};

export const logprobMinSignal: Signal = {
  id: LOGPROB_FEATURE_NAMES.min,
  scope: "own",
  description: "least likely token's log-probability over the answer span",
  value: ({ logprobs }) => logprobs?.min,
};

/** 1 when the log-prob signals cover the answer span, 0 when they fell back to every token: lets a scorer weigh the two differently. */
export const logprobOnAnswerSignal: Signal = {
  id: LOGPROB_FEATURE_NAMES.onAnswer,
  scope: "own",
  description: "1 when the log-probability signals were read over the answer span, 0 when over every token",
  value: ({ logprobs }) => (logprobs === undefined ? undefined : logprobs.scope === "answer" ? 1 : 0),
};
