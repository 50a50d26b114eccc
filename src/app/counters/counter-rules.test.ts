import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import { makeTestContext, type TestContext, writtenState } from "../test-context.ts";
import { completeService, markNoShow, recallTicket, startService } from "../tickets/serve-actions.ts";
import { requeueTicket, transferTicket } from "../tickets/triage-actions.ts";
import { callNext, callTicket } from "./call-next.ts";
import { loadCounter } from "./counter-access.ts";
import { counterView } from "./counter-view.ts";
import { expireUnansweredCalls } from "./expire-calls.ts";
import { signIn } from "./sign-in.ts";
import { tellerToday } from "./teller-today.ts";

describe.each(DB_KINDS)("the counter's rules on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  const calledAtCounter1 = async () => {
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    const ticket = await t.issue("CASH");
    await callTicket(t.ctx, teller1, t.counter(1), ticket.id);
    return { teller1, ticket };
  };

  it("refuses a recall within the branch's least gap since the call, writing nothing", async () => {
    const { teller1, ticket } = await calledAtCounter1();
    t.clock.advance(2000);
    const before = await writtenState(t, ticket.id);
    await expect(recallTicket(t.ctx, teller1, ticket.id)).rejects.toMatchObject({
      status: 409,
      details: { retryAfterSeconds: 8, minRecallGapSeconds: 10 },
    });
    expect(await writtenState(t, ticket.id)).toEqual(before);
    t.clock.advance(8000);
    expect(await recallTicket(t.ctx, teller1, ticket.id)).toMatchObject({ recallCount: 1 });
    // The gap counts from the latest call, the recall.
    t.clock.advance(9000);
    await expect(recallTicket(t.ctx, teller1, ticket.id)).rejects.toMatchObject({ status: 409 });
  });

  it("marks a call nobody answered no-show after the branch's time, frees the counter, and only once", async () => {
    const { ticket } = await calledAtCounter1();
    t.clock.advance(299_000);
    expect(await expireUnansweredCalls(t.ctx)).toEqual([]);
    expect((await t.ticketRow(ticket.id)).status).toBe("called");
    t.clock.advance(1000);
    // Two housekeeping runs at once (two instances): the guarded update lets one through.
    const runs = await Promise.all([expireUnansweredCalls(t.ctx), expireUnansweredCalls(t.ctx)]);
    expect(runs.flat()).toEqual([ticket.number]);
    expect(await t.ticketRow(ticket.id)).toMatchObject({ status: "no_show", completed_at: t.clock.now });
    expect((await t.counterRow(1)).current_ticket_id).toBeNull();
    const history = await t.ctx.store.db
      .selectFrom("ticket_transitions")
      .select(["action", "actor_type", "data"])
      .where("ticket_id", "=", ticket.id)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(history).toMatchObject({ action: "no-show", actor_type: "system" });
    expect(JSON.parse(history.data ?? "{}")).toEqual({ automatic: true, afterSeconds: 300 });
  });

  it("restarts the no-show time at each recall, leaves a started ticket alone, and can be turned off", async () => {
    const { teller1, ticket } = await calledAtCounter1();
    t.clock.advance(200_000);
    await recallTicket(t.ctx, teller1, ticket.id);
    t.clock.advance(200_000);
    expect(await expireUnansweredCalls(t.ctx)).toEqual([]);
    await startService(t.ctx, teller1, ticket.id);
    t.clock.advance(600_000);
    expect(await expireUnansweredCalls(t.ctx)).toEqual([]);
    expect((await t.ticketRow(ticket.id)).status).toBe("serving");

    await t.ctx.store.db.updateTable("branches").set({ no_show_after_seconds: 0 }).execute();
    const teller2 = await t.staff("teller2");
    await signIn(t.ctx, teller2, t.counter(2));
    const other = await t.issue("CASH");
    await callTicket(t.ctx, teller2, t.counter(2), other.id);
    t.clock.advance(3_600_000);
    expect(await expireUnansweredCalls(t.ctx)).toEqual([]);
  });

  it("lets the lobby manager, not the teller, put today's no-show back in line", async () => {
    const { teller1, ticket } = await calledAtCounter1();
    for (let i = 0; i < 3; i++) {
      t.clock.advance(10_000);
      await recallTicket(t.ctx, teller1, ticket.id);
    }
    await markNoShow(t.ctx, teller1, ticket.id);
    await expect(requeueTicket(t.ctx, teller1, ticket.id, { position: "last" })).rejects.toMatchObject({
      status: 403,
    });
    const waiting = await t.issue("CASH");
    const lobby = await t.staff("lobby");
    const back = await requeueTicket(t.ctx, lobby, ticket.id, { position: "first" });
    expect(back).toMatchObject({ status: "waiting", counterId: null, recallCount: 0, calledAt: null });
    // First in line: the next call takes it before the ticket that waited meanwhile.
    expect((await callNext(t.ctx, teller1, t.counter(1)))?.id).toBe(ticket.id);
    expect(waiting.status).toBe("waiting");
    await expect(requeueTicket(t.ctx, lobby, ticket.id, { position: "last" })).rejects.toMatchObject({
      status: 409,
    });
  });

  it("refuses to put yesterday's no-show back in line", async () => {
    const { teller1, ticket } = await calledAtCounter1();
    for (let i = 0; i < 3; i++) {
      t.clock.advance(10_000);
      await recallTicket(t.ctx, teller1, ticket.id);
    }
    await markNoShow(t.ctx, teller1, ticket.id);
    t.clock.advance(24 * 3_600_000);
    await expect(requeueTicket(t.ctx, await t.staff("lobby"), ticket.id, { position: "last" })).rejects.toMatchObject({
      status: 409,
      details: { day: ticket.day },
    });
  });

  it("shows the transfer's note to the teller who calls the ticket next", async () => {
    const { teller1, ticket } = await calledAtCounter1();
    const teller4 = await t.staff("teller4");
    await signIn(t.ctx, teller4, t.counter(4));
    await transferTicket(t.ctx, teller1, ticket.id, {
      counterId: t.counter(4),
      position: "first",
      note: "Needs a new debit card; ID checked.",
    });
    expect((await callNext(t.ctx, teller4, t.counter(4)))?.id).toBe(ticket.id);
    const view = await counterView(t.ctx.store.db, await loadCounter(t.ctx.store.db, t.counter(4)));
    expect(view.handoverNote).toBe("Needs a new debit card; ID checked.");
    const first = await counterView(t.ctx.store.db, await loadCounter(t.ctx.store.db, t.counter(1)));
    expect(first.handoverNote).toBeNull();
  });

  it("gives a teller their own figures of the day", async () => {
    const { teller1, ticket } = await calledAtCounter1();
    await startService(t.ctx, teller1, ticket.id);
    t.clock.advance(4 * 60_000);
    await completeService(t.ctx, teller1, ticket.id, {});
    const second = await t.issue("CASH");
    await callTicket(t.ctx, teller1, t.counter(1), second.id);
    const teller2 = await t.staff("teller2");
    expect(await tellerToday(t.ctx, teller1, t.counter(1))).toMatchObject({
      called: 2,
      served: 1,
      noShows: 0,
      averageServiceMinutes: 4,
    });
    expect(await tellerToday(t.ctx, teller2, t.counter(1))).toMatchObject({ called: 0, served: 0 });
  });
});
