import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markNoShows } from "../src/app/appointments/check-in.ts";
import { buildServer, type Server } from "../src/http/server.ts";
import { openStore } from "../src/store/connect.ts";
import type { Store } from "../src/store/store.ts";
import { DB_KINDS } from "./support/databases.ts";
import { closeOnSundays, demoIds, startTestServer, type TestServer } from "./support/harness.ts";

const MIN = 60_000;
// The harness clock starts on Monday 2026-11-23 09:30 in Shanghai; tomorrow is a Tuesday.
const TOMORROW = "2026-11-24";

describe.each(DB_KINDS)("appointments API on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let manager: string;
  const svc = (code: string) => ids.services.get(code) as string;
  const count = async () =>
    Number(
      (
        await t.server.ctx.store.db
          .selectFrom("appointments")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** A new session: the clock jumps days ahead in these tests, past a cached session's lifetime. */
  const fresh = async (username: string) => {
    const res = await t.server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username, password: "test-password-1" },
    });
    const set = res.cookies.find((c) => c.name === "datang_session");
    if (!set) throw new Error(`login ${username}: ${res.statusCode}`);
    return `datang_session=${set.value}`;
  };
  const book = async (body: Record<string, unknown>) =>
    t.request({ method: "POST", url: `/api/branches/${t.branchId}/appointments`, cookie: await fresh("lobby"), body });
  const slots = async (code: string, date = TOMORROW) => {
    const res = await t.request({
      method: "GET",
      url: `/api/public/branches/${t.branchId}/slots?serviceId=${svc(code)}&date=${date}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().slots as Array<{ start: string; end: string; free: number }>;
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    manager = await t.login("manager");
    // WEALTH: counters 6 and 7 serve it; half their time for appointments gives one place a slot.
    const res = await t.request({
      method: "PUT",
      url: `/api/services/${svc("WEALTH")}/booking-rules`,
      cookie: manager,
      body: { share: 0.5 },
    });
    expect(res.statusCode, res.body).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists bookable branches and business types, and every type has slots tomorrow and for 14 days", async () => {
    const branches = await t.request({ method: "GET", url: "/api/public/branches" });
    expect(branches.statusCode).toBe(200);
    expect(branches.json().branches).toEqual([
      expect.objectContaining({ id: t.branchId, code: "SH001", timezone: "Asia/Shanghai" }),
    ]);
    const services = await t.request({ method: "GET", url: `/api/public/branches/${t.branchId}/services` });
    expect(services.statusCode).toBe(200);
    const list = services.json().services as Array<{ code: string; requiredDocuments: string[] }>;
    expect(list.map((s) => s.code).sort()).toEqual(["ACCOUNT", "CARD", "CASH", "CORP", "TRANSFER", "WEALTH"]);
    expect(list.find((s) => s.code === "CORP")?.requiredDocuments).toHaveLength(3);
    for (const s of list) {
      const day = await slots(s.code);
      expect(day.length, s.code).toBeGreaterThan(0);
      expect(day[0]?.start).toMatch(/^2026-11-24T09:\d\d:00\.000\+08:00$/);
      expect((await slots(s.code, "2026-12-07")).length, s.code).toBeGreaterThan(0); // 14 days ahead
      expect(await slots(s.code, "2026-12-08")).toEqual([]); // beyond
      // The demo opens on Sunday afternoons, so every one of the 14 days takes bookings (the contract).
      const sunday = (await slots(s.code, "2026-11-29")).filter((x) => x.free > 0);
      expect(sunday.length, s.code).toBeGreaterThan(0);
      expect(sunday[0]?.start, s.code).toMatch(/^2026-11-29T1[0-5]:\d\d:00\.000\+08:00$/);
      expect((sunday.at(-1)?.end.slice(11, 16) ?? "99:99") <= "16:00", s.code).toBe(true); // Sunday closes at 16:00
    }
    const bad = await t.request({
      method: "GET",
      url: `/api/public/branches/${t.branchId}/slots?serviceId=${svc("CASH")}&date=2026-13-45`,
    });
    expect(bad.statusCode).toBe(400);
  });

  it("books for a caller: 201 with the contract's shape, the place is taken, and a full slot is a 409", async () => {
    const [first] = await slots("WEALTH");
    expect(first).toMatchObject({ start: "2026-11-24T09:00:00.000+08:00", free: 1 });
    const res = await book({ serviceId: svc("WEALTH"), start: first?.start, name: "张三", phone: "13800138000" });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ start: first?.start, end: "2026-11-24T09:20:00.000+08:00", status: "booked" });
    expect(body.code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    expect(Buffer.from(body.manageToken, "base64url").length).toBeGreaterThanOrEqual(16);
    expect(body.manageUrl).toContain(`/book/manage?id=${body.id}&token=`);
    // Stored hashed, never as given.
    const row = await t.server.ctx.store.db
      .selectFrom("appointments")
      .selectAll()
      .where("id", "=", body.id)
      .executeTakeFirstOrThrow();
    expect(row.manage_token_hash).not.toContain(body.manageToken);
    expect(row.customer_phone).toBe("+8613800138000");
    expect((await slots("WEALTH"))[0]).toMatchObject({ start: first?.start, free: 0 });
    const before = await count();
    const full = await book({ serviceId: svc("WEALTH"), start: first?.start, name: "李四", phone: "13900139000" });
    expect(full.statusCode).toBe(409);
    expect(full.json()).toMatchObject({ error: "conflict", details: { reason: "full" } });
    expect(await count()).toBe(before);
  });

  it("refuses a past, closed or off-grid time and the per-day cap, booking nothing", async () => {
    // A closed day: from here on the branch closes on Sundays (the demo opens Sunday afternoons).
    await closeOnSundays(t);
    const before = await count();
    const cases: Array<[string, number]> = [
      ["2026-11-23T09:00:00+08:00", 400], // past
      ["2026-11-29T10:00:00+08:00", 400], // Sunday
      ["2026-11-24T09:07:00+08:00", 400], // not a slot
      ["2026-11-24T18:00:00+08:00", 400], // after closing
      ["2026-12-20T10:00:00+08:00", 400], // beyond 14 days
      ["not a time", 400],
    ];
    for (const [start, status] of cases) {
      const res = await book({ serviceId: svc("CARD"), start, name: "王五", phone: "13700137000" });
      expect(res.statusCode, `${start}: ${res.body}`).toBe(status);
    }
    const day = await slots("CARD");
    const ok = await book({ serviceId: svc("CARD"), start: day[0]?.start, name: "王五", phone: "13700137000" });
    expect(ok.statusCode, ok.body).toBe(201);
    const capped = await book({ serviceId: svc("CARD"), start: day[3]?.start, name: "王五", phone: "137 0013 7000" });
    expect(capped.statusCode).toBe(409);
    expect(capped.json().details).toEqual({ reason: "cap" });
    expect(await count()).toBe(before + 1);
    const badPhone = await book({ serviceId: svc("CARD"), start: day[3]?.start, name: "王五", phone: "12345" });
    expect(badPhone.statusCode).toBe(400);
    // A kiosk or an auditor cannot book.
    const auditor = await t.login("auditor");
    const refused = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      cookie: auditor,
      body: { serviceId: svc("CARD"), start: day[3]?.start, name: "x", phone: "13600136000" },
    });
    expect(refused.statusCode).toBe(403);
  });

  it("cancels and reschedules with the manage token; a wrong token changes nothing", async () => {
    const day = await slots("ACCOUNT");
    const booked = (
      await book({ serviceId: svc("ACCOUNT"), start: day[0]?.start, name: "赵六", phone: "13500135000" })
    ).json();
    const url = (what: string) => `/api/public/appointments/${booked.id}/${what}`;
    const wrong = await t.request({ method: "POST", url: url("cancel"), body: { token: "A".repeat(43) } });
    expect(wrong.statusCode).toBe(404);
    const wrongMove = await t.request({
      method: "POST",
      url: url("reschedule"),
      body: { token: "A".repeat(43), start: day[2]?.start },
    });
    expect(wrongMove.statusCode).toBe(404);
    const shown = await t.request({
      method: "GET",
      url: `/api/public/appointments/${booked.id}?token=${booked.manageToken}`,
    });
    // A public page: the booking, with the person's data masked as in every staff answer.
    expect(shown.json()).toMatchObject({ status: "booked", start: day[0]?.start, phone: "135****5000", name: "赵*" });

    const moved = await t.request({
      method: "POST",
      url: url("reschedule"),
      body: { token: booked.manageToken, start: day[2]?.start },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ status: "booked", start: day[2]?.start });
    const after = await slots("ACCOUNT");
    expect(after.find((s) => s.start === day[0]?.start)?.free).toBe(day[0]?.free);
    expect(after.find((s) => s.start === day[2]?.start)?.free).toBe((day[2]?.free ?? 0) - 1);

    const ics = await t.request({ method: "GET", url: `${url("ics")}?token=${booked.manageToken}` });
    expect(ics.statusCode).toBe(200);
    expect(ics.headers["content-type"]).toContain("text/calendar");
    expect(ics.body).toContain("BEGIN:VEVENT");
    expect(ics.body).toMatch(/DTSTART:20261124T0\d{3}00Z/);

    const cancelled = await t.request({ method: "POST", url: url("cancel"), body: { token: booked.manageToken } });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe("cancelled");
    expect((await slots("ACCOUNT")).find((s) => s.start === day[2]?.start)?.free).toBe(day[2]?.free);
    const again = await t.request({ method: "POST", url: url("cancel"), body: { token: booked.manageToken } });
    expect(again.statusCode).toBe(409);
  });

  it("a reschedule keeps the per-customer per-day cap: two days booked, one cannot be moved onto the other", async () => {
    const phone = "13400134000";
    const tomorrow = await slots("CARD");
    const later = await slots("CARD", "2026-11-26");
    const first = await book({ serviceId: svc("CARD"), start: tomorrow[1]?.start, name: "钱七", phone });
    expect(first.statusCode, first.body).toBe(201);
    const second = (await book({ serviceId: svc("CARD"), start: later[1]?.start, name: "钱七", phone })).json();
    const move = (start: string | undefined) =>
      t.request({
        method: "POST",
        url: `/api/public/appointments/${second.id}/reschedule`,
        body: { token: second.manageToken, start },
      });
    const onto = await move(tomorrow[4]?.start);
    expect(onto.statusCode, onto.body).toBe(409);
    expect(onto.json()).toMatchObject({ error: "conflict", details: { reason: "cap" } });
    const row = await t.server.ctx.store.db
      .selectFrom("appointments")
      .select(["start_at", "status"])
      .where("id", "=", second.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ start_at: Date.parse(later[1]?.start ?? ""), status: "booked" });
    // Within its own day the appointment still moves: it does not count against itself.
    const sameDay = await move(later[3]?.start);
    expect(sameDay.statusCode, sameDay.body).toBe(200);
  });

  it("checks in at the kiosk inside the window: an appointment ticket; too early says when; unknown is 404", async () => {
    const day = await slots("TRANSFER");
    const target = day.find((s) => s.start.startsWith("2026-11-24T10:00"));
    expect(target).toBeDefined();
    const booked = (
      await book({ serviceId: svc("TRANSFER"), start: target?.start, name: "钱七", phone: "13300133000" })
    ).json();
    const kiosk = t.deviceToken("kiosk");
    const checkIn = (code: string) =>
      t.request({ method: "POST", url: `/api/branches/${t.branchId}/check-in`, token: kiosk, body: { code } });
    expect((await checkIn("ZZZZZZZZ")).statusCode).toBe(404);

    const start = Date.parse(booked.start);
    t.clock.now = start - 45 * MIN;
    const early = await checkIn(booked.code);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ error: "too_early", details: { opensAt: "2026-11-24T09:30:00.000+08:00" } });
    expect(early.json().message).toContain("09:30");

    t.clock.now = start - 10 * MIN;
    const ok = await checkIn(booked.code.toLowerCase());
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({
      late: false,
      appointmentStart: booked.start,
      // The contract reads the ticket at the top level; `ticket` carries the same.
      priority: "appointment",
      status: "waiting",
      ticket: { priority: "appointment", status: "waiting", appointmentAt: new Date(start).toISOString() },
    });
    expect((await checkIn(booked.code)).statusCode).toBe(409);
    const list = await t.request({
      method: "GET",
      url: `/api/branches/${t.branchId}/appointments?q=${booked.code}`,
      cookie: await fresh("lobby"),
    });
    expect(list.json().appointments).toEqual([
      expect.objectContaining({ id: booked.id, status: "checked_in", ticketId: ok.json().ticket.id }),
    ]);
  });

  it("late arrivals get a 409 saying when check-in closed, then a walk-in ticket on request; unchecked appointments become no-shows", async () => {
    t.clock.now = Date.parse("2026-11-24T01:00:00Z"); // 09:00 local
    const day = await slots("CORP");
    const late = (
      await book({ serviceId: svc("CORP"), start: day[2]?.start, name: "孙八", phone: "13200132000" })
    ).json();
    const never = (
      await book({ serviceId: svc("CORP"), start: day[3]?.start, name: "周九", phone: "13100131000" })
    ).json();
    t.clock.now = Date.parse(late.start) + 20 * MIN;
    const ticketsBefore = await t.server.ctx.store.db
      .selectFrom("tickets")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    // The contract: "409 outside the window, saying when". Nothing changes.
    const refused = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/check-in`,
      cookie: await fresh("lobby"),
      body: { code: late.code },
    });
    expect(refused.statusCode, refused.body).toBe(409);
    const closedAt = new Date(Date.parse(late.start) + 15 * MIN).toISOString();
    expect(refused.json().details).toMatchObject({ reason: "too_late", walkIn: true });
    expect(Date.parse(refused.json().details.closedAt)).toBe(Date.parse(closedAt));
    expect(refused.json().details.closedAt).toMatch(/\+08:00$/);
    expect(refused.json().message).toContain(refused.json().details.closedAt.slice(11, 16));
    const untouched = await t.server.ctx.store.db
      .selectFrom("appointments")
      .select(["status", "ticket_id"])
      .where("id", "=", late.id)
      .executeTakeFirstOrThrow();
    expect(untouched).toEqual({ status: "booked", ticket_id: null });
    const ticketsAfterRefusal = await t.server.ctx.store.db
      .selectFrom("tickets")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(ticketsAfterRefusal.n)).toBe(Number(ticketsBefore.n));
    // The customer takes a walk-in ticket instead.
    const res = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/check-in`,
      cookie: await fresh("lobby"),
      body: { code: late.code, walkIn: true },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      late: true,
      priority: "normal",
      appointmentAt: null,
      ticket: { priority: "normal", appointmentAt: null },
    });
    expect(res.json().id).toBe(res.json().ticket.id);
    expect(res.json().message).toContain("walk-in");
    expect(res.json().messageZh).toContain("普通号");
    // The appointment counts as a no-show, linked to that ticket.
    const lateRow = await t.server.ctx.store.db
      .selectFrom("appointments")
      .select(["status", "ticket_id"])
      .where("id", "=", late.id)
      .executeTakeFirstOrThrow();
    expect(lateRow).toEqual({ status: "no_show", ticket_id: res.json().ticket.id });
    t.clock.now = Date.parse(never.start) + 16 * MIN;
    expect(await markNoShows(t.server.ctx)).toBeGreaterThanOrEqual(1);
    const row = await t.server.ctx.store.db
      .selectFrom("appointments")
      .select("status")
      .where("id", "=", never.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("no_show");
  });

  it("a form: refuses missing answers, carries given ones to the ticket for the teller", async () => {
    t.clock.now = Date.parse("2026-11-23T01:30:00Z");
    const form = await t.request({
      method: "PUT",
      url: `/api/services/${svc("CASH")}/booking-form`,
      cookie: await fresh("manager"),
      body: {
        fields: [
          { key: "amount", type: "amount", labelZh: "金额", labelEn: "Amount", required: true, helpEn: "In yuan" },
          { key: "purpose", type: "choice", labelZh: "用途", labelEn: "Purpose", required: false, options: ["a", "b"] },
        ],
      },
    });
    expect(form.statusCode, form.body).toBe(200);
    const day = await slots("CASH");
    const open = day.find((s) => s.free > 0);
    const missing = await book({ serviceId: svc("CASH"), start: open?.start, name: "吴十", phone: "13000130000" });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details.fields).toEqual([{ key: "amount", problem: "required" }]);
    const booked = await book({
      serviceId: svc("CASH"),
      start: open?.start,
      name: "吴十",
      phone: "13000130000",
      answers: { amount: 50000, purpose: "b" },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    t.clock.now = Date.parse(booked.json().start) - 5 * MIN;
    const checked = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/check-in`,
      token: t.deviceToken("kiosk"),
      body: { code: booked.json().code },
    });
    expect(checked.statusCode, checked.body).toBe(201);
    const teller = await fresh("teller1");
    const answers = await t.request({
      method: "GET",
      url: `/api/tickets/${checked.json().ticket.id}/answers`,
      cookie: teller,
    });
    expect(answers.statusCode).toBe(200);
    expect(answers.json()).toMatchObject({
      answers: { amount: 50000, purpose: "b" },
      requiredDocuments: ["身份证 / ID card", "银行卡或存折 / Card or passbook"],
    });
    expect(answers.json().fields).toHaveLength(2);
  });

  it("books online with the SMS code: a wrong code books nothing; messages and reminders go to the outbox", async () => {
    t.clock.now = Date.parse("2026-11-23T01:30:00Z");
    const phone = "13812345678";
    const otp = await t.request({ method: "POST", url: "/api/public/otp", body: { phone } });
    expect(otp.statusCode).toBe(202);
    const sms = await t.server.ctx.store.db
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "otp")
      .where("recipient", "=", "+8613812345678")
      .executeTakeFirstOrThrow();
    const code = (JSON.parse(sms.data) as { code: string }).code;
    const day = await slots("ACCOUNT");
    const body = {
      branchId: t.branchId,
      serviceId: svc("ACCOUNT"),
      start: day[5]?.start,
      name: "Alice Chen",
      phone,
      email: "alice@example.com",
      lang: "en",
    };
    const before = await count();
    const wrongCode = code === "000000" ? "111111" : "000000";
    const wrong = await t.request({
      method: "POST",
      url: "/api/public/appointments",
      body: { ...body, otp: wrongCode },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toBe("otp_invalid");
    expect(await count()).toBe(before);
    const ok = await t.request({ method: "POST", url: "/api/public/appointments", body: { ...body, otp: code } });
    expect(ok.statusCode, ok.body).toBe(201);
    const booked = ok.json();
    expect(Object.keys(booked).sort()).toEqual(["code", "end", "id", "manageToken", "manageUrl", "start", "status"]);
    // The code is spent: a second booking with it is refused.
    const reuse = await t.request({
      method: "POST",
      url: "/api/public/appointments",
      body: { ...body, start: day[8]?.start, otp: code },
    });
    expect(reuse.statusCode).toBe(400);

    const messages = await t.server.ctx.store.db
      .selectFrom("outbox")
      .selectAll()
      .where("related_id", "=", booked.id)
      .orderBy("next_attempt_at")
      .execute();
    const summary = messages.map((m) => `${m.kind}/${m.channel}/${m.status}`);
    expect(summary).toEqual([
      "appointment.confirmed/sms/pending",
      "appointment.confirmed/email/pending",
      "appointment.reminder/sms/pending",
      "appointment.reminder/sms/pending",
    ]);
    const email = JSON.parse(messages[1]?.data ?? "{}") as { ics?: string; code?: string };
    expect(email.code).toBe(booked.code);
    expect(email.ics).toContain("BEGIN:VCALENDAR");
    const start = Date.parse(booked.start);
    // 24 h before falls at 09:xx or later on the 23rd (out of quiet hours); 2 h before on the day itself.
    expect(Number(messages[2]?.next_attempt_at)).toBe(start - 24 * 3_600_000);
    expect(Number(messages[3]?.next_attempt_at)).toBeGreaterThanOrEqual(start - 2 * 3_600_000);
    expect(Number(messages[3]?.next_attempt_at)).toBeLessThan(start);

    // Rescheduling moves the reminders; cancelling drops them and tells the customer.
    const moved = await t.request({
      method: "POST",
      url: `/api/public/appointments/${booked.id}/reschedule`,
      body: { token: booked.manageToken, start: day[9]?.start },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const pendingReminders = async () =>
      (
        await t.server.ctx.store.db
          .selectFrom("outbox")
          .select("data")
          .where("related_id", "=", booked.id)
          .where("kind", "=", "appointment.reminder")
          .where("status", "=", "pending")
          .execute()
      ).map((m) => (JSON.parse(m.data) as { start: string }).start);
    expect(await pendingReminders()).toEqual([day[9]?.start, day[9]?.start]);
    const cancelled = await t.request({
      method: "POST",
      url: `/api/public/appointments/${booked.id}/cancel`,
      body: { token: booked.manageToken },
    });
    expect(cancelled.statusCode).toBe(200);
    expect(await pendingReminders()).toEqual([]);
    const told = await t.server.ctx.store.db
      .selectFrom("outbox")
      .select(["kind", "channel"])
      .where("related_id", "=", booked.id)
      .where("kind", "in", ["appointment.rescheduled", "appointment.cancelled"])
      .execute();
    expect(told.map((m) => `${m.kind}/${m.channel}`).sort()).toEqual([
      "appointment.cancelled/email",
      "appointment.cancelled/sms",
      "appointment.rescheduled/email",
      "appointment.rescheduled/sms",
    ]);
  });

  it("cancels a whole time range for everyone", async () => {
    t.clock.now = Date.parse("2026-11-23T01:30:00Z");
    const day = await slots("CARD", "2026-11-25");
    for (const [i, s] of day.slice(0, 3).entries()) {
      const res = await book({ serviceId: svc("CARD"), start: s.start, name: `客户${i}`, phone: `1590015900${i}` });
      expect(res.statusCode, res.body).toBe(201);
    }
    const res = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments/cancel-range`,
      cookie: await fresh("manager"),
      body: { from: "2026-11-25T00:00:00+08:00", to: "2026-11-26T00:00:00+08:00", reason: "停电 / power cut" },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ cancelled: 3 });
    const list = await t.request({
      method: "GET",
      url: `/api/branches/${t.branchId}/appointments?date=2026-11-25`,
      cookie: await fresh("lobby"),
    });
    expect(list.json().appointments.map((a: { status: string }) => a.status)).toEqual([
      "cancelled",
      "cancelled",
      "cancelled",
    ]);
  });
});

describe.each(DB_KINDS)("booking one slot under concurrency on %s", (kind) => {
  let t: TestServer;
  let second: { server: Server; store: Store } | undefined;
  beforeAll(async () => {
    t = await startTestServer(kind);
    if (kind === "postgres") {
      const store = openStore(t.location);
      second = { server: await buildServer({ store, clock: () => t.clock.now }), store };
    }
  });
  afterAll(async () => {
    if (second) {
      await second.server.close();
      await second.store.close();
    }
    await t?.close();
  });

  it("200 parallel bookings of a slot with 3 places book exactly 3", async () => {
    const ids = await demoIds(t);
    const cash = ids.services.get("CASH") as string;
    const manager = await t.login("manager");
    // CASH is served by 5 counters: 60% of them is 3 places a slot.
    const rules = await t.request({
      method: "PUT",
      url: `/api/services/${cash}/booking-rules`,
      cookie: manager,
      body: { share: 0.6 },
    });
    expect(rules.statusCode).toBe(200);
    const start = "2026-11-24T10:00:00.000+08:00";
    const lobby = await t.login("lobby");
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const app = second && i % 2 === 1 ? second.server.app : t.server.app;
        return app.inject({
          method: "POST",
          url: `/api/branches/${t.branchId}/appointments`,
          headers: { cookie: lobby },
          payload: { serviceId: cash, start, name: `客户${i}`, phone: `+861380000${String(i).padStart(4, "0")}` },
        });
      }),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(197);
    const rows = await t.server.ctx.store.db
      .selectFrom("appointments")
      .select("id")
      .where("service_id", "=", cash)
      .where("start_at", "=", Date.parse(start))
      .execute();
    expect(rows).toHaveLength(3);
  });
});
