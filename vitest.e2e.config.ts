import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

/**
 * The browser tests (test/e2e) as `npm test` runs them, beside the other files (scripts/test.mjs): two files at a
 * time, each in a fresh worker, all on one shared Chromium (test/setup/global-chromium.ts). They use no PostgreSQL,
 * so no cluster is started for them. `npx vitest run test/e2e/<file> --isolate` (the main config) still works.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/setup/global-server-build.ts", "test/setup/global-chromium.ts"],
    maxWorkers: 2,
    isolate: true,
  },
});
