import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import type { TicketStatus } from "../../domain/ticket.ts";
import { callNext, callTicket } from "../counters/call-next.ts";
import { signIn } from "../counters/sign-in.ts";
import { makeTestContext, START, type TestContext, writtenState } from "../test-context.ts";
import { refusesIllegalActions, type TicketAction } from "./refuses-illegal-actions.ts";
import { completeService, startService } from "./serve-actions.ts";
import { cancelTicket, changePriority, redirectTicket, requeueTicket, transferTicket } from "./triage-actions.ts";

const MIN = 60_000;

/** Each triage action and the only statuses it accepts. */
const TRIAGE_ACTIONS: ReadonlyArray<{ name: string; run: TicketAction; from: readonly TicketStatus[] }> = [
  {
    name: "transfer",
    run: (ctx, a, id, t) => transferTicket(ctx, a, id, { serviceId: t.service("TRANSFER"), position: "last" }),
    from: ["waiting", "called", "serving", "parked"],
  },
  { name: "cancel", run: (ctx, a, id) => cancelTicket(ctx, a, id, {}), from: ["waiting", "called", "parked"] },
  {
    name: "redirect",
    run: (ctx, a, id) => redirectTicket(ctx, a, id, { reason: "simple", target: "vtm" }),
    from: ["waiting", "called"],
  },
  { name: "prioritize", run: (ctx, a, id) => changePriority(ctx, a, id, { priority: "elderly" }), from: ["waiting"] },
  { name: "requeue", run: (ctx, a, id) => requeueTicket(ctx, a, id, { position: "last" }), from: ["no_show"] },
];
refusesIllegalActions("triage actions refuse what the state machine forbids", TRIAGE_ACTIONS);

describe.each(DB_KINDS)("triage on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  const lineOf = async (code: string) =>
    (
      await t.ctx.store.db
        .selectFrom("tickets")
        .select("number")
        .where("status", "=", "waiting")
        .where("service_id", "=", t.service(code))
        .orderBy("queued_at")
        .execute()
    ).map((r) => r.number);

  it("transfers to another business type at the front (before its earliest) or at the back (now)", async () => {
    const lobby = await t.staff("lobby");
    await t.issue("CASH"); // A001 at START
    t.clock.advance(MIN);
    await t.issue("CASH"); // A002
    t.clock.advance(MIN);
    const b1 = await t.issue("TRANSFER");
    t.clock.advance(7 * MIN);

    const first = await transferTicket(t.ctx, lobby, b1.id, { serviceId: t.service("CASH"), position: "first" });
    expect(first).toMatchObject({ number: "B001", serviceId: t.service("CASH"), status: "waiting" });
    expect((await t.ticketRow(b1.id)).queued_at).toBe(START - 1);
    expect(await lineOf("CASH")).toEqual(["B001", "A001", "A002"]);

    const b2 = await t.issue("TRANSFER");
    t.clock.advance(MIN);
    await transferTicket(t.ctx, lobby, b2.id, { serviceId: t.service("CASH"), position: "last" });
    expect((await t.ticketRow(b2.id)).queued_at).toBe(t.clock.now);
    expect(await lineOf("CASH")).toEqual(["B001", "A001", "A002", "B002"]);
  });

  it("transfers to a counter: it frees the old counter, and the target counter calls them first-placed first", async () => {
    const lobby = await t.staff("lobby");
    const teller1 = await t.staff("teller1");
    const teller3 = await t.staff("teller3");
    await signIn(t.ctx, teller1, t.counter(1));
    await signIn(t.ctx, teller3, t.counter(3));
    const a1 = await t.issue("CASH");
    const a2 = await t.issue("CASH");
    await callTicket(t.ctx, teller1, t.counter(1), a1.id);
    t.clock.advance(MIN);

    const moved = await transferTicket(t.ctx, lobby, a1.id, { counterId: t.counter(3), position: "last" });
    expect(moved).toMatchObject({ status: "waiting", targetCounterId: t.counter(3), counterId: null, recallCount: 0 });
    expect((await t.counterRow(1)).current_ticket_id).toBeNull();
    await transferTicket(t.ctx, lobby, a2.id, { counterId: t.counter(3), position: "first" });

    // Counter 1 serves cash but neither ticket is its any more.
    expect(await callNext(t.ctx, teller1, t.counter(1))).toBeNull();
    expect((await callNext(t.ctx, teller3, t.counter(3)))?.id).toBe(a2.id);
    await startService(t.ctx, teller3, a2.id);
    await completeService(t.ctx, teller3, a2.id, {});
    expect((await callNext(t.ctx, teller3, t.counter(3)))?.id).toBe(a1.id);
  });

  it("refuses a transfer to a closed counter (409) or to nowhere (400), writing nothing", async () => {
    const lobby = await t.staff("lobby");
    const a1 = await t.issue("CASH");
    const before = await writtenState(t, a1.id);
    await expect(
      transferTicket(t.ctx, lobby, a1.id, { counterId: t.counter(5), position: "last" }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(transferTicket(t.ctx, lobby, a1.id, { position: "first" })).rejects.toMatchObject({ status: 400 });
    expect(await writtenState(t, a1.id)).toEqual(before);
  });

  it("cancels a called ticket and frees its counter", async () => {
    const lobby = await t.staff("lobby");
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    const a1 = await t.issue("CASH");
    await callTicket(t.ctx, teller1, t.counter(1), a1.id);
    const cancelled = await cancelTicket(t.ctx, lobby, a1.id, { reason: "left the branch" });
    expect(cancelled).toMatchObject({ status: "cancelled", outcome: "cancelled", notes: "left the branch" });
    expect(await t.counterRow(1)).toMatchObject({ current_ticket_id: null, last_ticket_id: a1.id });
    const a2 = await t.issue("CASH");
    expect((await callNext(t.ctx, teller1, t.counter(1)))?.id).toBe(a2.id);
  });

  it("redirects a called ticket to self-service and frees its counter", async () => {
    const lobby = await t.staff("lobby");
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    const a1 = await t.issue("CASH");
    await callTicket(t.ctx, teller1, t.counter(1), a1.id);
    const redirected = await redirectTicket(t.ctx, lobby, a1.id, { reason: "small withdrawal", target: "vtm" });
    expect(redirected).toMatchObject({
      status: "redirected",
      outcome: "redirected:vtm",
      redirectReason: "small withdrawal",
    });
    expect((await t.counterRow(1)).current_ticket_id).toBeNull();
  });

  it("lets the lobby manager change a waiting ticket's class, but not a teller (403)", async () => {
    const a1 = await t.issue("CASH");
    await expect(changePriority(t.ctx, await t.staff("teller1"), a1.id, { priority: "vip3" })).rejects.toMatchObject({
      status: 403,
    });
    expect((await t.ticketRow(a1.id)).priority).toBe("normal");
    expect(await changePriority(t.ctx, await t.staff("lobby"), a1.id, { priority: "elderly" })).toMatchObject({
      priority: "elderly",
      status: "waiting",
    });
  });
});
