import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePastDays } from "../src/app/tickets/close-past-days.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("the end of a branch day on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
  });
  afterAll(() => t?.close());

  it("cancels yesterday's unfinished tickets, frees the counters and starts today's numbers at 001", async () => {
    const kiosk = t.deviceToken("kiosk");
    const issue = () =>
      t.request({
        method: "POST",
        url: `/api/branches/${t.branchId}/tickets`,
        token: kiosk,
        body: { serviceId: ids.services.get("CASH") },
      });
    const waiting = (await issue()).json();
    await issue();
    const teller = await t.login("teller1");
    await t.request({ method: "POST", url: `/api/counters/${ids.counters.get(1)}/sign-in`, cookie: teller });
    const called = (
      await t.request({ method: "POST", url: `/api/counters/${ids.counters.get(1)}/call-next`, cookie: teller })
    ).json();
    expect(called.ticket.id).toBe(waiting.id);

    expect(await closePastDays(t.server.ctx)).toBe(0);
    t.clock.advance(24 * 60 * 60_000);
    expect(await closePastDays(t.server.ctx)).toBe(2);
    expect(await closePastDays(t.server.ctx)).toBe(0);

    // A new day: yesterday's sessions have expired (12 hours), so the lobby manager signs in afresh.
    const lobby = await t.login("lobby");
    const left = await t.request({ method: "GET", url: `/api/tickets/${waiting.id}`, cookie: lobby });
    expect(left.json()).toMatchObject({ status: "cancelled", outcome: "day_closed" });
    const counter = (
      await t.request({ method: "GET", url: `/api/counters/${ids.counters.get(1)}`, cookie: lobby })
    ).json();
    expect(counter.currentTicket).toBeNull();
    const queue = (await t.request({ method: "GET", url: `/api/branches/${t.branchId}/queue`, cookie: lobby })).json();
    expect(queue.waiting).toHaveLength(0);
    expect((await issue()).json().number).toBe("A001");
  });

  it("closes a past day's whole line in one run, however long it was", async () => {
    const kiosk = t.deviceToken("kiosk");
    for (let i = 0; i < 450; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, () =>
          t.request({
            method: "POST",
            url: `/api/branches/${t.branchId}/tickets`,
            token: kiosk,
            body: { serviceId: ids.services.get("CASH") },
          }),
        ),
      );
    t.clock.advance(24 * 60 * 60_000);
    // The 450, and the A001 the test before issued on what is now yesterday: more than one batch of 200.
    expect(await closePastDays(t.server.ctx)).toBe(451);
    const open = await t.server.ctx.store.db
      .selectFrom("tickets")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("status", "in", ["waiting", "called", "serving", "parked"])
      .executeTakeFirstOrThrow();
    expect(Number(open.n)).toBe(0);
  });
});
