import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

/** The counter's rules over HTTP: recall gap, no-show back in line, handover note, a teller's own day, settings. */
describe.each(DB_KINDS)("counter rules over HTTP on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let lobby: string;
  let teller1: string;
  let teller4: string;
  let manager: string;
  const c = (n: number) => ids.counters.get(n) as string;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    lobby = await t.login("lobby");
    teller1 = await t.login("teller1");
    teller4 = await t.login("teller4");
    manager = await t.login("manager");
    for (const [cookie, n] of [
      [teller1, 1],
      [teller4, 4],
    ] as const)
      expect((await t.request({ method: "POST", url: `/api/counters/${c(n)}/sign-in`, cookie })).statusCode).toBe(200);
  });
  afterAll(() => t?.close());

  const issueCash = async () =>
    (
      await t.request({
        method: "POST",
        url: `/api/branches/${t.branchId}/tickets`,
        token: t.deviceToken("kiosk"),
        body: { serviceId: ids.services.get("CASH") },
      })
    ).json();
  const post = (url: string, cookie: string, body?: unknown) => t.request({ method: "POST", url, cookie, body });

  it("refuses a recall too soon in the caller's language, then lets the lobby manager put the no-show back", async () => {
    const ticket = await issueCash();
    expect((await post(`/api/counters/${c(1)}/call`, teller1, { ticketId: ticket.id })).statusCode).toBe(200);
    const zh = await t.request({
      method: "POST",
      url: `/api/tickets/${ticket.id}/recall`,
      cookie: teller1,
      headers: { "accept-language": "zh-CN" },
    });
    expect(zh.statusCode).toBe(409);
    expect(zh.json().message).toContain("秒后再重呼");
    for (let i = 0; i < 3; i++) {
      t.clock.advance(10_000);
      expect((await post(`/api/tickets/${ticket.id}/recall`, teller1)).statusCode).toBe(200);
    }
    expect((await post(`/api/tickets/${ticket.id}/no-show`, teller1)).json().status).toBe("no_show");
    expect((await post(`/api/tickets/${ticket.id}/requeue`, teller1)).statusCode).toBe(403);
    const bad = await post(`/api/tickets/${ticket.id}/requeue`, lobby, { position: "middle" });
    expect(bad.statusCode).toBe(400);
    const back = await post(`/api/tickets/${ticket.id}/requeue`, lobby, { position: "first" });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ status: "waiting", recallCount: 0, counterId: null });
    const audit = (await t.request({ method: "GET", url: "/api/audit", cookie: await t.login("auditor") })).json();
    expect(JSON.stringify(audit)).toContain("ticket.requeue");
  });

  it("carries a transfer's note to the next teller, and refuses one too long", async () => {
    const ticket = await issueCash();
    // Counter 1 may be busy from before: take this ticket by its id after finishing what it holds.
    const counter1 = (await t.request({ method: "GET", url: `/api/counters/${c(1)}`, cookie: teller1 })).json();
    expect(counter1.currentTicket).toBeNull();
    expect((await post(`/api/counters/${c(1)}/call`, teller1, { ticketId: ticket.id })).statusCode).toBe(200);
    const tooLong = await post(`/api/tickets/${ticket.id}/transfer`, teller1, {
      counterId: c(4),
      position: "first",
      note: "x".repeat(501),
    });
    expect(tooLong.statusCode).toBe(400);
    const moved = await post(`/api/tickets/${ticket.id}/transfer`, teller1, {
      counterId: c(4),
      position: "first",
      note: "客户需补办借记卡，身份证已核验",
    });
    expect(moved.statusCode).toBe(200);
    expect((await post(`/api/counters/${c(4)}/call-next`, teller4)).json().ticket.id).toBe(ticket.id);
    const counter4 = (await t.request({ method: "GET", url: `/api/counters/${c(4)}`, cookie: teller4 })).json();
    expect(counter4.handoverNote).toBe("客户需补办借记卡，身份证已核验");
  });

  it("answers the asking teller's own figures of the day", async () => {
    const mine = await t.request({ method: "GET", url: `/api/counters/${c(4)}/my-today`, cookie: teller4 });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ called: 1, served: 0, noShows: 0, averageServiceMinutes: null });
    const teller1Day = (
      await t.request({ method: "GET", url: `/api/counters/${c(1)}/my-today`, cookie: teller1 })
    ).json();
    expect(teller1Day).toMatchObject({ noShows: 0 });
    const kioskAsks = await t.request({
      method: "GET",
      url: `/api/counters/${c(1)}/my-today`,
      token: t.deviceToken("kiosk"),
    });
    expect(kioskAsks.statusCode).toBe(403);
  });

  it("lets the branch manager set the automatic no-show time and the recall gap, within bounds", async () => {
    const url = `/api/branches/${t.branchId}`;
    const tooLong = await t.request({ method: "PATCH", url, cookie: manager, body: { noShowAfterSeconds: 99_999 } });
    expect(tooLong.statusCode).toBe(400);
    const set = await t.request({
      method: "PATCH",
      url,
      cookie: manager,
      body: { noShowAfterSeconds: 120, minRecallGapSeconds: 5 },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ noShowAfterSeconds: 120, minRecallGapSeconds: 5 });
  });
});
