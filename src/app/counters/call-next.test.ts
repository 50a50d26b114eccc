import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import { makeTestContext, type TestContext, writtenState } from "../test-context.ts";
import { transferTicket } from "../tickets/triage-actions.ts";
import { callNext, callTicket } from "./call-next.ts";
import { setCounterState } from "./set-counter-state.ts";
import { signIn } from "./sign-in.ts";

describe.each(DB_KINDS)("callNext and callTicket on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  it("chooses only among the business types the counter serves", async () => {
    const teller7 = await t.staff("teller7");
    await signIn(t.ctx, teller7, t.counter(7)); // the wealth counter: WEALTH only
    const cash = await t.issue("CASH");
    t.clock.advance(60_000);
    const wealth = await t.issue("WEALTH");
    t.clock.advance(60_000);
    const called = await callNext(t.ctx, teller7, t.counter(7));
    expect(called).toMatchObject({ id: wealth.id, number: "E001", status: "called", counterNumber: 7 });
    expect(await t.ticketRow(wealth.id)).toMatchObject({
      counter_id: t.counter(7),
      served_by: teller7.id,
      called_at: t.clock.now,
    });
    expect((await t.counterRow(7)).current_ticket_id).toBe(wealth.id);
    expect((await t.ticketRow(cash.id)).status).toBe("waiting");
  });

  it("returns null when nothing the counter serves is waiting, and writes nothing", async () => {
    const teller7 = await t.staff("teller7");
    await signIn(t.ctx, teller7, t.counter(7));
    const cash = await t.issue("CASH");
    const before = await writtenState(t, cash.id);
    expect(await callNext(t.ctx, teller7, t.counter(7))).toBeNull();
    expect(await writtenState(t, cash.id)).toEqual(before);
  });

  it("refuses a counter that is not open (409) or that nobody signed in at (409)", async () => {
    const teller1 = await t.staff("teller1");
    const cash = await t.issue("CASH");
    await expect(callNext(t.ctx, teller1, t.counter(1))).rejects.toMatchObject({ status: 409 });
    await signIn(t.ctx, teller1, t.counter(1));
    await setCounterState(t.ctx, teller1, t.counter(1), "paused", "lunch");
    await expect(callNext(t.ctx, teller1, t.counter(1))).rejects.toMatchObject({ status: 409, code: "conflict" });
    await expect(callTicket(t.ctx, teller1, t.counter(1), cash.id)).rejects.toMatchObject({ status: 409 });
    expect((await t.ticketRow(cash.id)).status).toBe("waiting");
  });

  it("refuses a counter that still holds a ticket (409, naming it)", async () => {
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    const a1 = await t.issue("CASH");
    const a2 = await t.issue("CASH");
    expect((await callNext(t.ctx, teller1, t.counter(1)))?.id).toBe(a1.id);
    await expect(callNext(t.ctx, teller1, t.counter(1))).rejects.toMatchObject({
      status: 409,
      details: { currentTicketId: a1.id },
    });
    await expect(callTicket(t.ctx, teller1, t.counter(1), a2.id)).rejects.toMatchObject({ status: 409 });
    expect((await t.ticketRow(a2.id)).status).toBe("waiting");
  });

  it("refuses a teller calling at another teller's counter (403)", async () => {
    const teller1 = await t.staff("teller1");
    const teller2 = await t.staff("teller2");
    await signIn(t.ctx, teller1, t.counter(1));
    const a1 = await t.issue("CASH");
    await expect(callNext(t.ctx, teller2, t.counter(1))).rejects.toMatchObject({ status: 403, code: "forbidden" });
    await expect(callTicket(t.ctx, teller2, t.counter(1), a1.id)).rejects.toMatchObject({ status: 403 });
    expect((await t.ticketRow(a1.id)).status).toBe("waiting");
  });

  it("does not take a ticket sent to another counter, by callNext or by callTicket", async () => {
    const lobby = await t.staff("lobby");
    const teller1 = await t.staff("teller1");
    const teller2 = await t.staff("teller2");
    await signIn(t.ctx, teller1, t.counter(1));
    await signIn(t.ctx, teller2, t.counter(2));
    const a1 = await t.issue("CASH");
    await transferTicket(t.ctx, lobby, a1.id, { counterId: t.counter(2), position: "last" });
    expect(await callNext(t.ctx, teller1, t.counter(1))).toBeNull();
    await expect(callTicket(t.ctx, teller1, t.counter(1), a1.id)).rejects.toMatchObject({ status: 409 });
    expect(await t.ticketRow(a1.id)).toMatchObject({ status: "waiting", counter_id: null });
    expect((await callNext(t.ctx, teller2, t.counter(2)))?.id).toBe(a1.id);
  });

  it("callTicket calls the ticket named, out of order, and refuses one no longer waiting with its status", async () => {
    const teller1 = await t.staff("teller1");
    const teller2 = await t.staff("teller2");
    await signIn(t.ctx, teller1, t.counter(1));
    await signIn(t.ctx, teller2, t.counter(2));
    await t.issue("CASH");
    const a2 = await t.issue("CASH");
    expect(await callTicket(t.ctx, teller1, t.counter(1), a2.id)).toMatchObject({ number: "A002", counterNumber: 1 });
    await expect(callTicket(t.ctx, teller2, t.counter(2), a2.id)).rejects.toMatchObject({
      status: 409,
      details: { status: "called" },
    });
    expect((await t.counterRow(2)).current_ticket_id).toBeNull();
  });
});
