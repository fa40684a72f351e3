/**
 * Number and label formatting shared by both renderers, so the HTML and the Markdown of one
 * notebook show the same figures. Hand-written rather than Intl so output bytes do not depend on the
 * ICU data of the Node build that renders them.
 */
import type { Column, DataRow, HeadlineStatus } from "./notebook.js";

export interface NumberFormat {
  digits?: number | undefined;
  percent?: boolean | undefined;
}

/** Shown for a missing value; a blank cell reads like a rendering bug. */
export const MISSING = "—";

export function formatNumber(value: number, fmt: NumberFormat = {}): string {
  if (!Number.isFinite(value)) return String(value);
  if (fmt.percent) return `${group((value * 100).toFixed(fmt.digits ?? 1))}%`;
  if (fmt.digits !== undefined) return group(value.toFixed(fmt.digits));
  return group(autoFixed(value));
}

// Integers stay exact; larger numbers need no decimals; small ones keep 3 significant digits.
function autoFixed(v: number): string {
  if (Number.isInteger(v)) return v.toFixed(0);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return "0";
  const decimals = Math.min(10, Math.max(2, 2 - Math.floor(Math.log10(a))));
  return v.toFixed(decimals);
}

function group(fixed: string): string {
  const clean = /^-0(\.0+)?$/.test(fixed) ? fixed.slice(1) : fixed;
  const [int, frac] = clean.split(".");
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

export function formatCell(value: string | number | boolean | null, column?: Column): string {
  if (value === null) return MISSING;
  if (typeof value === "number") return formatNumber(value, column ?? {});
  return String(value);
}

export function columnHeader(column: Column): string {
  return column.unit && !column.percent ? `${column.label} (${column.unit})` : column.label;
}

/** Numbers are right-aligned so digits line up; a column is numeric when every present value is. */
export function isNumericColumn(rows: readonly (readonly unknown[])[], index: number): boolean {
  const present = rows.map((r) => r[index]).filter((v) => v !== null && v !== undefined);
  return present.length > 0 && present.every((v) => typeof v === "number");
}

export function headlineValue(value: number | string, digits?: number, unit?: string): string {
  const v = typeof value === "number" ? formatNumber(value, { digits }) : value;
  return unit ? `${v} ${unit}` : v;
}

export const STATUS_LABEL: Record<HeadlineStatus, string> = {
  holds: "holds",
  fails: "fails",
  inconsistent: "inconsistent",
  implausible: "implausible",
  not_checked: "not checked",
  info: "info",
};

/** Column keys of chart rows in first-seen order, so data tables follow the author's layout. */
export function dataColumns(rows: readonly DataRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) seen.add(k);
  return [...seen];
}
