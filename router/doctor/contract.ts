/** What `tierlab doctor` reports: one finding per check, each with the fix to apply. */
import type { RouterConfig } from "../config/load.js";
import type { LedgerTarget } from "../ledger/open-ledger.js";

export const DOCTOR_REPORT_VERSION = 1 as const;

export type DoctorStatus = "ok" | "warn" | "fail";

export interface DoctorFinding {
  /** Stable id, e.g. `ollama.reachable`, `keys.anthropic`, `ledger.fallback_rate`. */
  id: string;
  status: DoctorStatus;
  message: string;
  /** What to do; present for warn and fail. */
  fix?: string;
}

export interface DoctorReport {
  version: typeof DOCTOR_REPORT_VERSION;
  config: string;
  ok: boolean;
  findings: DoctorFinding[];
}

/** Everything a check touches outside the config, injectable for tests. */
export interface DoctorContext {
  config: RouterConfig;
  env: NodeJS.ProcessEnv;
  fetch: typeof fetch;
  now: () => Date;
  /** Absolute path of an executable on PATH, or undefined (`which`). */
  which: (command: string) => string | undefined;
  /** The SQLite file or the PostgreSQL database the config (or --ledger, TIERLAB_DATABASE_URL) points at. */
  ledger: LedgerTarget;
  thresholds: DoctorThresholds;
}

export interface DoctorThresholds {
  /** Share of requests going past their first tier above which the rate is "high" (seed: local calls > 60 %). */
  fallbackRate: number;
  /** Below this many requests (or answers) in the window, rates are not judged. */
  minSamples: number;
  /** Share of a model's answers rejected by the quality checks above which they are "failing". */
  rejectRate: number;
  windowMs: number;
}

export const DEFAULT_THRESHOLDS: DoctorThresholds = { fallbackRate: 0.4, minSamples: 20, rejectRate: 0.5, windowMs: 24 * 3_600_000 };
