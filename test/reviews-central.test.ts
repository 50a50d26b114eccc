/**
 * The central review queue (前台受理、后台复核 across branches): a reviewer of two branches sees and takes the
 * items of every branch that sends its reviews there, in one order; a branch switched out of it (its review
 * settings) keeps its items in its own queue only, and they come back when it is switched on again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSecondDemoBranch } from "../src/app/seed-demo.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

const MIN = 60_000;

describe.each(DB_KINDS)("central review queue on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let b2: string;
  let b2Transfer: string;
  let b2Counter2: string;
  const c: Record<string, string> = {};
  const db = () => t.server.ctx.store.db;
  const post = (url: string, cookie: string, body: unknown = {}) => t.request({ method: "POST", url, cookie, body });
  const get = (url: string, cookie: string) => t.request({ method: "GET", url, cookie });

  const complete = async (cookie: string, counterId: string, ticketId: string) => {
    expect((await post(`/api/counters/${counterId}/call`, cookie, { ticketId })).statusCode).toBe(200);
    expect((await post(`/api/tickets/${ticketId}/start`, cookie)).statusCode).toBe(200);
    const done = await post(`/api/tickets/${ticketId}/complete`, cookie, { outcome: "remitted", notes: "汇款" });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().status).toBe("in_review");
  };
  /** A TRANSFER served in the first branch (teller3, counter 3). */
  const inFirst = async () => {
    const ticket = await issueAtKiosk(t, ids.services.get("TRANSFER"));
    await complete(c.teller3 as string, ids.counters.get(3) as string, ticket.id);
    return ticket.id;
  };
  /** A TRANSFER served in the second branch (teller10, its counter 2), issued by its manager at the lobby. */
  const inSecond = async () => {
    const issued = await post(`/api/branches/${b2}/tickets`, c.manager2 as string, { serviceId: b2Transfer });
    expect(issued.statusCode, issued.body).toBe(201);
    await complete(c.teller10 as string, b2Counter2, issued.json().id);
    return issued.json().id as string;
  };
  const centralTickets = async () => {
    const res = await get("/api/reviews", c.reviewer as string);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as Array<{ ticketId: string }>).map((i) => i.ticketId);
  };
  const setCentral = async (branchId: string, central: boolean) => {
    const res = await t.request({
      method: "PUT",
      url: `/api/branches/${branchId}/feedback-settings`,
      cookie: c.admin,
      body: { review: { central } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().review.central).toBe(central);
  };
  const decideAll = async () => {
    // Empties the queues so each test starts from none.
    for (const branchId of [t.branchId, b2]) {
      const res = await get(`/api/branches/${branchId}/reviews`, c.admin as string);
      for (const item of res.json().items as Array<{ id: string; status: string; takenBy: string | null }>)
        await db().updateTable("reviews").set({ status: "approved" }).where("id", "=", item.id).execute();
    }
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    const second = await seedSecondDemoBranch(t.server.ctx, TEST_PASSWORD);
    b2 = second.branchId;
    // The reviewer works for both branches.
    const reviewerId = (
      await db().selectFrom("users").select("id").where("username", "=", "reviewer").executeTakeFirstOrThrow()
    ).id;
    await t.server.ctx.store.write((tx) =>
      tx.insertInto("memberships").values({ user_id: reviewerId, branch_id: b2 }).execute(),
    );
    for (const u of ["admin", "teller3", "teller10", "manager2", "reviewer", "manager"]) c[u] = await t.login(u);
    const services = (await get(`/api/branches/${b2}/services`, c.manager2 as string)).json() as Array<{
      id: string;
      code: string;
    }>;
    b2Transfer = services.find((s) => s.code === "TRANSFER")?.id as string;
    const counters = (await get(`/api/branches/${b2}/counters`, c.manager2 as string)).json() as Array<{
      id: string;
      number: number;
    }>;
    b2Counter2 = counters.find((x) => x.number === 2)?.id as string;
    expect((await post(`/api/counters/${ids.counters.get(3)}/sign-in`, c.teller3 as string)).statusCode).toBe(200);
    expect((await post(`/api/counters/${b2Counter2}/sign-in`, c.teller10 as string)).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("with the switch on (the default), holds both branches' items in one order and hands them out in it", async () => {
    const first = await inFirst();
    t.clock.advance(2 * MIN);
    const second = await inSecond();
    expect(await centralTickets()).toEqual([first, second]);
    // Each branch's own queue holds its own item only.
    const own = await get(`/api/branches/${b2}/reviews`, c.reviewer as string);
    expect(own.json().items.map((i: { ticketId: string }) => i.ticketId)).toEqual([second]);
    // The branch manager of the second branch only, who is no member of the first, is refused the first's.
    expect((await get(`/api/branches/${t.branchId}/reviews`, c.manager2 as string)).statusCode).toBe(403);

    const next = await post("/api/reviews/next", c.reviewer as string);
    expect(next.statusCode, next.body).toBe(200);
    expect(next.json()).toMatchObject({ ticketId: first, status: "taken", branchId: t.branchId });
    // Asking again answers the item already taken, not a second one.
    expect((await post("/api/reviews/next", c.reviewer as string)).json().ticketId).toBe(first);
    expect((await post(`/api/reviews/${next.json().id}/approve`, c.reviewer as string)).statusCode).toBe(200);
    const then = await post("/api/reviews/next", c.reviewer as string);
    expect(then.json()).toMatchObject({ ticketId: second, branchId: b2 });
    expect((await post(`/api/reviews/${then.json().id}/approve`, c.reviewer as string)).statusCode).toBe(200);
    expect((await post("/api/reviews/next", c.reviewer as string)).statusCode).toBe(204);
    expect(await centralTickets()).toEqual([]);
  });

  it("with the switch off for a branch, its items leave the central queue but stay in its own; on again, back", async () => {
    await decideAll();
    await setCentral(b2, false);
    const first = await inFirst();
    const second = await inSecond();
    expect(await centralTickets()).toEqual([first]);
    const own = await get(`/api/branches/${b2}/reviews`, c.reviewer as string);
    expect(own.json().items.map((i: { ticketId: string }) => i.ticketId)).toEqual([second]);
    // Taking from the central queue never hands out the switched-off branch's item.
    const next = await post("/api/reviews/next", c.reviewer as string);
    expect(next.json().ticketId).toBe(first);
    expect((await post(`/api/reviews/${next.json().id}/approve`, c.reviewer as string)).statusCode).toBe(200);
    expect((await post("/api/reviews/next", c.reviewer as string)).statusCode).toBe(204);
    // The branch's own queue still hands it out.
    const local = await post(`/api/branches/${b2}/reviews/next`, c.reviewer as string);
    expect(local.statusCode, local.body).toBe(200);
    expect(local.json().ticketId).toBe(second);
    expect((await post(`/api/reviews/${local.json().id}/approve`, c.reviewer as string)).statusCode).toBe(200);

    // On again: a new item of the branch is in the central queue.
    await setCentral(b2, true);
    const again = await inSecond();
    expect(await centralTickets()).toEqual([again]);
    // Switching the first branch off too leaves the second's item alone in it.
    await setCentral(t.branchId, false);
    const firstOut = await inFirst();
    expect(await centralTickets()).toEqual([again]);
    expect(
      (await get(`/api/branches/${t.branchId}/reviews`, c.reviewer as string))
        .json()
        .items.map((i: { ticketId: string }) => i.ticketId),
    ).toEqual([firstOut]);
    await setCentral(t.branchId, true);
    expect((await centralTickets()).sort()).toEqual([again, firstOut].sort());
  });

  it("a reviewer who took an item from the central queue gets it back after its branch is switched out", async () => {
    await decideAll();
    await setCentral(b2, true);
    const second = await inSecond();
    const taken = await post("/api/reviews/next", c.reviewer as string);
    expect(taken.json()).toMatchObject({ ticketId: second, status: "taken" });
    await setCentral(b2, false);
    const first = await inFirst();
    // The taken item is still theirs to decide: asking for the next answers it, not a second item.
    const next = await post("/api/reviews/next", c.reviewer as string);
    expect(next.statusCode, next.body).toBe(200);
    expect(next.json().ticketId).toBe(second);
    expect((await post(`/api/reviews/${taken.json().id}/approve`, c.reviewer as string)).statusCode).toBe(200);
    expect((await post("/api/reviews/next", c.reviewer as string)).json().ticketId).toBe(first);
    await setCentral(b2, true);
  });
});
