/**
 * Budget periods are calendar periods in UTC: a day from 00:00Z, an ISO week from Monday 00:00Z,
 * a month from the 1st 00:00Z. UTC keeps two processes (or two hosts) in different time zones on
 * the same books.
 */
import type { BudgetConfig } from "../config/schema.js";

export type BudgetPeriod = BudgetConfig["period"];

export function periodStartUtc(period: BudgetPeriod, at: Date): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  if (period === "month") return new Date(Date.UTC(y, m, 1));
  const day = Date.UTC(y, m, at.getUTCDate());
  if (period === "day") return new Date(day);
  const sinceMonday = (at.getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * 86_400_000);
}

export function periodEndUtc(period: BudgetPeriod, at: Date): Date {
  const start = periodStartUtc(period, at);
  if (period === "day") return new Date(start.getTime() + 86_400_000);
  if (period === "week") return new Date(start.getTime() + 7 * 86_400_000);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}
