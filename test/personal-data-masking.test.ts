/**
 * Personal data typed into free text (a mobile number, a resident ID number in a ticket's notes or a
 * cancellation reason) reaches only the teller serving that ticket as typed; every other role gets it masked,
 * devices and public pages get no notes at all, and the events carry none.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";

const NOTES = "客户手机 139-8765-4321，身份证 11010119900307123X，已核实";
const MASKED = "客户手机 139****4321，身份证 110101********123X，已核实";
const REASON = "客户改约，回电 13712340987";
const REASON_MASKED = "客户改约，回电 137****0987";
/** Digits of the hidden middles: none of them may appear in a masked answer. */
const SECRETS = ["87654", "9900307", "12340"];

describe.each(DB_KINDS)("personal data in free text on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let served: { id: string };
  let cancelled: { id: string };
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    for (const name of ["teller1", "teller2", "lobby", "manager", "reviewer", "admin", "auditor"])
      cookies[name] = await t.login(name);
    const counter = ids.counters.get(1) as string;
    const kiosk = t.deviceToken("kiosk");
    const issue = async () =>
      (
        await t.request({
          method: "POST",
          url: `/api/branches/${t.branchId}/tickets`,
          token: kiosk,
          body: { serviceId: ids.services.get("CASH") },
        })
      ).json() as { id: string };
    served = await issue();
    cancelled = await issue();
    expect(
      (await t.request({ method: "POST", url: `/api/counters/${counter}/sign-in`, cookie: cookies.teller1 }))
        .statusCode,
    ).toBe(200);
    const call = await t.request({
      method: "POST",
      url: `/api/counters/${counter}/call-next`,
      cookie: cookies.teller1,
    });
    expect(call.json().ticket.id).toBe(served.id);
    const act = (path: string, cookie: string, body?: unknown) =>
      t.request({ method: "POST", url: `/api/tickets/${path}`, cookie, body: body ?? {} });
    expect((await act(`${served.id}/start`, cookies.teller1 as string)).statusCode).toBe(200);
    const done = await act(`${served.id}/complete`, cookies.teller1 as string, { outcome: "served", notes: NOTES });
    expect(done.statusCode, done.body).toBe(200);
    // The teller who served it reads the notes as typed in the answer.
    expect(done.json().notes).toBe(NOTES);
    const cancel = await act(`${cancelled.id}/cancel`, cookies.lobby as string, { reason: REASON });
    expect(cancel.statusCode, cancel.body).toBe(200);
    // The lobby manager does not serve that ticket: even the answer to their own cancellation is masked.
    expect(cancel.json().notes).toBe(REASON_MASKED);
  });
  afterAll(() => t?.close());

  const getTicket = (id: string, who: string) =>
    t.request({ method: "GET", url: `/api/tickets/${id}`, cookie: cookies[who] });

  it("shows the notes as typed to the teller who served the ticket", async () => {
    const res = await getTicket(served.id, "teller1");
    expect(res.statusCode).toBe(200);
    expect(res.json().notes).toBe(NOTES);
  });

  it.each(["teller2", "lobby", "manager", "reviewer", "admin"])("masks them for %s", async (who) => {
    const res = await getTicket(served.id, who);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().notes).toBe(MASKED);
    for (const secret of SECRETS) expect(res.body).not.toContain(secret);
    const reason = await getTicket(cancelled.id, who);
    expect(reason.json().notes).toBe(REASON_MASKED);
  });

  it("gives the counter's lastTicket no notes, to staff and devices", async () => {
    const counter = ids.counters.get(1) as string;
    for (const access of [
      { cookie: cookies.teller1 },
      { cookie: cookies.lobby },
      { token: t.deviceToken("rating_pad") },
      { token: t.deviceToken("display") },
    ]) {
      const res = await t.request({ method: "GET", url: `/api/counters/${counter}`, ...access });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().lastTicket).toMatchObject({ id: served.id, notes: null });
      for (const secret of SECRETS) expect(res.body).not.toContain(secret);
    }
  });

  it("masks free text in the audit trail for the auditor and the admin", async () => {
    for (const who of ["auditor", "admin"]) {
      const res = await t.request({ method: "GET", url: `/api/audit?limit=200`, cookie: cookies[who] });
      expect(res.statusCode, res.body).toBe(200);
      const cancel = (res.json() as Array<{ action: string; entityId: string; details?: { reason?: string } }>).find(
        (e) => e.action === "ticket.cancel" && e.entityId === cancelled.id,
      );
      expect(cancel?.details?.reason).toBe(REASON_MASKED);
      for (const secret of SECRETS) expect(res.body).not.toContain(secret);
    }
  });

  it("puts no notes in the events, and none on the customer's public ticket page", async () => {
    const events = await t.server.ctx.store.db.selectFrom("events").selectAll().execute();
    expect(events.length).toBeGreaterThan(3);
    const all = JSON.stringify(events);
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    expect(all).not.toContain('"notes"');
    for (const id of [served.id, cancelled.id]) {
      const res = await t.request({ method: "GET", url: `/api/public/tickets/${id}` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).not.toHaveProperty("notes");
      for (const secret of SECRETS) expect(res.body).not.toContain(secret);
    }
  });
});
