import { get, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STREAMS_PER_CREDENTIAL, streamLimitsFromEnv } from "../src/http/stream-limits.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

/** Opens a stream; resolves with the response once its headers arrived (the body stays open). */
function open(url: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers, timeout: 10_000 }, resolve);
    req.on("timeout", () => req.destroy(new Error("no answer")));
    req.on("error", reject);
  });
}

describe("limits on open event streams", () => {
  let t: TestServer;
  let base: string;
  beforeAll(async () => {
    t = await startTestServer("sqlite");
    base = await t.server.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("refuses a credential's stream past its limit with a clear 429, and lets it open again once one closed", async () => {
    const url = `${base}/api/branches/${t.branchId}/events`;
    const auth = { authorization: `Bearer ${t.deviceToken("display")}` };
    const streams: IncomingMessage[] = [];
    for (let i = 0; i < STREAMS_PER_CREDENTIAL; i++) {
      const res = await open(url, auth);
      expect(res.statusCode).toBe(200);
      streams.push(res);
    }
    const refused = await open(url, auth);
    expect(refused.statusCode).toBe(429);
    const body = JSON.parse(
      await new Promise<string>((r) => {
        let text = "";
        refused.on("data", (c: Buffer) => {
          text += c.toString();
        });
        refused.on("end", () => r(text));
      }),
    ) as { error: string; details: { limit: number } };
    expect(body).toMatchObject({ error: "too_many_streams", details: { limit: STREAMS_PER_CREDENTIAL } });
    // Another credential is not affected.
    const kiosk = await open(url, { authorization: `Bearer ${t.deviceToken("kiosk")}` });
    expect(kiosk.statusCode).toBe(200);
    kiosk.destroy();
    // One closed: a place is free again.
    streams.pop()?.destroy();
    await expect
      .poll(async () => {
        const res = await open(url, auth);
        res.destroy();
        return res.statusCode;
      })
      .toBe(200);
    for (const s of streams) s.destroy();
  });
});

describe("stream limits from the environment", () => {
  it("defaults to 8 and 200, takes whole numbers, and refuses anything else naming the variable", () => {
    expect(streamLimitsFromEnv({})).toEqual({ perCredential: STREAMS_PER_CREDENTIAL, perAddress: 200 });
    expect(streamLimitsFromEnv({ DATANG_STREAMS_PER_CREDENTIAL: "20", DATANG_STREAMS_PER_ADDRESS: "5000" })).toEqual({
      perCredential: 20,
      perAddress: 5000,
    });
    for (const raw of ["0", "-3", "1.5", "lots"]) {
      expect(() => streamLimitsFromEnv({ DATANG_STREAMS_PER_ADDRESS: raw })).toThrow(/DATANG_STREAMS_PER_ADDRESS/);
    }
    expect(() => streamLimitsFromEnv({ DATANG_STREAMS_PER_CREDENTIAL: "0" })).toThrow(/DATANG_STREAMS_PER_CREDENTIAL/);
  });
});
