/**
 * The one formatter for dollars and percentages, in CLI output, error messages and reports alike,
 * so a figure reads the same everywhere. Hand-written rather than Intl: output bytes do not depend on
 * the ICU data of the Node build.
 */

/**
 * Whole dollars from $1,000, cents from $1 (and $0.00), three decimals down to a cent; below that
 * (single API calls cost fractions of a cent) at least two significant digits.
 */
export function usd(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  const digits = a >= 1000 ? 0 : a >= 1 || a === 0 ? 2 : a >= 0.01 ? 3 : Math.min(10, Math.max(5, 1 - Math.floor(Math.log10(a))));
  return `${x < 0 ? "−" : ""}$${grouped(a.toFixed(digits))}`;
}

/** A share as a percentage with `digits` decimals; "n/a" where there is none (no data, 0 / 0). */
export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "n/a" : `${grouped((x * 100).toFixed(digits))} %`;
}

function grouped(fixed: string): string {
  const clean = /^-0(\.0+)?$/.test(fixed) ? fixed.slice(1) : fixed;
  const [int, frac] = clean.split(".");
  const g = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? g : `${g}.${frac}`;
}
