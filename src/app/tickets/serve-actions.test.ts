import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import type { TicketStatus } from "../../domain/ticket.ts";
import { callNext, callTicket } from "../counters/call-next.ts";
import { setCounterState } from "../counters/set-counter-state.ts";
import { signIn } from "../counters/sign-in.ts";
import { makeTestContext, type TestContext, writtenState } from "../test-context.ts";
import { issueTicket } from "./issue-ticket.ts";
import { refusesIllegalActions, type TicketAction } from "./refuses-illegal-actions.ts";
import { completeService, markNoShow, parkTicket, recallTicket, resumeTicket, startService } from "./serve-actions.ts";

/** Each serve action and the only statuses it accepts. */
const SERVE_ACTIONS: ReadonlyArray<{ name: string; run: TicketAction; from: readonly TicketStatus[] }> = [
  { name: "recall", run: recallTicket, from: ["called"] },
  { name: "start", run: startService, from: ["called"] },
  { name: "complete", run: (ctx, a, id) => completeService(ctx, a, id, {}), from: ["serving"] },
  { name: "no-show", run: markNoShow, from: ["called"] },
  { name: "park", run: (ctx, a, id) => parkTicket(ctx, a, id, {}), from: ["called", "serving"] },
  { name: "resume", run: resumeTicket, from: ["parked"] },
];
refusesIllegalActions("serve actions refuse what the state machine forbids", SERVE_ACTIONS);

