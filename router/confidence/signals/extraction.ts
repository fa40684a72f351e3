import type { Signal } from "./contract.js";

const BY_STATUS = { clean: 1, repaired: 0.5, unparseable: 0 } as const;

/** Was the answer found as asked (1), only after a repair (0.5), or not at all (0)? A model that loses the format often lost the thread. */
export const extractionSignal: Signal = {
  id: "extraction",
  scope: "own",
  description: "the answer field was read cleanly (1), after a repair (0.5), or not at all (0), for the action's answer kind",
  value: ({ reading }) => BY_STATUS[reading.status],
};
