/**
 * Bundles the server once per test run (about 1–2 s) so that every test that starts `datang serve` in a child
 * process starts it from one file instead of compiling the TypeScript sources again (test/support/server-bundle.ts).
 */
// @ts-expect-error: a plain ES module script without types
import { buildTestServer } from "../../scripts/build-test-server.mjs";

export default async function setup(): Promise<void> {
  await buildTestServer();
}
