import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKING_JOBS } from "../src/app/appointments/jobs.ts";
import { JobRunner } from "../src/app/messages/runner.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, START, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

const MIN = 60_000;

describe.each(DB_KINDS)("no-shows and customer managers on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const svc = (code: string) => ids.services.get(code) as string;
  /** A new session each time: the clock jumps days ahead, past a session's lifetime. */
  const fresh = async (username: string) => {
    const res = await t.server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username, password: TEST_PASSWORD },
    });
    const set = res.cookies.find((c) => c.name === "datang_session");
    if (!set) throw new Error(`login ${username}: ${res.statusCode}`);
    return `datang_session=${set.value}`;
  };
  const staffBook = async (body: Record<string, unknown>) =>
    t.request({ method: "POST", url: `/api/branches/${t.branchId}/appointments`, cookie: await fresh("lobby"), body });
  const onlineBook = async (phone: string, start: string) => {
    const otp = await t.request({ method: "POST", url: "/api/public/otp", body: { phone } });
    expect(otp.statusCode, otp.body).toBe(202);
    const sms = await t.server.ctx.store.db
      .selectFrom("outbox")
      .select("data")
      .where("kind", "=", "otp")
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow();
    const code = (JSON.parse(sms.data) as { code: string }).code;
    return t.request({
      method: "POST",
      url: "/api/public/appointments",
      body: { branchId: t.branchId, serviceId: svc("CARD"), start, name: "Miss Often", phone, otp: code },
    });
  };
  /** The first slot of a day with a place, as staff see them. */
  const firstFree = async (code: string, day: string) => {
    const res = await t.request({
      method: "GET",
      url: `/api/branches/${t.branchId}/appointment-slots?serviceId=${svc(code)}&date=${day}`,
      cookie: await fresh("lobby"),
    });
    expect(res.statusCode, res.body).toBe(200);
    const slot = (res.json().slots as Array<{ start: string; free: number }>).find((s) => s.free > 0);
    if (!slot) throw new Error(`no free ${code} slot on ${day}`);
    return slot.start;
  };
  /** One round of the job runner, as `datang serve` runs it, with no channel configured. */
  const runJobs = () => new JobRunner(t.server.ctx, { config: {}, channels: [], jobs: BOOKING_JOBS }).tick();
  const statusOf = async (id: string) =>
    (
      await t.server.ctx.store.db
        .selectFrom("appointments")
        .select("status")
        .where("id", "=", id)
        .executeTakeFirstOrThrow()
    ).status;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("the job runner marks missed appointments; after 3 in 90 days only staff may book, with a clear 403", async () => {
    t.clock.now = START;
    const phone = "13600136000";
    const missed: string[] = [];
    const starts: string[] = [];
    for (const day of ["2026-11-24", "2026-11-25", "2026-11-26"]) {
      const start = await firstFree("CARD", day);
      starts.push(start);
      const res = await staffBook({ serviceId: svc("CARD"), start, name: "Miss Often", phone });
      expect(res.statusCode, res.body).toBe(201);
      missed.push(res.json().id);
    }
    // Inside the check-in window (15 minutes late by default) nothing happens yet.
    t.clock.now = Date.parse(starts[0] as string) + 14 * MIN;
    await runJobs();
    expect(await statusOf(missed[0] as string)).toBe("booked");
    // Two no-shows: online booking still works.
    t.clock.now = Date.parse(starts[1] as string) + 16 * MIN;
    await runJobs();
    expect(await statusOf(missed[0] as string)).toBe("no_show");
    expect(await statusOf(missed[1] as string)).toBe("no_show");
    expect(await statusOf(missed[2] as string)).toBe("booked");
    const second = await onlineBook(phone, await firstFree("CARD", "2026-11-27"));
    expect(second.statusCode, second.body).toBe(201);
    // The third: online booking is refused, nothing booked, the customer told to call the branch.
    t.clock.now = Date.parse(starts[2] as string) + 16 * MIN;
    await runJobs();
    expect(await statusOf(missed[2] as string)).toBe("no_show");
    const later = await firstFree("CARD", "2026-11-30");
    const refused = await onlineBook(phone, later);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: "no_show_limit", details: { reason: "no_show_limit" } });
    expect(refused.json().message).toMatch(/phone with the branch/);
    const booked = await t.server.ctx.store.db
      .selectFrom("appointments")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("customer_phone", "=", "+8613600136000")
      .where("day", "=", "2026-11-30")
      .executeTakeFirstOrThrow();
    expect(Number(booked.n)).toBe(0);
    // Staff still book for the customer.
    const byStaff = await staffBook({
      serviceId: svc("CARD"),
      start: later,
      name: "Miss Often",
      phone,
    });
    expect(byStaff.statusCode, byStaff.body).toBe(201);
  });

  it("a named customer manager hears of the arrival: a branch event without personal data, and an SMS", async () => {
    t.clock.now = START;
    const managerCookie = await fresh("manager");
    const me = await t.server.ctx.store.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "manager")
      .executeTakeFirstOrThrow();
    const contact = await t.request({
      method: "PUT",
      url: "/api/me/contact",
      cookie: managerCookie,
      body: { phone: "13500135000", email: null },
    });
    expect(contact.statusCode, contact.body).toBe(200);
    // No language of his own chosen: messages to him follow the branch default (lang null).
    expect(contact.json()).toEqual({
      phone: "+8613500135000",
      email: null,
      lang: null,
      channels: ["email", "sms"],
      account: { phone: null, email: null },
    });
    const bad = await t.request({
      method: "PUT",
      url: "/api/me/contact",
      cookie: managerCookie,
      body: { phone: null, email: "not-an-address" },
    });
    expect(bad.statusCode).toBe(400);

    const start = await firstFree("WEALTH", "2026-11-24");
    const nobody = await staffBook({
      serviceId: svc("WEALTH"),
      start,
      name: "Mr Rich",
      phone: "13400134000",
      managerUserId: "no-such-user",
    });
    expect(nobody.statusCode).toBe(400);
    const res = await staffBook({
      serviceId: svc("WEALTH"),
      start,
      name: "Mr Rich",
      phone: "13400134000",
      managerUserId: me.id,
    });
    expect(res.statusCode, res.body).toBe(201);
    t.clock.now = Date.parse(start) - 10 * MIN;
    const checked = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/check-in`,
      token: t.deviceToken("kiosk"),
      body: { code: res.json().code },
    });
    expect(checked.statusCode, checked.body).toBe(201);
    const ticket = checked.json().ticket;

    const event = await t.server.ctx.store.db
      .selectFrom("events")
      .select("payload")
      .where("type", "=", "appointment.arrived")
      .executeTakeFirstOrThrow();
    const payload = JSON.parse(event.payload);
    expect(payload.appointment).toEqual({
      id: res.json().id,
      code: res.json().code,
      serviceId: svc("WEALTH"),
      start,
      managerUserId: me.id,
      ticketId: ticket.id,
      ticketNumber: ticket.number,
    });
    expect(event.payload).not.toContain("Mr Rich");
    expect(event.payload).not.toContain("13400134000");
    const sms = await t.server.ctx.store.db
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "appointment.arrived")
      .execute();
    expect(sms.map((m) => `${m.channel}:${m.recipient}`)).toEqual(["sms:+8613500135000"]);
    expect(JSON.parse(sms[0]?.data ?? "{}")).toMatchObject({ name: "Mr Rich", number: ticket.number });
  });
});
