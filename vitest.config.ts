import { defineConfig } from "vitest/config";

/**
 * Two disjoint projects; `npm test` runs both, `npm run test:fast` only "fast" (the inner loop: under
 * 30 s on the 2-core machine when idle). A test file is "slow" when it launches Chromium, kills
 * processes, runs load or several processes, loads a real model, or runs a whole pipeline end to end.
 * Name new files by what they do: *.browser.test.ts, *.e2e.test.ts, *.embedded.test.ts (real GGUF
 * models), *.process.test.ts (child processes, kill -9, load); the older heavy files are listed.
 * `npm run test:fast` sets TIERLAB_TEST_FAST=1, which skips the PostgreSQL rows of the shared backend tables
 * (no cluster starts); `npm test` runs the same files with those rows, on a throwaway cluster per file.
 * "fast" runs its files in shared workers (isolate: false): modules load once per worker instead of
 * once per file, which was two thirds of its time. A test there must leave globals as it found them.
 */
const SLOW = [
  "**/*.browser.test.ts",
  "**/*.e2e.test.ts",
  "**/*.embedded.test.ts",
  "**/*.process.test.ts",
  // Real GGUF models through node-llama-cpp.
  "router/providers/embedded.test.ts",
  "router/providers/embedded-logprobs.test.ts",
  "router/doctor/embedded-check.test.ts",
  "router/models/route-download.test.ts",
  "bench/run/runner.test.ts",
  // The real CLI in child processes (each start is ~4 s of tsx), or a Python sandbox.
  "cli/cli.test.ts",
  "router/config/prices.test.ts",
  "cli/models-command.test.ts",
  "router/ledger/readers.test.ts",
  "router/providers/replay-convert.test.ts",
  "router/reliability/bad-input.test.ts",
  "router/reliability/secrets.test.ts",
  "cli/serve-command.test.ts",
  "cli/simulate-command.test.ts",
  "examples/ci/ci.test.ts",
  "bench/graders/unit-tests.test.ts",
  // Files whose tests also start the CLI in child processes (measured 10–20 s each in "fast").
  "cli/bench/evaluate-command.test.ts",
  "router/production/finetune-export.test.ts",
  "bench/compare/compare.test.ts",
  "bench/calibrate/ledger-labels.test.ts",
  "bench/calibrate/calibrate.test.ts",
  "gateway/deferred.test.ts",
  "gateway/feedback-endpoint.test.ts",
  // Deadlines and hung fake backends: waits for real timeouts (6 s).
  "router/reliability/faults.test.ts",
  // Whole simulations and the reports on them (5–11 s each).
  "simulator/aggregated.test.ts",
  "scenarios/simulation-reports.test.ts",
  // Statistical calibration of the regression gate: thousands of simulated comparisons.
  "bench/compare/false-alarm.test.ts",
  // Worker threads, kill -9, several processes, load, clusters.
  "simulator/parallel.test.ts",
  "router/reliability/crash.test.ts",
  "router/reliability/load.test.ts",
  "router/reliability/budget-processes.test.ts",
  "router/reliability/postgres-instances.test.ts",
  "router/ledger/postgres/outage.test.ts",
];

const shared = {
  reporters: ["default", "./test-support/summary-reporter.ts"],
  // Model-backed and browser tests share 2 cores; two workers keep timings honest.
  maxWorkers: 2,
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    ...shared,
    projects: [
      {
        extends: true,
        test: { name: "fast", include: ["**/*.test.ts"], exclude: ["node_modules/**", ...SLOW], isolate: false },
      },
      { extends: true, test: { name: "slow", include: SLOW, exclude: ["node_modules/**"] } },
    ],
  },
});
