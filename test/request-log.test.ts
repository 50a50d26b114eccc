import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

/** The request log (DATANG_LOG=1) records every request, and no credential in any of them. */
describe.each(DB_KINDS)("the request log on %s", (kind) => {
  let t: TestServer;
  let log = "";

  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on("data", (chunk: Buffer) => {
      log += chunk.toString("utf8");
    });
    t = await startTestServer(kind, undefined, { logger: { stream } });
  });
  afterAll(() => t?.close());

  it("logs requests without passwords, session cookies, device tokens or pairing links' tokens", async () => {
    const cookie = await t.login("lobby");
    const kiosk = t.deviceToken("kiosk");
    const display = t.deviceToken("display");
    await t.request({ method: "GET", url: `/api/branches/${t.branchId}/queue`, cookie });
    await t.request({ method: "GET", url: `/api/branches/${t.branchId}/services`, token: kiosk });
    // A device's pairing link, as opened on the device (and a token in any query, as a client might send it).
    await t.request({ method: "GET", url: `/kiosk?lang=zh&pair=${display}` });
    await t.request({ method: "GET", url: `/api/health?token=${kiosk}&x=1` });
    await new Promise((r) => setImmediate(r));
    const lines = log.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(log).toContain(`/api/branches/${t.branchId}/queue`);
    expect(log).toContain("/kiosk?lang=zh&pair=[redacted]");
    expect(log).toContain("/api/health?token=[redacted]&x=1");
    const session = cookie.split("=")[1] as string;
    for (const secret of [TEST_PASSWORD, session, kiosk, display]) expect(log).not.toContain(secret);
  });
});
