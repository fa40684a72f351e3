import type { Signal } from "./contract.js";

/**
 * Share of peer answers that give the same answer as this one (same canonical). Two models that reach
 * the same number independently are rarely both wrong in the same way. Undefined with no peers; an
 * unparseable answer agrees with nothing (0).
 */
export const agreementSignal: Signal = {
  id: "agreement",
  scope: "peer",
  description: "share of the route's other answers (earlier local tiers, or the consensus partner) that give the same answer",
  value({ reading, peers }) {
    if (peers.length === 0) return undefined;
    if (reading.canonical === null) return 0;
    let same = 0;
    for (const p of peers) if (p === reading.canonical) same++;
    return same / peers.length;
  },
};
