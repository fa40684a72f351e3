import type { Signal } from "./contract.js";

/** P(yes) when a local verifier model was asked whether the answer is right (router/confidence/verifier.ts); undefined when none was. */
export const verifierSignal: Signal = {
  id: "verifier",
  scope: "own",
  description: "probability the action's verifier model gives to 'yes, the answer is right'",
  value: ({ verifier }) => verifier,
};
