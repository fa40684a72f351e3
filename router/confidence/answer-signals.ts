/**
 * From a model's reply to what the signals need: the answer read with the action's kind, and the
 * own signal values. Used by the router on every answer it scores and by `bench run` for each record,
 * so both compute the same numbers from the same reply.
 */
import { readAnswer } from "../answers/read-answer.js";
import type { AnswerKind } from "../answers/kinds.js";
import type { TokenLogprob } from "../contracts/provider.js";
import type { CheckResult } from "../contracts/quality.js";
import { logprobFeatures } from "./logprob-features.js";
import type { ReadingSummary } from "./signals/contract.js";
import { ownSignalValues } from "./signals/registry.js";

export interface AnswerSignals {
  reading: ReadingSummary;
  own: Record<string, number | undefined>;
}

export function answerSignals(args: {
  text: string;
  kind: AnswerKind;
  checks?: readonly CheckResult[];
  logprobs?: readonly TokenLogprob[];
  verifier?: number;
}): AnswerSignals {
  const r = readAnswer(args.text, args.kind);
  const reading: ReadingSummary = { status: r.status, canonical: r.canonical };
  const logprobs = args.logprobs ? logprobFeatures({ text: args.text, logprobs: args.logprobs, canonical: r.canonical }) : undefined;
  return { reading, own: ownSignalValues({ reading, logprobs, checks: args.checks, verifier: args.verifier }) };
}
