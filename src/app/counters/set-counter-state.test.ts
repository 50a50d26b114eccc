import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import { makeTestContext, type TestContext } from "../test-context.ts";
import { issueTicket } from "../tickets/issue-ticket.ts";
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
