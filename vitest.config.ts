import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "web/src/**/*.test.ts"],
    globalSetup: ["test/setup/global-postgres.ts"],
    // Servers started by tests seed the demo branch without its simulated past (tests that want it ask for it).
    env: { DATANG_DEMO_HISTORY_DAYS: "0" },
    testTimeout: 60_000,
    // Browser and process tests wait for real things on a busy 2-core machine: a second is too short a poll.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    hookTimeout: 120_000,
    // Two cores: run files in parallel but not so many that timing-sensitive tests starve.
    maxWorkers: 2,
  },
});
