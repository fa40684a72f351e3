/** Process exit codes, documented in the README so CI scripts can branch on them. */
export const EXIT = {
  ok: 0,
  /** Generic failure (unexpected error). */
  failure: 1,
  /** Bad input: configuration, dataset, CLI flags. */
  badInput: 2,
  /** Every tier failed (provider errors, quality below threshold with no fallback left). */
  providerFailure: 3,
  /** A budget refused the request. */
  budget: 4,
  /** `bench compare` found a significant regression. */
  regression: 5,
  /** `tierlab doctor` found at least one failing check. */
  doctorFailed: 6,
  /** Interrupted by SIGINT; partial results were saved. */
  interrupted: 130,
} as const;
