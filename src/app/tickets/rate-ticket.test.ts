import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import type { StaffActor } from "../actor.ts";
import { callTicket } from "../counters/call-next.ts";
import { signIn } from "../counters/sign-in.ts";
import { makeTestContext, type TestContext, writtenState } from "../test-context.ts";
import { issueTicket } from "./issue-ticket.ts";
import { rateTicket } from "./rate-ticket.ts";
import { completeService, startService } from "./serve-actions.ts";

describe.each(DB_KINDS)("rateTicket on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  /** A ticket served to the end at the counter, by the teller signed in there. */
  const served = async (teller: StaffActor, counter: number) => {
    const { ticket } = await issueTicket(t.ctx, await t.device("kiosk"), {
      branchId: t.branchId,
      serviceId: t.service("CASH"),
    });
    await callTicket(t.ctx, teller, t.counter(counter), ticket.id);
    await startService(t.ctx, teller, ticket.id);
    await completeService(t.ctx, teller, ticket.id, {});
    return ticket.id;
  };

  it("takes the rating from the pad of the counter that served the ticket", async () => {
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    const id = await served(teller1, 1);
    const pad = await t.device("rating_pad"); // the demo pad belongs to counter 1
    expect(await rateTicket(t.ctx, pad, id, { rating: "satisfied", comment: "quick" })).toMatchObject({
      status: "done",
      rating: "satisfied",
      ratingComment: "quick",
    });
    const transition = await t.ctx.store.db
      .selectFrom("ticket_transitions")
      .select(["action", "actor_type", "actor_id"])
      .where("ticket_id", "=", id)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(transition).toEqual({ action: "rate", actor_type: "device", actor_id: pad.id });
  });

  it("refuses the pad of another counter (403), writing nothing", async () => {
    const teller2 = await t.staff("teller2");
    await signIn(t.ctx, teller2, t.counter(2));
    const id = await served(teller2, 2);
    const before = await writtenState(t, id);
    await expect(rateTicket(t.ctx, await t.device("rating_pad"), id, { rating: "neutral" })).rejects.toMatchObject({
      status: 403,
    });
    expect(await writtenState(t, id)).toEqual(before);
  });

  it("rates a ticket once only (409 the second time, the first rating kept)", async () => {
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    const id = await served(teller1, 1);
    const pad = await t.device("rating_pad");
    await rateTicket(t.ctx, pad, id, { rating: "dissatisfied" });
    const before = await writtenState(t, id);
    await expect(rateTicket(t.ctx, pad, id, { rating: "satisfied" })).rejects.toMatchObject({ status: 409 });
    expect(await writtenState(t, id)).toEqual(before);
    expect(before.ticket.rating).toBe("dissatisfied");
  });

  it("refuses to rate a ticket that is not done yet (409 with its status)", async () => {
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    const { ticket } = await issueTicket(t.ctx, await t.device("kiosk"), {
      branchId: t.branchId,
      serviceId: t.service("CASH"),
    });
    await callTicket(t.ctx, teller1, t.counter(1), ticket.id);
    await expect(
      rateTicket(t.ctx, await t.device("rating_pad"), ticket.id, { rating: "satisfied" }),
    ).rejects.toMatchObject({ status: 409, details: { status: "called" } });
  });

  it("lets the lobby manager enter a spoken rating, but no teller, not even the one who served it (403)", async () => {
    const teller1 = await t.staff("teller1");
    const teller2 = await t.staff("teller2");
    await signIn(t.ctx, teller1, t.counter(1));
    await signIn(t.ctx, teller2, t.counter(2));
    const id = await served(teller1, 1);
    const before = await writtenState(t, id);
    for (const teller of [teller2, teller1])
      await expect(rateTicket(t.ctx, teller, id, { rating: "satisfied" })).rejects.toMatchObject({ status: 403 });
    expect(await writtenState(t, id)).toEqual(before);
    expect((await rateTicket(t.ctx, await t.staff("lobby"), id, { rating: "neutral" })).rating).toBe("neutral");
  });
});
