import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "web/src/**/*.test.ts"],
    globalSetup: ["test/setup/global-postgres.ts", "test/setup/global-server-build.ts"],
    // Servers started by tests seed the demo branch without its simulated past (tests that want it ask for it).
    env: { DATANG_DEMO_HISTORY_DAYS: "0" },
    testTimeout: 60_000,
    // Browser and process tests wait for real things on a busy 2-core machine: a second is too short a poll.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    hookTimeout: 120_000,
    // Two cores, but many files wait on child processes, PostgreSQL and timers: three at a time ran the
    // non-browser files in 467 s against 582 s for two (2026-12-07). Browser files run two at a time (vitest.e2e.config.ts).
    maxWorkers: 3,
    // Test files share a worker process and its loaded modules instead of each importing the server afresh:
    // about 1.9 s of CPU less per file (12 API test files: 50 s against 73 s of CPU, 2026-12-07). Files put back
    // what they change in process.env; module caches are keyed by per-test ids. The browser tests run isolated
    // (vitest.e2e.config.ts, or `--isolate` for one file): they import little.
    isolate: false,
  },
});
