/**
 * Bundles the server once per test run (about 1–2 s) so that every test that starts `datang serve` in a child
 * process starts it from one file instead of compiling the TypeScript sources again (test/support/server-bundle.ts).
 * `npm test` (scripts/test.mjs) bundles it once before starting its two runs side by side, and says so with
 * DATANG_TEST_SERVER_BUNDLED=1: a second build then would rewrite the file under the other run's servers.
 */
import { existsSync } from "node:fs";
// @ts-expect-error: a plain ES module script without types
import { buildTestServer, TEST_SERVER_BUNDLE } from "../../scripts/build-test-server.mjs";

export default async function setup(): Promise<void> {
  if (process.env.DATANG_TEST_SERVER_BUNDLED === "1" && existsSync(TEST_SERVER_BUNDLE)) return;
  await buildTestServer();
}
