import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import { makeTestContext, type TestContext } from "../test-context.ts";
import { issueTicket } from "../tickets/issue-ticket.ts";
import { callNext } from "./call-next.ts";
import { signIn, signOut } from "./sign-in.ts";

describe.each(DB_KINDS)("signIn and signOut on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeTestContext(kind);
  });
  afterEach(async () => {
    await t.close();
  });

  it("opens a closed counter for the teller who signs in, and signing in again changes nothing", async () => {
    const teller1 = await t.staff("teller1");
    const view = await signIn(t.ctx, teller1, t.counter(1));
    expect(view).toMatchObject({ state: "open", signedInUser: { id: teller1.id, displayName: "柜员1" } });
    expect(await t.counterRow(1)).toMatchObject({ state: "open", signed_in_user_id: teller1.id });
    expect((await signIn(t.ctx, teller1, t.counter(1))).signedInUser?.id).toBe(teller1.id);
  });

  it("allows one teller per counter (409 for the second)", async () => {
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    await expect(signIn(t.ctx, await t.staff("teller2"), t.counter(1))).rejects.toMatchObject({ status: 409 });
    expect((await t.counterRow(1)).signed_in_user_id).toBe(teller1.id);
  });

  it("allows one counter per teller (409 at a second counter)", async () => {
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    await expect(signIn(t.ctx, teller1, t.counter(2))).rejects.toMatchObject({ status: 409 });
    expect(await t.counterRow(2)).toMatchObject({ state: "closed", signed_in_user_id: null });
  });

  it("is for tellers only: the lobby manager and a device are refused (403)", async () => {
    await expect(signIn(t.ctx, await t.staff("lobby"), t.counter(1))).rejects.toMatchObject({ status: 403 });
    await expect(signIn(t.ctx, await t.device("kiosk"), t.counter(1))).rejects.toMatchObject({ status: 403 });
    expect((await t.counterRow(1)).signed_in_user_id).toBeNull();
  });

  it("refuses to sign out while the counter holds a ticket (409), then lets the teller go", async () => {
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    await issueTicket(t.ctx, await t.device("kiosk"), { branchId: t.branchId, serviceId: t.service("CASH") });
    const called = await callNext(t.ctx, teller1, t.counter(1));
    await expect(signOut(t.ctx, teller1, t.counter(1))).rejects.toMatchObject({ status: 409 });
    expect(await t.counterRow(1)).toMatchObject({ signed_in_user_id: teller1.id, current_ticket_id: called?.id });
  });

  it("lets only the teller there, or a manager, sign a teller out (403 for another teller)", async () => {
    const teller1 = await t.staff("teller1");
    await signIn(t.ctx, teller1, t.counter(1));
    await expect(signOut(t.ctx, await t.staff("teller2"), t.counter(1))).rejects.toMatchObject({ status: 403 });
    expect((await t.counterRow(1)).signed_in_user_id).toBe(teller1.id);
    expect((await signOut(t.ctx, teller1, t.counter(1))).signedInUser).toBeNull();
    await signIn(t.ctx, teller1, t.counter(2));
    await signOut(t.ctx, await t.staff("lobby"), t.counter(2));
    expect((await t.counterRow(2)).signed_in_user_id).toBeNull();
    // Signed out everywhere, the teller may take another counter.
    expect((await signIn(t.ctx, teller1, t.counter(3))).signedInUser?.id).toBe(teller1.id);
  });
});
