import { join } from "node:path";

/**
 * The server bundled by test/setup/global-server-build.ts: the same src/cli.ts that bin/datang.js runs through
 * tsx, in one file. Tests that start `datang serve` as a child process run `node <bundle> serve …`; the test of
 * `npm start` itself (start-stop.test.ts) still runs bin/datang.js.
 */
export const SERVER_BUNDLE = join(import.meta.dirname, "../../test-output/server/cli.mjs");
