import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_REPLAYED_LINE } from "../src/app/tickets/standing.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

describe("a line longer than the replayed prediction", () => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  beforeAll(async () => {
    t = await startTestServer("sqlite");
    ids = await demoIds(t);
  });
  afterAll(() => t?.close());

  const issue = (code: string, priority?: string) =>
    t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      token: t.deviceToken("kiosk"),
      body: { serviceId: ids.services.get(code), ...(priority ? { priority } : {}) },
    });

  it("still counts exactly who is ahead, and estimates the work ahead shared by the counters", async () => {
    const cash = MAX_REPLAYED_LINE + 20;
    for (let i = 0; i < cash; i++) expect((await issue("CASH")).statusCode).toBe(201);
    // VIP tickets are staff's to grant: the lobby manager issues them.
    const lobby = await t.login("lobby");
    for (let i = 0; i < 10; i++) {
      const vip = await t.request({
        method: "POST",
        url: `/api/branches/${t.branchId}/tickets`,
        cookie: lobby,
        body: { serviceId: ids.services.get("TRANSFER"), priority: "vip3" },
      });
      expect(vip.statusCode).toBe(201);
    }
    const normal = (await issue("CASH")).json();
    expect(normal.position).toBe(cash);
    const elderly = (await issue("CASH", "elderly")).json();
    // vip3 ranks above elderly, but those VIPs are transfers; no cash ticket of a higher class waits.
    expect(elderly.position).toBe(0);

    const teller = await t.login("teller1");
    await t.request({ method: "POST", url: `/api/counters/${ids.counters.get(1)}/sign-in`, cookie: teller });
    const next = (await issue("CASH")).json();
    // One counter (1: cash and transfers) is open: everything of classes at or above normal in its two types is
    // ahead, 4 min a cash ticket and 6 a transfer, at one counter.
    expect(next.position).toBe(cash + 2);
    expect(next.estimatedWaitMinutes).toBe((cash + 2) * 4 + 10 * 6);
  });
});
