/** Signals of an answer's correctness, registered by id; see contract.ts. */
export { agreementSignal } from "./agreement.js";
export { CHECK_FEATURE_PREFIX, checkFeatureName, checkFeatureValues } from "./check-features.js";
export type { ReadingSummary, Signal, SignalContext } from "./contract.js";
export { extractionSignal } from "./extraction.js";
export { logprobMeanSignal, logprobMinSignal, logprobOnAnswerSignal } from "./logprob.js";
export { answerFeatures, isFeatureName, ownSignalValues, signalIds, SIGNALS, type OwnSignalInput } from "./registry.js";
export { verifierSignal } from "./verifier.js";
