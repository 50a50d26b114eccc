import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepReviewAlarms } from "../src/app/reviews/alarms.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

const MIN = 60_000;

describe.each(DB_KINDS)("back-office review API on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let teller3: string;
  let reviewer: string;
  let dual: string;
  const counter = (n: number) => ids.counters.get(n) as string;
  const svc = (code: string) => ids.services.get(code) as string;

  const post = (url: string, cookie: string, body: unknown = {}) => t.request({ method: "POST", url, cookie, body });
  const get = (url: string, cookie?: string) => t.request({ method: "GET", url, ...(cookie ? { cookie } : {}) });
  /** A TRANSFER ticket (needs review) served and completed at a counter by the teller signed in there. */
  const serveTransfer = async (cookie: string, counterNo: number, notes = "汇款 5 万元，收款人核对无误") => {
    const ticket = await issueAtKiosk(t, svc("TRANSFER"));
    expect((await post(`/api/counters/${counter(counterNo)}/call`, cookie, { ticketId: ticket.id })).statusCode).toBe(
      200,
    );
    expect((await post(`/api/tickets/${ticket.id}/start`, cookie)).statusCode).toBe(200);
    const done = await post(`/api/tickets/${ticket.id}/complete`, cookie, { outcome: "remitted", notes });
    expect(done.statusCode, done.body).toBe(200);
    return { ...ticket, completed: done.json() as { status: string } };
  };
  const reviewOf = async (ticketId: string, cookie = reviewer) => {
    const res = await get(`/api/branches/${t.branchId}/reviews`, cookie);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as Array<Record<string, unknown>>).find((i) => i.ticketId === ticketId);
  };
  const ticketRow = (id: string) =>
    t.server.ctx.store.db.selectFrom("tickets").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const historyOf = async (id: string) =>
    (
      await t.server.ctx.store.db
        .selectFrom("ticket_transitions")
        .selectAll()
        .where("ticket_id", "=", id)
        .orderBy("id")
        .execute()
    ).map((r) => ({ action: r.action, to: r.to_status, data: r.data === null ? null : JSON.parse(r.data) }));

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    const admin = await t.login("admin");
    // A member of staff who both serves at a counter and reviews: four eyes must hold for them too.
    const created = await post("/api/users", admin, {
      username: "dual",
      displayName: "孙双岗",
      password: TEST_PASSWORD,
      roles: ["teller", "back_office"],
      branchIds: [t.branchId],
    });
    expect(created.statusCode, created.body).toBe(201);
    teller3 = await t.login("teller3");
    reviewer = await t.login("reviewer");
    dual = await t.login("dual");
    expect((await post(`/api/counters/${counter(3)}/sign-in`, teller3)).statusCode).toBe(200);
    expect((await post(`/api/counters/${counter(2)}/sign-in`, dual)).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("puts a completed ticket of a business type that needs review in the queue, and frees the counter", async () => {
    const ticket = await serveTransfer(teller3, 3);
    expect(ticket.completed.status).toBe("in_review");
    const c = await get(`/api/counters/${counter(3)}`, teller3);
    expect(c.json().currentTicket).toBeNull();
    const item = await reviewOf(ticket.id);
    expect(item).toMatchObject({
      number: ticket.number,
      counterNumber: 3,
      tellerName: expect.any(String),
      notes: "汇款 5 万元，收款人核对无误",
      outcome: "remitted",
      round: 1,
      status: "pending",
      mayDecide: true,
    });
    // The customer's page: awaiting review, about the queue's target (no history yet) of minutes.
    const pub = await get(`/api/public/tickets/${ticket.id}`);
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({ status: "in_review", reviewWaitMinutes: 10 });
    // A business type without review is simply done, with no review.
    const cash = await issueAtKiosk(t, svc("CASH"));
    await post(`/api/counters/${counter(3)}/call`, teller3, { ticketId: cash.id });
    await post(`/api/tickets/${cash.id}/start`, teller3);
    const done = await post(`/api/tickets/${cash.id}/complete`, teller3, {});
    expect(done.json().status).toBe("done");
    expect(await reviewOf(cash.id)).toBeUndefined();
    expect((await get(`/api/public/tickets/${cash.id}`)).json().reviewWaitMinutes).toBeNull();
  });

  it("lets a reviewer take, approve, and records waits and times in the ticket's history", async () => {
    const ticket = await serveTransfer(teller3, 3);
    t.clock.advance(4 * MIN);
    // Take the queue until this ticket comes up (earlier tests may have left items before it).
    let taken: Record<string, unknown> | undefined;
    for (let i = 0; i < 10 && taken?.ticketId !== ticket.id; i++) {
      const res = await post("/api/reviews/next", reviewer);
      expect(res.statusCode, res.body).toBe(200);
      taken = res.json();
      if (taken?.ticketId !== ticket.id) {
        const ok = await post(`/api/reviews/${taken?.id}/approve`, reviewer);
        expect(ok.statusCode, ok.body).toBe(200);
      }
    }
    expect(taken).toMatchObject({ ticketId: ticket.id, status: "taken", waitedMinutes: 4 });
    // Taken: another reviewer may not decide it.
    const manager = await t.login("manager");
    expect((await post(`/api/reviews/${taken?.id}/approve`, manager)).statusCode).toBe(409);
    t.clock.advance(2 * MIN);
    const approved = await post(`/api/reviews/${taken?.id}/approve`, reviewer, { note: "核对无误" });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().status).toBe("done");
    expect((await ticketRow(ticket.id)).status).toBe("done");
    const history = await historyOf(ticket.id);
    expect(history.map((h) => h.action)).toEqual(["issue", "call", "start", "submit-review", "review-take", "approve"]);
    expect(history.find((h) => h.action === "review-take")?.data).toMatchObject({ waitedMs: 4 * MIN });
    expect(history.at(-1)).toMatchObject({ to: "done", data: { round: 1, note: "核对无误" } });
    // Decided once: a second decision is refused.
    expect((await post(`/api/reviews/${taken?.id}/approve`, reviewer)).statusCode).toBe(409);
    expect((await post(`/api/reviews/${taken?.id}/reject`, reviewer, { reason: "x" })).statusCode).toBe(409);
    const trail = await t.server.ctx.store.db
      .selectFrom("audit_log")
      .select("action")
      .where("entity_id", "in", [ticket.id, taken?.id as string])
      .execute();
    expect(trail.map((a) => a.action)).toEqual(expect.arrayContaining(["review.take", "ticket.approve"]));
  });

  it("four eyes: the teller who served it gets 403 on approve and reject, and is never handed it", async () => {
    const ticket = await serveTransfer(dual, 2);
    const item = await reviewOf(ticket.id, dual);
    expect(item?.mayDecide).toBe(false);
    const before = await ticketRow(ticket.id);
    const approve = await post(`/api/reviews/${item?.id}/approve`, dual);
    expect(approve.statusCode).toBe(403);
    expect(approve.json().error).toBe("forbidden");
    expect((await post(`/api/reviews/${item?.id}/reject`, dual, { reason: "自己退回" })).statusCode).toBe(403);
    expect(await ticketRow(ticket.id)).toEqual(before);
    // The teller of the counter (not a reviewer at all) is refused too, as is reading the queue.
    expect((await post(`/api/reviews/${item?.id}/approve`, teller3)).statusCode).toBe(403);
    expect((await get(`/api/branches/${t.branchId}/reviews`, teller3)).statusCode).toBe(403);
    // Taking the next item skips what the dual-role user served.
    const next = await post(`/api/branches/${t.branchId}/reviews/next`, dual);
    if (next.statusCode === 200) expect(next.json().ticketId).not.toBe(ticket.id);
    else expect(next.statusCode).toBe(204);
    // Someone else decides it.
    expect((await post(`/api/reviews/${item?.id}/approve`, reviewer)).statusCode).toBe(200);
  });

  it("rejects with a reason: back to the same counter serving again, the reason in its notes; round 2 follows", async () => {
    const ticket = await serveTransfer(teller3, 3);
    const item = await reviewOf(ticket.id);
    expect((await post(`/api/reviews/${item?.id}/reject`, reviewer, { reason: "" })).statusCode).toBe(400);
    expect((await post(`/api/reviews/${item?.id}/reject`, reviewer, {})).statusCode).toBe(400);
    const rejected = await post(`/api/reviews/${item?.id}/reject`, reviewer, { reason: "收款人账号与申请书不一致" });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ status: "serving", counterNumber: 3 });
    expect(rejected.json().notes).toContain("收款人账号与申请书不一致");
    const c = await get(`/api/counters/${counter(3)}`, teller3);
    expect(c.json().currentTicket?.id).toBe(ticket.id);
    // The customer's page shows the counter again.
    expect((await get(`/api/public/tickets/${ticket.id}`)).json()).toMatchObject({
      status: "serving",
      counterNumber: 3,
    });
    // The reviewer who rejected it may not serve it (both sides of one item): a reviewer who can act at counters
    // is the admin; the teller completes it again, round 2.
    const admin = await t.login("admin");
    const adminComplete = await post(`/api/tickets/${ticket.id}/complete`, admin, {});
    expect(adminComplete.statusCode).toBe(200); // admin did not review it: allowed
    const round2 = await reviewOf(ticket.id);
    expect(round2).toMatchObject({ round: 2, earlierRejections: ["收款人账号与申请书不一致"] });
    // The admin completed it, so the admin is now on the service side: 403 on its review.
    expect((await post(`/api/reviews/${round2?.id}/approve`, admin)).statusCode).toBe(403);
    const rejectedAgain = await post(`/api/reviews/${round2?.id}/reject`, reviewer, { reason: "缺少客户签字" });
    expect(rejectedAgain.statusCode).toBe(200);
  });

  it("a reviewer who rejected a ticket may not then complete it (403); a busy counter gets it first in its line", async () => {
    // Counter 3 still serves the ticket rejected in the previous test: the teller completes it (round 3).
    const held = (await get(`/api/counters/${counter(3)}`, teller3)).json().currentTicket;
    if (held) expect((await post(`/api/tickets/${held.id}/complete`, teller3, {})).statusCode).toBe(200);
    const ticket = await serveTransfer(teller3, 3);
    // The counter takes its next customer meanwhile.
    const cash = await issueAtKiosk(t, svc("CASH"));
    expect((await post(`/api/counters/${counter(3)}/call`, teller3, { ticketId: cash.id })).statusCode).toBe(200);
    const item = await reviewOf(ticket.id);
    const admin = await t.login("admin");
    const res = await post(`/api/reviews/${item?.id}/reject`, admin, { reason: "请补充材料" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: "waiting", targetCounterId: counter(3) });
    await post(`/api/tickets/${cash.id}/start`, teller3);
    expect((await post(`/api/tickets/${cash.id}/complete`, teller3, {})).statusCode).toBe(200);
    const called = await post(`/api/counters/${counter(3)}/call-next`, teller3);
    expect(called.statusCode, called.body).toBe(200);
    expect(called.json().ticket.id).toBe(ticket.id);
    await post(`/api/tickets/${ticket.id}/start`, teller3);
    // The admin may act on any ticket as a manager, but reviewed this one: 403, nothing changed.
    const refused = await post(`/api/tickets/${ticket.id}/complete`, admin, {});
    expect(refused.statusCode).toBe(403);
    expect((await ticketRow(ticket.id)).status).toBe("serving");
    const again = await post(`/api/tickets/${ticket.id}/complete`, teller3, {});
    expect(again.json().status).toBe("in_review");
  });

  it("warns the lobby once when a review waits past the branch's review alarm", async () => {
    const ticket = await serveTransfer(teller3, 3);
    const db = t.server.ctx.store.db;
    // Earlier items were left open on purpose above; clear them so only this ticket's alarm counts.
    await db
      .updateTable("reviews")
      .set({ alarmed_at: 1 })
      .where("ticket_id", "!=", ticket.id)
      .where("status", "in", ["pending", "taken"])
      .execute();
    expect(await sweepReviewAlarms(t.server.ctx)).toBe(0);
    t.clock.advance(19 * MIN);
    expect(await sweepReviewAlarms(t.server.ctx)).toBe(0);
    expect((await reviewOf(ticket.id))?.pastTarget).toBe(true);
    t.clock.advance(1 * MIN);
    expect(await sweepReviewAlarms(t.server.ctx)).toBe(1);
    expect(await sweepReviewAlarms(t.server.ctx)).toBe(0);
    expect((await reviewOf(ticket.id))?.pastAlarm).toBe(true);
    const events = await db
      .selectFrom("events")
      .select(["type", "payload"])
      .where("branch_id", "=", t.branchId)
      .where("type", "=", "review.overdue")
      .execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.payload ?? "{}").ticket).toMatchObject({ id: ticket.id, status: "in_review" });
    expect((await historyOf(ticket.id)).map((h) => h.action)).toContain("review-overdue");
  });

  it("answers the central queue across the reviewer's branches, and 404 for an unknown review", async () => {
    const res = await get("/api/reviews", reviewer);
    expect(res.statusCode).toBe(200);
    expect(Array.isArray(res.json().items)).toBe(true);
    expect(res.json().items.length).toBeGreaterThan(0);
    expect((await post("/api/reviews/nope/approve", reviewer)).statusCode).toBe(404);
    expect((await get("/api/reviews", teller3)).statusCode).toBe(403);
  });
});
