import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import { makeTestContext, type TestContext } from "../test-context.ts";
import { issueTicket } from "../tickets/issue-ticket.ts";
import { releaseAllClosedCounters } from "../tickets/release-targets.ts";
import { transferTicket } from "../tickets/triage-actions.ts";
import { callNext } from "./call-next.ts";
import { setCounterState } from "./set-counter-state.ts";
import { signIn } from "./sign-in.ts";

describe.each(DB_KINDS)("setCounterState on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  it("lets a teller pause and reopen their own counter, with the reason while paused", async () => {
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    expect(await setCounterState(t.ctx, teller1, t.counter(1), "paused", "lunch")).toMatchObject({
      state: "paused",
      pauseReason: "lunch",
    });
    expect(await t.counterRow(1)).toMatchObject({
      state: "paused",
      pause_reason: "lunch",
      signed_in_user_id: teller1.id,
    });
    expect(await setCounterState(t.ctx, teller1, t.counter(1), "open")).toMatchObject({
      state: "open",
      pauseReason: null,
    });
  });

  it("refuses a teller pausing another teller's counter, or closing even their own (403)", async () => {
    const teller1 = await t.staff("teller1");
    const teller2 = await t.staff("teller2");
    await signIn(t.ctx, teller1, t.counter(1));
    await signIn(t.ctx, teller2, t.counter(2));
    await expect(setCounterState(t.ctx, teller2, t.counter(1), "paused")).rejects.toMatchObject({ status: 403 });
    await expect(setCounterState(t.ctx, teller1, t.counter(1), "closed")).rejects.toMatchObject({ status: 403 });
    await expect(setCounterState(t.ctx, teller2, t.counter(3), "open")).rejects.toMatchObject({ status: 403 });
    expect(await t.counterRow(1)).toMatchObject({ state: "open", signed_in_user_id: teller1.id });
    expect((await t.counterRow(3)).state).toBe("closed");
  });

  it("refuses to close a counter that holds a ticket (409), and a paused one keeps its customer", async () => {
    const lobby = await t.staff("lobby");
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    await issueTicket(t.ctx, await t.device("kiosk"), { branchId: t.branchId, serviceId: t.service("CASH") });
    const called = await callNext(t.ctx, teller1, t.counter(1));
    await expect(setCounterState(t.ctx, lobby, t.counter(1), "closed")).rejects.toMatchObject({ status: 409 });
    expect(await t.counterRow(1)).toMatchObject({ state: "open", current_ticket_id: called?.id });
    await setCounterState(t.ctx, lobby, t.counter(1), "paused");
    expect(await t.counterRow(1)).toMatchObject({ state: "paused", current_ticket_id: called?.id });
  });

  it("closing by the lobby manager signs the teller out of the counter", async () => {
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    const view = await setCounterState(t.ctx, await t.staff("lobby"), t.counter(1), "closed");
    expect(view).toMatchObject({ state: "closed", signedInUser: null });
    expect(await t.counterRow(1)).toMatchObject({ state: "closed", signed_in_user_id: null });
    // The teller is free to take another counter.
    expect((await signIn(t.ctx, teller1, t.counter(2))).state).toBe("open");
  });

  it("sends the tickets waiting for a closing counter to their line, each with a history line and an event", async () => {
    const teller1 = await t.staff("teller1");
    const lobby = await t.staff("lobby");
    await signIn(t.ctx, teller1, t.counter(1));
    const ticket = await t.issue("CASH");
    await transferTicket(t.ctx, lobby, ticket.id, { counterId: t.counter(1), position: "last" });
    expect((await t.ticketRow(ticket.id)).target_counter_id).toBe(t.counter(1));
    const events: string[] = [];
    const unsubscribe = t.ctx.bus.subscribe(t.branchId, (e) => {
      events.push(`${e.type}${e.ticket ? ` ${e.ticket.id === ticket.id} ${e.ticket.targetCounterId}` : ""}`);
    });
    await setCounterState(t.ctx, lobby, t.counter(1), "closed");
    unsubscribe();
    expect((await t.ticketRow(ticket.id)).target_counter_id).toBeNull();
    expect(events).toEqual(["ticket.transferred true null", "counter.closed"]);
    const line = await t.ctx.store.db
      .selectFrom("ticket_transitions")
      .select(["action", "actor_type", "data"])
      .where("ticket_id", "=", ticket.id)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect({ ...line, data: JSON.parse(line.data ?? "null") }).toEqual({
      action: "transfer",
      actor_type: "system",
      data: { reason: "counter_closed", counterId: t.counter(1) },
    });
  });

  it("housekeeping releases tickets left waiting for a closed counter (a release that failed)", async () => {
    const ticket = await t.issue("CASH");
    // The state a failed post-commit release would leave: counter 8 (closed in the demo) still has a ticket.
    expect((await t.counterRow(8)).state).toBe("closed");
    await t.ctx.store.write((tx) =>
      tx
        .updateTable("tickets")
        .set({ target_counter_id: t.counter(8) })
        .where("id", "=", ticket.id)
        .execute(),
    );
    expect(await releaseAllClosedCounters(t.ctx)).toBe(1);
    expect((await t.ticketRow(ticket.id)).target_counter_id).toBeNull();
    expect(await releaseAllClosedCounters(t.ctx)).toBe(0);
  });

  it("is refused to a device and to staff without a role for it (403)", async () => {
    await expect(setCounterState(t.ctx, await t.device("kiosk"), t.counter(1), "open")).rejects.toMatchObject({
      status: 403,
    });
    await expect(setCounterState(t.ctx, await t.staff("auditor"), t.counter(1), "open")).rejects.toMatchObject({
      status: 403,
    });
    expect((await t.counterRow(1)).state).toBe("closed");
  });
});
