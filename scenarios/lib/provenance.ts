/**
 * Where a number in a report comes from, said in the cell that shows it: measured (live answers, our
 * grader, this machine's clock), replayed (recorded answers, our grader), modelled (latencies from a
 * hardware profile, costs from token counts × list prices) or a prior (a stated guess).
 */
export type Provenance = "measured" | "replayed" | "modelled" | "prior";

/** "91.2 % (89.5–92.7 %) · replayed". */
export const tagged = (text: string, p: Provenance): string => `${text} · ${p}`;
