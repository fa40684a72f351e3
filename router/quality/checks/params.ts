import type { CheckResult } from "../../contracts/quality.js";

/** Thrown at config load when a check's params are wrong; the loader adds file and line. */
export class CheckParamError extends Error {}

export function paramStringArray(params: Record<string, unknown>, key: string): string[] {
  const v = params[key];
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "string")) {
    throw new CheckParamError(`\`${key}\` must be a non-empty list of strings`);
  }
  return v as string[];
}

export function paramString(params: Record<string, unknown>, key: string): string {
  const v = params[key];
  if (typeof v !== "string" || v === "") throw new CheckParamError(`\`${key}\` must be a non-empty string`);
  return v;
}

export function paramNumber(params: Record<string, unknown>, key: string, fallback: number, range: [number, number] = [0, Infinity]): number {
  const v = params[key] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < range[0] || v > range[1]) {
    throw new CheckParamError(`\`${key}\` must be a number between ${range[0]} and ${range[1]}`);
  }
  return v;
}

export function result(id: string, score: number, reason: string, passAt = 0.5): CheckResult {
  const s = Math.min(1, Math.max(0, score));
  return { id, score: s, pass: s >= passAt, reason };
}