describe.each(DB_KINDS)("serving a ticket on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  const issueCash = async () =>
    (await issueTicket(t.ctx, await t.device("kiosk"), { branchId: t.branchId, serviceId: t.service("CASH") })).ticket;

  it("recall, start and complete move the ticket and free the counter, each recorded as a transition", async () => {
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    const ticket = await issueCash();
    await callTicket(t.ctx, teller1, t.counter(1), ticket.id);
    t.clock.advance(60_000);
    const recalled = await recallTicket(t.ctx, teller1, ticket.id);
    expect(recalled).toMatchObject({ status: "called", recallCount: 1, calledAt: new Date(t.clock.now).toISOString() });
    t.clock.advance(30_000);
    expect(await startService(t.ctx, teller1, ticket.id)).toMatchObject({ status: "serving", counterNumber: 1 });
    t.clock.advance(4 * 60_000);
    const done = await completeService(t.ctx, teller1, ticket.id, { outcome: "deposit", notes: "ok" });
    expect(done).toMatchObject({ status: "done", outcome: "deposit", notes: "ok" });
    expect(await t.counterRow(1)).toMatchObject({ current_ticket_id: null, last_ticket_id: ticket.id });
    const steps = await t.ctx.store.db
      .selectFrom("ticket_transitions")
      .select(["action", "from_status", "to_status"])
      .where("ticket_id", "=", ticket.id)
      .orderBy("id")
      .execute();
    expect(steps.map((s) => `${s.action}:${s.from_status}->${s.to_status}`)).toEqual([
      "issue:null->waiting",
      "call:waiting->called",
      "recall:called->called",
      "start:called->serving",
      "complete:serving->done",
    ]);
  });

  it("lets only the teller at the ticket's counter act on it (403 for a teller elsewhere)", async () => {
    const teller1 = await t.staff("teller1");
    const teller2 = await t.staff("teller2");
    await signIn(t.ctx, teller1, t.counter(1));
    await signIn(t.ctx, teller2, t.counter(2));
    const ticket = await issueCash();
    await callTicket(t.ctx, teller1, t.counter(1), ticket.id);
    await expect(startService(t.ctx, teller2, ticket.id)).rejects.toMatchObject({ status: 403 });
    expect((await t.ticketRow(ticket.id)).status).toBe("called");
  });

  it("marks a no-show only after the branch's number of recalls, and frees the counter", async () => {
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    const ticket = await issueCash();
    await callTicket(t.ctx, teller1, t.counter(1), ticket.id);
    t.clock.advance(15_000);
    await recallTicket(t.ctx, teller1, ticket.id);
    t.clock.advance(15_000);
    await recallTicket(t.ctx, teller1, ticket.id);
    const before = await writtenState(t, ticket.id);
    await expect(markNoShow(t.ctx, teller1, ticket.id)).rejects.toMatchObject({
      status: 409,
      details: { recallCount: 2, maxRecalls: 3 },
    });
    expect(await writtenState(t, ticket.id)).toEqual(before);
    t.clock.advance(15_000);
    await recallTicket(t.ctx, teller1, ticket.id);
    expect(await markNoShow(t.ctx, teller1, ticket.id)).toMatchObject({ status: "no_show", recallCount: 3 });
    expect((await t.counterRow(1)).current_ticket_id).toBeNull();
  });

  it("follows the branch's own no-show threshold", async () => {
    await t.ctx.store.db.updateTable("branches").set({ max_recalls: 1 }).where("id", "=", t.branchId).execute();
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    const ticket = await issueCash();
    await callTicket(t.ctx, teller1, t.counter(1), ticket.id);
    await expect(markNoShow(t.ctx, teller1, ticket.id)).rejects.toMatchObject({
      details: { recallCount: 0, maxRecalls: 1 },
    });
    t.clock.advance(15_000);
    await recallTicket(t.ctx, teller1, ticket.id);
    expect((await markNoShow(t.ctx, teller1, ticket.id)).status).toBe("no_show");
  });

  it("parks a ticket to free the counter, and resumes it into the line of that same counter only", async () => {
    const teller1 = await t.staff("teller1");
    const teller2 = await t.staff("teller2");
    await signIn(t.ctx, teller1, t.counter(1));
    await signIn(t.ctx, teller2, t.counter(2));
    const ticket = await issueCash();
    await callTicket(t.ctx, teller1, t.counter(1), ticket.id);
    await startService(t.ctx, teller1, ticket.id);

    const parked = await parkTicket(t.ctx, teller1, ticket.id, { reason: "fetching ID card" });
    expect(parked.status).toBe("parked");
    expect((await t.counterRow(1)).current_ticket_id).toBeNull();
    // While it is parked, the counter serves others.
    const other = await issueCash();
    expect((await callNext(t.ctx, teller1, t.counter(1)))?.id).toBe(other.id);
    await startService(t.ctx, teller1, other.id);
    await completeService(t.ctx, teller1, other.id, {});

    const resumed = await resumeTicket(t.ctx, teller1, ticket.id);
    expect(resumed).toMatchObject({ status: "waiting", targetCounterId: t.counter(1), counterId: null });
    // Counter 2 serves cash too, but the resumed ticket belongs to counter 1.
    expect(await callNext(t.ctx, teller2, t.counter(2))).toBeNull();
    expect(await callNext(t.ctx, teller1, t.counter(1))).toMatchObject({ id: ticket.id, counterNumber: 1 });
  });

  it("resumes a ticket whose counter closed meanwhile into its business type's line, not the closed counter's", async () => {
    const teller1 = await t.staff("teller1");
    const teller2 = await t.staff("teller2");
    const lobby = await t.staff("lobby");
    await signIn(t.ctx, teller1, t.counter(1));
    await signIn(t.ctx, teller2, t.counter(2));
    const ticket = await issueCash();
    await callTicket(t.ctx, teller1, t.counter(1), ticket.id);
    await parkTicket(t.ctx, teller1, ticket.id, {});
    await setCounterState(t.ctx, lobby, t.counter(1), "closed");

    const resumed = await resumeTicket(t.ctx, lobby, ticket.id);
    expect(resumed).toMatchObject({ status: "waiting", targetCounterId: null, counterId: null });
    expect(await callNext(t.ctx, teller2, t.counter(2))).toMatchObject({ id: ticket.id, counterNumber: 2 });
  });
});
