/**
 * Numbers inside prose and explanations. Built on reports/format.ts (no Intl), so the same figure
 * reads the same in a sentence, a table and a headline, on any machine.
 */
import { formatNumber } from "../../reports/format.js";

export { pct, usd } from "../../core/format.js";
export const ms = (x: number | null | undefined): string => (x === null || x === undefined ? "n/a" : `${formatNumber(x, { digits: x < 10 ? 1 : 0 })} ms`);
export const num = (x: number, digits?: number): string => formatNumber(x, digits === undefined ? {} : { digits });
export const count = (n: number, one: string, many = `${one}s`): string => `${formatNumber(n, { digits: 0 })} ${n === 1 ? one : many}`;

/** "a, b and c". */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** A probability as a decision maker reads it, with the rule spelled out in the reports. */
export function likelihood(p: number | null): "likely" | "unlikely" | "uncertain" | "not computed" {
  if (p === null) return "not computed";
  if (p >= LIKELY) return "likely";
  if (p <= UNLIKELY) return "unlikely";
  return "uncertain";
}
export const LIKELY = 0.8;
export const UNLIKELY = 0.2;
export const LIKELIHOOD_RULE = `likely = probability ≥ ${LIKELY * 100} %, unlikely ≤ ${UNLIKELY * 100} %, uncertain in between`;
