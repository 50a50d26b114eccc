import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDueFollowups, sweepFollowupClocks } from "../src/app/followups/followups.ts";
import { DB_KINDS } from "./support/databases.ts";
import {
  closeOnSundays,
  demoIds,
  issueAtKiosk,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
} from "./support/harness.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Monday 2026-11-30 in Shanghai, 00:00 (UTC+8). */
const MON_30 = Date.parse("2026-11-29T16:00:00Z");

describe.each(DB_KINDS)("follow-up tasks on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const c: Record<string, string> = {};
  const svc = (code: string) => ids.services.get(code) as string;
  const counter1 = () => ids.counters.get(1) as string;
  const db = () => t.server.ctx.store.db;
  const request = (method: string, url: string, cookie: string | undefined, body?: unknown) =>
    t.request({ method, url, ...(cookie ? { cookie } : {}), ...(body !== undefined ? { body } : {}) });
  const post = (url: string, cookie: string | undefined, body: unknown = {}) => request("POST", url, cookie, body);
  const get = (url: string, cookie: string | undefined) => request("GET", url, cookie);
  const userId = async (username: string) =>
    (await db().selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow()).id;

  /** New sessions: the clock jumps days ahead in these tests, past a cached session's lifetime. */
  const fresh = async (username: string) => {
    const res = await t.server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username, password: TEST_PASSWORD },
    });
    const set = res.cookies.find((x) => x.name === "datang_session");
    if (!set) throw new Error(`login ${username}: ${res.statusCode}`);
    return `datang_session=${set.value}`;
  };
  const relogin = async () => {
    for (const u of ["teller1", "teller2", "teller3", "lobby", "manager", "admin", "auditor"]) c[u] = await fresh(u);
  };

  /** Serves a CASH ticket at counter 1 by teller1; `during` runs while it is called (to link a customer). */
  const serveCash = async (during?: (ticketId: string) => Promise<unknown>) => {
    const ticket = await issueAtKiosk(t, svc("CASH"));
    const called = await post(`/api/counters/${counter1()}/call`, c.teller1, { ticketId: ticket.id });
    expect(called.statusCode, called.body).toBe(200);
    await during?.(ticket.id);
    expect((await post(`/api/tickets/${ticket.id}/start`, c.teller1)).statusCode).toBe(200);
    const done = await post(`/api/tickets/${ticket.id}/complete`, c.teller1, {});
    expect(done.statusCode, done.body).toBe(200);
    return ticket;
  };
  /** The lobby identifies the customer on the ticket by phone (ticket_customers). */
  const attach = async (ticketId: string, phone: string, name = "王小明") => {
    const res = await post(`/api/tickets/${ticketId}/customer`, c.lobby, { phone, name });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().customerId as string;
  };
  /** The visit came from an appointment naming a customer manager (as a check-in leaves it). */
  const fromAppointment = async (ticketId: string, customerId: string, managerUserId: string | null) => {
    const now = t.clock.now;
    const ticket = await db().selectFrom("tickets").selectAll().where("id", "=", ticketId).executeTakeFirstOrThrow();
    const customer = await db()
      .selectFrom("customers")
      .selectAll()
      .where("id", "=", customerId)
      .executeTakeFirstOrThrow();
    await t.server.ctx.store.write((tx) =>
      tx
        .insertInto("appointments")
        .values({
          id: t.server.ctx.newId(),
          branch_id: t.branchId,
          service_id: ticket.service_id,
          customer_id: customerId,
          customer_name: customer.name,
          customer_phone: customer.phone_e164,
          customer_email: null,
          lang: "zh-CN",
          day: ticket.day,
          start_at: now,
          end_at: now + 15 * 60_000,
          status: "checked_in",
          code: `F${ticketId.slice(-7)}`,
          manage_token_hash: `h-${ticketId}`,
          answers: "{}",
          channel: "staff",
          created_by: null,
          manager_user_id: managerUserId,
          ticket_id: ticketId,
          cancel_reason: null,
          checked_in_at: now,
          version: 0,
          created_at: now,
          updated_at: now,
        })
        .execute(),
    );
  };
  const followupOf = async (ticketId: string) => {
    await createDueFollowups(t.server.ctx);
    return db().selectFrom("followups").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
  };
  const setRule = (purpose: "service" | "marketing", days = 6) =>
    request("PUT", `/api/services/${svc("CASH")}/followup-rule`, c.manager, { active: true, days, purpose });
  const grantMarketing = (customerId: string, granted: boolean) =>
    t.server.ctx.store.write((tx) =>
      tx
        .insertInto("customer_consents")
        .values({
          customer_id: customerId,
          purpose: "marketing",
          granted: granted ? 1 : 0,
          channel: "staff",
          text_version: "v1",
          at: t.clock.now,
          // A marketing follow-up is a call: the answer must cover calls (migration 047).
          covers: "sms,email,call",
        })
        .execute(),
    );

  beforeAll(async () => {
    t = await startTestServer(kind);
    // Due dates past a closed day: the branch closes on Sundays in these tests (the demo opens Sunday afternoons).
    await closeOnSundays(t);
    ids = await demoIds(t);
    for (const u of ["teller1", "teller2", "teller3", "lobby", "manager", "admin", "auditor"]) c[u] = await t.login(u);
    expect((await post(`/api/counters/${counter1()}/sign-in`, c.teller1)).statusCode).toBe(200);
    for (const [u, phone, email] of [
      ["teller2", "13700000002", "teller2@bank.example"],
      ["manager", "13700000009", "manager@bank.example"],
    ] as const) {
      const res = await request("PUT", "/api/me/contact", c[u], { phone, email });
      expect(res.statusCode, res.body).toBe(200);
    }
  });
  afterAll(() => t?.close());

  it("keeps the rule per business type in admin: a branch manager sets it, a teller may not, bad days are 400", async () => {
    expect(
      (
        await request("PUT", `/api/services/${svc("CASH")}/followup-rule`, c.teller1, {
          active: true,
          days: 6,
          purpose: "service",
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await request("PUT", `/api/services/${svc("CASH")}/followup-rule`, c.manager, {
          active: true,
          days: 0,
          purpose: "service",
        })
      ).statusCode,
    ).toBe(400);
    const set = await setRule("service");
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ serviceId: svc("CASH"), active: true, days: 6, purpose: "service" });
    const settings = await get(`/api/branches/${t.branchId}/followup-settings`, c.manager);
    expect(settings.statusCode).toBe(200);
    expect(settings.json().policy).toEqual({ marketingCap: 2, windowDays: 30, reminderDays: 1, maxAttempts: 3 });
    expect(settings.json().rules.find((r: { code: string }) => r.code === "CASH")).toMatchObject({
      active: true,
      days: 6,
    });
    expect(settings.json().rules.find((r: { code: string }) => r.code === "CARD")).toMatchObject({
      active: false,
      days: null,
    });
    expect((await get(`/api/branches/${t.branchId}/followup-settings`, c.teller1)).statusCode).toBe(403);
    const audit = await db().selectFrom("audit_log").select("action").where("action", "=", "followup.rule").execute();
    expect(audit.length).toBe(1);
  });

  it("creates one follow-up per completed ticket with a customer, due N days later on an open day of the branch", async () => {
    // Without a customer: nothing to follow up.
    const walkIn = await serveCash();
    expect(await followupOf(walkIn.id)).toBeUndefined();
    let customerId = "";
    const ticket = await serveCash(async (id) => {
      customerId = await attach(id, "13800138001");
    });
    const f = await followupOf(ticket.id);
    expect(f).toMatchObject({ customer_id: customerId, status: "open", purpose: "service", assignee_id: null });
    // Done Monday 2026-11-23; six days on is Sunday 29th, when the branch is closed: due at the close of business
    // of Monday 30th (17:00 in Shanghai), the complaint clock's calendar.
    expect(new Date(Number(f?.due_at)).toISOString()).toBe("2026-11-30T09:00:00.000Z");
    // The job again: still one.
    await createDueFollowups(t.server.ctx);
    expect(await db().selectFrom("followups").select("id").where("ticket_id", "=", ticket.id).execute()).toHaveLength(
      1,
    );
    // A closed day on the branch's calendar, entered by the branch manager, moves it on again (Monday 30th → 1st),
    // and the 1st given short hours (09:00–12:00) is due at its own closing time, 12:00.
    const setDay = async (day: string, hours: [string, string] | null) => {
      const res = await t.request({
        method: "PUT",
        url: `/api/branches/${t.branchId}/closures/${day}`,
        cookie: c.manager,
        body: { hours, reason: "test" },
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    await setDay("2026-11-30", null);
    const second = await serveCash(async (id) => {
      await attach(id, "13800138001");
    });
    expect(new Date(Number((await followupOf(second.id))?.due_at)).toISOString()).toBe("2026-12-01T09:00:00.000Z");
    await setDay("2026-12-01", ["09:00", "12:00"]);
    const third = await serveCash(async (id) => {
      await attach(id, "13800138001");
    });
    expect(new Date(Number((await followupOf(third.id))?.due_at)).toISOString()).toBe("2026-12-01T04:00:00.000Z");
    for (const day of ["2026-11-30", "2026-12-01"]) {
      const reopened = await t.request({
        method: "DELETE",
        url: `/api/branches/${t.branchId}/closures/${day}`,
        cookie: c.manager,
      });
      expect(reopened.json()).toEqual({ removed: true });
    }
    // The branch manager sees it, unassigned; a teller's own list does not have it, and the branch list is refused.
    const branch = await get(`/api/branches/${t.branchId}/followups?scope=branch&status=open`, c.manager);
    expect(branch.statusCode).toBe(200);
    const item = branch.json().items.find((x: { ticketId: string }) => x.ticketId === ticket.id);
    expect(item).toMatchObject({ assigneeId: null, status: "open", customer: { name: "王*明", phone: "138****8001" } });
    expect((await get(`/api/branches/${t.branchId}/followups?scope=branch`, c.teller1)).statusCode).toBe(403);
    expect((await get(`/api/branches/${t.branchId}/followups`, c.teller1)).json().items).toEqual([]);
    expect((await get(`/api/branches/${t.branchId}/followups`, c.auditor)).statusCode).toBe(403);
    // A ticket done before the rule was switched on is not followed up: switch it off and on again.
    const off = await request("PUT", `/api/services/${svc("CASH")}/followup-rule`, c.manager, {
      active: false,
      days: 6,
      purpose: "service",
    });
    expect(off.statusCode).toBe(200);
    const between = await serveCash(async (id) => {
      await attach(id, "13800138001");
    });
    t.clock.advance(1000);
    expect((await setRule("service")).statusCode).toBe(200);
    expect(await followupOf(between.id)).toBeUndefined();
    // The due-before filter.
    const dueSoon = await get(
      `/api/branches/${t.branchId}/followups?scope=branch&dueBefore=2026-12-01T00:00:00Z`,
      c.manager,
    );
    expect(dueSoon.json().items.map((x: { ticketId: string }) => x.ticketId)).toContain(ticket.id);
    expect(dueSoon.json().items.map((x: { ticketId: string }) => x.ticketId)).not.toContain(second.id);
  });

  it("assigns to the appointment's manager, else the customer's manager, else nobody; the branch manager assigns", async () => {
    const [teller2, teller3] = [await userId("teller2"), await userId("teller3")];
    // The customer's own manager: teller3 (set by the branch manager; a teller may not).
    let customerId = "";
    const first = await serveCash(async (id) => {
      customerId = await attach(id, "13800138002", "李四海");
    });
    expect(
      (await request("PUT", `/api/customers/${customerId}/manager`, c.teller1, { userId: teller3 })).statusCode,
    ).toBe(403);
    const setManager = await request("PUT", `/api/customers/${customerId}/manager`, c.manager, { userId: teller3 });
    expect(setManager.statusCode, setManager.body).toBe(200);
    // The first ticket was done before the manager was set, but the follow-up is created now: it goes to teller3.
    expect(await followupOf(first.id)).toMatchObject({ assignee_id: teller3, assigned_via: "customer" });
    // An appointment naming teller2 wins over the customer's manager.
    const booked = await serveCash(async (id) => {
      await attach(id, "13800138002", "李四海");
      await fromAppointment(id, customerId, teller2);
    });
    const f = await followupOf(booked.id);
    expect(f).toMatchObject({ assignee_id: teller2, assigned_via: "appointment" });
    // teller2 sees it in their own list, masked.
    const mine = await get(`/api/branches/${t.branchId}/followups?scope=mine`, c.teller2);
    expect(mine.json().items.map((x: { id: string }) => x.id)).toEqual([f?.id]);
    expect(mine.json().items[0].customer).toMatchObject({ name: "李*海", phone: "138****8002" });
    // The branch manager reassigns; a teller may not; an auditor is no assignee (400).
    const id = f?.id as string;
    expect((await post(`/api/followups/${id}/assign`, c.teller2, { userId: teller3 })).statusCode).toBe(403);
    expect((await post(`/api/followups/${id}/assign`, c.manager, { userId: await userId("auditor") })).statusCode).toBe(
      400,
    );
    const moved = await post(`/api/followups/${id}/assign`, c.manager, { userId: teller3 });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ assigneeId: teller3, assignedVia: "staff" });
    const audit = await db().selectFrom("audit_log").selectAll().where("action", "=", "followup.assign").execute();
    expect(audit.map((a) => a.entity_id)).toContain(id);
    // teller2 no longer sees or works it.
    expect((await get(`/api/followups/${id}`, c.teller2)).statusCode).toBe(403);
    // The profile's visit history lists the customer's follow-ups.
    const profile = await get(`/api/customers/${customerId}/followups`, c.teller1);
    expect(profile.statusCode).toBe(200);
    expect(profile.json().items.map((x: { id: string }) => x.id)).toContain(id);
  });

  it("records the outcome (assignee or branch manager) and closes it; a closed one is 409", async () => {
    const teller2 = await userId("teller2");
    let customerId = "";
    const ticket = await serveCash(async (id) => {
      customerId = await attach(id, "13800138003", "赵钱孙");
      await fromAppointment(id, customerId, teller2);
    });
    const id = (await followupOf(ticket.id))?.id as string;
    expect((await post(`/api/followups/${id}/outcome`, c.teller1, { outcome: "done" })).statusCode).toBe(403);
    expect((await post(`/api/followups/${id}/outcome`, c.teller2, { outcome: "maybe" })).statusCode).toBe(400);
    const done = await post(`/api/followups/${id}/outcome`, c.teller2, { outcome: "declined", note: "客户不需要" });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: "closed", outcome: "declined", note: "客户不需要", marketing: null });
    expect((await post(`/api/followups/${id}/outcome`, c.manager, { outcome: "done" })).statusCode).toBe(409);
    const audit = await db().selectFrom("audit_log").selectAll().where("action", "=", "followup.outcome").execute();
    expect(audit.map((a) => a.entity_id)).toContain(id);
  });

  it("no answer schedules another attempt on the next working day, up to the policy's attempts, then unreachable", async () => {
    const teller2 = await userId("teller2");
    let customerId = "";
    const ticket = await serveCash(async (id) => {
      customerId = await attach(id, "13800138013", "周吴郑");
      await fromAppointment(id, customerId, teller2);
    });
    const id = (await followupOf(ticket.id))?.id as string;
    // Armed reminder and escalation of the first due date: another attempt arms them again for the new one.
    await t.server.ctx.store.write((tx) =>
      tx
        .updateTable("followups")
        .set({ reminded_at: t.clock.now, escalated_at: t.clock.now })
        .where("id", "=", id)
        .execute(),
    );
    // Monday 2026-11-23 in Shanghai: the next attempt is due at the close of Tuesday (the branch opens then).
    expect(new Date(t.clock.now + 8 * HOUR).toISOString().slice(0, 10)).toBe("2026-11-23");
    const first = await post(`/api/followups/${id}/outcome`, c.teller2, { outcome: "no_answer", note: "未接" });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      status: "open",
      outcome: "no_answer",
      attempts: 1,
      maxAttempts: 3,
      dueAt: "2026-11-24T09:00:00.000Z",
      remindedAt: null,
      escalatedAt: null,
      closedAt: null,
    });
    // Visible as such in the follow-up list and on the customer's profile.
    const mine = await get(`/api/branches/${t.branchId}/followups?scope=mine&status=open`, c.teller2);
    expect(mine.json().items.find((x: { id: string }) => x.id === id)).toMatchObject({ attempts: 1, status: "open" });
    const profile = await get(`/api/customers/${customerId}/followups`, c.teller1);
    expect(profile.json().items.find((x: { id: string }) => x.id === id)).toMatchObject({
      attempts: 1,
      outcome: "no_answer",
    });
    const second = await post(`/api/followups/${id}/outcome`, c.teller2, { outcome: "no_answer" });
    expect(second.json()).toMatchObject({ status: "open", attempts: 2 });
    const third = await post(`/api/followups/${id}/outcome`, c.teller2, { outcome: "no_answer", note: "三次未接" });
    expect(third.statusCode, third.body).toBe(200);
    expect(third.json()).toMatchObject({ status: "closed", outcome: "unreachable", attempts: 3, note: "三次未接" });
    expect(third.json().closedAt).not.toBeNull();
    expect((await post(`/api/followups/${id}/outcome`, c.teller2, { outcome: "no_answer" })).statusCode).toBe(409);

    // The attempts are the bank's setting: with 1, the first "no answer" closes it.
    const policy = (await get(`/api/branches/${t.branchId}/followup-settings`, c.manager)).json().policy;
    expect(policy.maxAttempts).toBe(3);
    const bad = await request("PUT", "/api/followup-policy", c.admin, { ...policy, maxAttempts: 0 });
    expect(bad.statusCode).toBe(400);
    const set = await request("PUT", "/api/followup-policy", c.admin, { ...policy, maxAttempts: 1 });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().maxAttempts).toBe(1);
    const other = await serveCash(async (tid) => {
      const cid = await attach(tid, "13800138014", "冯陈");
      await fromAppointment(tid, cid, teller2);
    });
    const otherId = (await followupOf(other.id))?.id as string;
    const once = await post(`/api/followups/${otherId}/outcome`, c.teller2, { outcome: "no_answer" });
    expect(once.json()).toMatchObject({ status: "closed", outcome: "unreachable", attempts: 1, maxAttempts: 1 });
    // A policy change without maxAttempts keeps it.
    const keep = await request("PUT", "/api/followup-policy", c.admin, {
      marketingCap: policy.marketingCap,
      windowDays: policy.windowDays,
      reminderDays: policy.reminderDays,
    });
    expect(keep.json().maxAttempts).toBe(1);
    expect((await request("PUT", "/api/followup-policy", c.admin, { ...policy, maxAttempts: 3 })).statusCode).toBe(200);
  });

  it("books a follow-up appointment from it with the staff booking, naming the assignee as customer manager", async () => {
    const teller2 = await userId("teller2");
    let customerId = "";
    const ticket = await serveCash(async (id) => {
      customerId = await attach(id, "13800138004", "孙悟空");
      await fromAppointment(id, customerId, teller2);
    });
    const id = (await followupOf(ticket.id))?.id as string;
    const slots = await get(
      `/api/public/branches/${t.branchId}/slots?serviceId=${svc("CASH")}&date=2026-11-30`,
      undefined,
    );
    const start = (slots.json().slots as Array<{ start: string; free: number }>).find((s) => s.free > 0)?.start;
    expect(start, slots.body).toBeDefined();
    // Not the assignee: 403; no such time: 400 from the booking use case.
    expect((await post(`/api/followups/${id}/appointment`, c.teller1, { start })).statusCode).toBe(403);
    expect(
      (await post(`/api/followups/${id}/appointment`, c.teller2, { start: "2026-11-29T10:00:00+08:00" })).statusCode,
    ).toBe(400);
    const booked = await post(`/api/followups/${id}/appointment`, c.teller2, { start });
    expect(booked.statusCode, booked.body).toBe(200);
    const appointmentId = booked.json().appointment.id as string;
    expect(booked.json()).toMatchObject({ status: "open", appointment: { status: "booked" } });
    const a = await db()
      .selectFrom("appointments")
      .selectAll()
      .where("id", "=", appointmentId)
      .executeTakeFirstOrThrow();
    expect(a).toMatchObject({
      customer_id: customerId,
      manager_user_id: teller2,
      channel: "staff",
      created_by: teller2,
    });
    // The customer is told as for any booking.
    const told = await db().selectFrom("outbox").select("kind").where("related_id", "=", appointmentId).execute();
    expect(told.map((m) => m.kind)).toContain("appointment.confirmed");
    // A second booking while that one is pending: 409.
    const again = await post(`/api/followups/${id}/appointment`, c.teller2, { start });
    expect(again.statusCode).toBe(409);
    expect(again.json().details.reason).toBe("already_booked");
    const audit = await db().selectFrom("audit_log").selectAll().where("action", "=", "followup.book").execute();
    expect(audit.map((x) => x.entity_id)).toContain(id);
  });

  it("contacts for marketing only with consent and within the cap (409 otherwise); service follow-ups need neither", async () => {
    const teller2 = await userId("teller2");
    expect((await setRule("marketing")).statusCode).toBe(200);
    let customerId = "";
    const marketingFollowup = async () => {
      const ticket = await serveCash(async (id) => {
        customerId = await attach(id, "13800138005", "周五");
        await fromAppointment(id, customerId, teller2);
      });
      const f = await followupOf(ticket.id);
      expect(f?.purpose).toBe("marketing");
      return f?.id as string;
    };
    const first = await marketingFollowup();
    // No marketing consent: neither the outcome nor a booking.
    const refused = await post(`/api/followups/${first}/outcome`, c.teller2, { outcome: "done" });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: "conflict", details: { reason: "no_marketing_consent" } });
    const slots = await get(
      `/api/public/branches/${t.branchId}/slots?serviceId=${svc("CASH")}&date=2026-12-01`,
      undefined,
    );
    const start = (slots.json().slots as Array<{ start: string; free: number }>).find((s) => s.free > 0)?.start;
    const noBooking = await post(`/api/followups/${first}/appointment`, c.teller2, { start });
    expect(noBooking.statusCode).toBe(409);
    expect(
      await db()
        .selectFrom("appointments")
        .select("id")
        .where("customer_id", "=", customerId)
        .where("channel", "=", "staff")
        .where("created_by", "=", teller2)
        .execute(),
    ).toHaveLength(0);
    expect((await get(`/api/followups/${first}`, c.teller2)).json().marketing).toMatchObject({
      consent: false,
      allowed: false,
    });
    // A withdrawn consent counts as none; granted again, it may go.
    await grantMarketing(customerId, true);
    t.clock.advance(1);
    await grantMarketing(customerId, false);
    expect((await post(`/api/followups/${first}/outcome`, c.teller2, { outcome: "done" })).statusCode).toBe(409);
    t.clock.advance(1);
    await grantMarketing(customerId, true);
    // The cap: 2 in 30 days by default; the admin sets it, a branch manager may not.
    expect(
      (await request("PUT", "/api/followup-policy", c.manager, { marketingCap: 2, windowDays: 30, reminderDays: 1 }))
        .statusCode,
    ).toBe(403);
    expect(
      (await request("PUT", "/api/followup-policy", c.admin, { marketingCap: 2, windowDays: 30, reminderDays: 1 }))
        .statusCode,
    ).toBe(200);
    const ok1 = await post(`/api/followups/${first}/outcome`, c.teller2, { outcome: "declined" });
    expect(ok1.statusCode, ok1.body).toBe(200);
    const second = await marketingFollowup();
    // Booking counts as the contact; recording its outcome afterwards does not count twice.
    const booked = await post(`/api/followups/${second}/appointment`, c.teller2, { start });
    expect(booked.statusCode, booked.body).toBe(200);
    const third = await marketingFollowup();
    expect((await get(`/api/followups/${third}`, c.teller2)).json().marketing).toMatchObject({
      consent: true,
      contactsInWindow: 2,
      cap: 2,
      allowed: false,
    });
    const capped = await post(`/api/followups/${third}/outcome`, c.teller2, { outcome: "done" });
    expect(capped.statusCode).toBe(409);
    expect(capped.json().details).toMatchObject({ reason: "marketing_cap", contacts: 2, cap: 2, windowDays: 30 });
    expect(capped.json().message).toMatch(/30/);
    expect((await post(`/api/followups/${second}/outcome`, c.teller2, { outcome: "done" })).statusCode).toBe(200);
    // A cap of 3 lets the third through.
    expect(
      (await request("PUT", "/api/followup-policy", c.admin, { marketingCap: 3, windowDays: 30, reminderDays: 1 }))
        .statusCode,
    ).toBe(200);
    expect((await post(`/api/followups/${third}/outcome`, c.teller2, { outcome: "done" })).statusCode).toBe(200);
    expect(
      (await request("PUT", "/api/followup-policy", c.admin, { marketingCap: 2, windowDays: 30, reminderDays: 1 }))
        .statusCode,
    ).toBe(200);
    // A service follow-up of a customer without any marketing consent: recorded.
    expect((await setRule("service")).statusCode).toBe(200);
    let other = "";
    const service = await serveCash(async (id) => {
      other = await attach(id, "13800138006", "吴六");
      await fromAppointment(id, other, teller2);
    });
    const sid = (await followupOf(service.id))?.id as string;
    expect((await post(`/api/followups/${sid}/outcome`, c.teller2, { outcome: "done" })).statusCode).toBe(200);
  });

  it("moves follow-ups with a confirmed merge and closes them, notes blanked, when the customer is erased", async () => {
    const teller3 = await userId("teller3");
    let source = "";
    let target = "";
    const first = await serveCash(async (id) => {
      source = await attach(id, "13800138010", "钱十");
    });
    const second = await serveCash(async (id) => {
      target = await attach(id, "13800138011", "钱十");
    });
    const a = await followupOf(first.id);
    const b = await followupOf(second.id);
    expect((await request("PUT", `/api/customers/${source}/manager`, c.manager, { userId: teller3 })).statusCode).toBe(
      200,
    );
    const proposed = await post("/api/customer-merges", c.lobby, {
      sourceId: source,
      targetId: target,
      reason: "同一人",
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const confirmed = await post(`/api/customer-merges/${proposed.json().id}/confirm`, c.manager, {});
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const moved = await db()
      .selectFrom("followups")
      .select(["id", "customer_id"])
      .where("id", "in", [a?.id as string, b?.id as string])
      .execute();
    expect(moved.map((m) => m.customer_id)).toEqual([target, target]);
    expect(
      await db().selectFrom("customer_managers").selectAll().where("customer_id", "=", target).executeTakeFirst(),
    ).toMatchObject({ user_id: teller3 });
    // Erasure: the target's tasks lose their notes and close; its manager link goes.
    await post(`/api/followups/${a?.id}/outcome`, c.manager, { outcome: "done", note: "电话已回访，客户王先生" });
    const erased = await post(`/api/customers/${target}/erase`, c.manager, { reason: "客户申请删除" });
    expect(erased.statusCode, erased.body).toBe(200);
    const after = await db().selectFrom("followups").selectAll().where("customer_id", "=", target).execute();
    expect(after.map((f) => [f.status, f.note])).toEqual([
      ["closed", null],
      ["closed", null],
    ]);
    expect(await db().selectFrom("customer_managers").selectAll().where("customer_id", "=", target).execute()).toEqual(
      [],
    );
  });

  it("reminds the assignee before the due date and escalates to the branch manager after it, inside working hours", async () => {
    const teller2 = await userId("teller2");
    let customerId = "";
    const ticket = await serveCash(async (id) => {
      customerId = await attach(id, "13800138007", "郑七");
      await fromAppointment(id, customerId, teller2);
    });
    const f = await followupOf(ticket.id);
    expect(new Date(Number(f?.due_at)).toISOString()).toBe("2026-11-30T09:00:00.000Z");
    const unassignedTicket = await serveCash(async (id) => {
      await attach(id, "13800138008", "王八");
    });
    const unassigned = await followupOf(unassignedTicket.id);
    expect(unassigned?.assignee_id).toBeNull();
    const messages = (id: string) =>
      db()
        .selectFrom("outbox")
        .select(["kind", "channel", "recipient", "data"])
        .where("related_id", "=", id)
        .orderBy("kind")
        .orderBy("channel")
        .execute();
    const state = async (id: string) => {
      await sweepFollowupClocks(t.server.ctx);
      const r = await db().selectFrom("followups").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      return { reminded: r.reminded_at !== null, escalated: r.escalated_at !== null };
    };
    const id = f?.id as string;
    expect(await state(id)).toEqual({ reminded: false, escalated: false });
    // Saturday 28th, 10:00: two days before, not yet (one day's notice by default).
    t.clock.now = MON_30 - 2 * DAY + 10 * HOUR;
    expect(await state(id)).toEqual({ reminded: false, escalated: false });
    // Sunday 29th, 10:00: one day before, but the branch is closed on Sundays.
    t.clock.now = MON_30 - DAY + 10 * HOUR;
    expect(await state(id)).toEqual({ reminded: false, escalated: false });
    // Monday 30th, 08:00: before opening.
    t.clock.now = MON_30 + 8 * HOUR;
    expect(await state(id)).toEqual({ reminded: false, escalated: false });
    // 09:30: the reminder, to teller2's e-mail and phone; none for the unassigned one.
    t.clock.now = MON_30 + 9.5 * HOUR;
    expect(await state(id)).toEqual({ reminded: true, escalated: false });
    expect((await messages(id)).map((m) => [m.kind, m.channel, m.recipient])).toEqual([
      ["followup.reminder", "email", "teller2@bank.example"],
      ["followup.reminder", "sms", "+8613700000002"],
    ]);
    expect(JSON.parse((await messages(id))[0]?.data ?? "{}")).toMatchObject({ customer: "郑*", number: ticket.number });
    expect(await state(unassigned?.id as string)).toEqual({ reminded: false, escalated: false });
    // Monday 30th, 17:30: past the due date (the close of business), but the branch is closed.
    t.clock.now = MON_30 + 17.5 * HOUR;
    expect(await state(id)).toEqual({ reminded: true, escalated: false });
    // Past the due date at night (Tuesday 1st, 07:00): nothing until the branch opens.
    t.clock.now = MON_30 + DAY + 7 * HOUR;
    expect(await state(id)).toEqual({ reminded: true, escalated: false });
    // Tuesday 1st, 10:00: the branch manager is told, once, of both.
    t.clock.now = MON_30 + DAY + 10 * HOUR;
    expect(await state(id)).toEqual({ reminded: true, escalated: true });
    expect(await state(id)).toEqual({ reminded: true, escalated: true });
    const escalations = (await messages(id)).filter((m) => m.kind === "followup.escalated");
    expect(escalations.map((m) => m.recipient)).toEqual(["manager@bank.example", "+8613700000009"]);
    expect((await messages(unassigned?.id as string)).filter((m) => m.kind === "followup.escalated")).toHaveLength(2);
    await relogin();
    const view = (await get(`/api/followups/${id}`, c.teller2)).json();
    expect(view).toMatchObject({
      overdue: true,
      daysLeft: -1,
      remindedAt: expect.any(String),
      escalatedAt: expect.any(String),
    });
  });

  it("counts the marketing cap over its window: 31 days on, a contact is allowed again", async () => {
    await relogin();
    const teller2 = await userId("teller2");
    expect((await setRule("marketing")).statusCode).toBe(200);
    let customerId = "";
    const ticket = await serveCash(async (id) => {
      customerId = await attach(id, "13800138005", "周五");
      await fromAppointment(id, customerId, teller2);
    });
    const id = (await followupOf(ticket.id))?.id as string;
    // Three contacts (two, then a third under the raised cap) in the window: refused.
    expect((await post(`/api/followups/${id}/outcome`, c.teller2, { outcome: "done" })).statusCode).toBe(409);
    t.clock.advance(31 * DAY);
    await relogin();
    const ok = await post(`/api/followups/${id}/outcome`, c.teller2, { outcome: "done" });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});
