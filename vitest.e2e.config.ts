import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

/**
 * The browser tests (test/e2e) as `npm test` runs them, beside the other files (scripts/test.mjs): two files at a
 * time, all on one shared Chromium (test/setup/global-chromium.ts). They use no PostgreSQL, so no cluster is started
 * for them. `npx vitest run test/e2e/<file> --isolate` (the main config) still works.
 *
 * The two workers are kept for the whole run (isolate: false, as in vitest.config.ts): a fresh worker per file
 * loaded vitest and playwright-core again each time, about 0.5 s of CPU per file (six small files: 6.0 s against
 * 2.8 s of worker CPU, 2026-12-07). Files put back what they change in process.env (the SMS and mail URLs, the
 * demo history days); the harness keeps no state between files (each opens its own server and browser connection).
 */
export default defineConfig({
  test: {
    ...base.test,
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/setup/global-server-build.ts", "test/setup/global-chromium.ts"],
    maxWorkers: 2,
    isolate: false,
  },
});
