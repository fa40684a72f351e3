import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
    reporters: ["default", "./test-support/summary-reporter.ts"],
    // Model-backed and browser tests share 2 cores; two workers keep timings honest.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
