import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadReplayDay } from "../src/app/planning/replay-day.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

/** A wait ends at the first call: recalls re-announce the ticket but do not lengthen the branch's waits. */
describe.each(DB_KINDS)("waits measured to the first call on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
  });
  afterAll(() => t?.close());

  it("keeps today's average wait at the first call however often the ticket is recalled", async () => {
    const teller = await t.login("teller4");
    const lobby = await t.login("lobby");
    const counter = ids.counters.get(4) as string;
    const post = (url: string) => t.request({ method: "POST", url, cookie: teller });
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    expect((await post(`/api/counters/${counter}/sign-in`)).statusCode).toBe(200);
    t.clock.advance(5 * 60_000);
    const firstCall = t.clock.now;
    expect((await post(`/api/counters/${counter}/call-next`)).json().ticket.id).toBe(ticket.id);
    for (let i = 0; i < 2; i++) {
      t.clock.advance(2 * 60_000);
      expect((await post(`/api/tickets/${ticket.id}/recall`)).statusCode).toBe(200);
    }
    for (const action of ["start", "complete"])
      expect((await post(`/api/tickets/${ticket.id}/${action}`)).statusCode).toBe(200);
    const stats = (
      await t.request({ method: "GET", url: `/api/branches/${t.branchId}/stats/today`, cookie: lobby })
    ).json();
    expect(stats).toMatchObject({ served: 1, averageWaitMinutes: 5 });

    const { db } = t.server.ctx.store;
    const row = () =>
      db
        .selectFrom("tickets")
        .select(["called_at", "first_called_at"])
        .where("id", "=", ticket.id)
        .executeTakeFirstOrThrow();
    expect(await row()).toEqual({ called_at: firstCall + 4 * 60_000, first_called_at: firstCall });

    // The day's replay measures the same wait. A second ticket, called, sent to another line and cancelled
    // there, was called (its wait ended at its call) and did not leave the line uncalled.
    const second = await issueAtKiosk(t, ids.services.get("CASH"));
    t.clock.advance(60_000);
    expect((await post(`/api/counters/${counter}/call-next`)).json().ticket.id).toBe(second.id);
    const sent = await t.request({
      method: "POST",
      url: `/api/tickets/${second.id}/transfer`,
      cookie: lobby,
      body: { serviceId: ids.services.get("TRANSFER"), position: "last" },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const cancelled = await t.request({
      method: "POST",
      url: `/api/tickets/${second.id}/cancel`,
      cookie: lobby,
      body: {},
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const replay = await loadReplayDay(db, t.branchId, "2026-11-23");
    expect(replay.actual).toMatchObject({ tickets: 2, called: 2, cancelled: 1, meanWaitMinutes: 3 });
    // Both called within the 15-minute target, out of two: the cancelled one is not counted again as uncalled.
    expect(replay.actual.withinTargetShare).toBe(1);
    expect(replay.pins[1]).toEqual({ noShow: true, leftAfterMinutes: null });
  });
});
