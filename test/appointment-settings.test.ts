import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, START, startTestServer, type TestServer } from "./support/harness.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Issue 13, the staff side of booking: a business type's rules set through the API the admin page uses, a
 * branch's reminder times and quiet hours deciding when the reminders are due, and the customer's preferred
 * channel deciding where the appointment messages go. The harness clock starts on Monday 2026-11-23 09:30 in
 * Shanghai (UTC+8); tomorrow is a Tuesday.
 */
describe.each(DB_KINDS)("booking rules, reminder settings and preferred channel on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let manager: string;
  const svc = (code: string) => ids.services.get(code) as string;
  const db = () => t.server.ctx.store.db;
  /** A slot of the day at a local time, e.g. "11:00" → "2026-11-24T11:00:00.000+08:00" (it must exist and be free). */
  const slotAt = async (code: string, date: string, hhmm: string) => {
    const res = await t.request({
      method: "GET",
      url: `/api/public/branches/${t.branchId}/slots?serviceId=${svc(code)}&date=${date}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const want = `${date}T${hhmm}:00.000+08:00`;
    const slot = (res.json().slots as Array<{ start: string; free: number }>).find((s) => s.start === want);
    expect(slot, `${code} ${want}`).toMatchObject({ free: expect.any(Number) });
    expect(slot?.free).toBeGreaterThan(0);
    return want;
  };
  const book = async (body: Record<string, unknown>) => {
    const res = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      cookie: await t.login("lobby"),
      body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; start: string };
  };
  const outboxOf = (appointmentId: string) =>
    db()
      .selectFrom("outbox")
      .selectAll()
      .where("related_id", "=", appointmentId)
      .where("status", "=", "pending")
      .orderBy("next_attempt_at")
      .orderBy("channel")
      .execute();
  const summary = (rows: Array<{ kind: string; channel: string; recipient: string }>) =>
    rows.map((r) => `${r.kind}/${r.channel}/${r.recipient}`);
  const lastAudit = (action: string) =>
    db().selectFrom("audit_log").selectAll().where("action", "=", action).orderBy("id", "desc").executeTakeFirst();

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    manager = await t.login("manager");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("sets a business type's rules and reads them back; the new rules take effect and the change is audited", async () => {
    t.clock.now = START;
    const url = `/api/services/${svc("CARD")}/booking-rules`;
    const before = await t.request({ method: "GET", url, cookie: manager });
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ daysAhead: 14, holdMinutes: 10, capPerCustomerPerDay: 1 });
    const change = {
      daysAhead: 7,
      minNoticeBookMinutes: 120,
      minNoticeCancelMinutes: 180,
      capPerCustomerPerDay: 2,
      holdMinutes: 15,
      waitlist: true,
      share: 0.4,
      checkInEarlyMinutes: 20,
      checkInLateMinutes: 10,
    };
    const put = await t.request({ method: "PUT", url, cookie: manager, body: change });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject(change);
    const after = await t.request({ method: "GET", url, cookie: manager });
    expect(after.json()).toEqual({ ...before.json(), ...change });
    // Seven days ahead: Monday the 30th is the last bookable day, Tuesday 1 December has no slots any more.
    const slots = async (date: string) =>
      (
        await t.request({
          method: "GET",
          url: `/api/public/branches/${t.branchId}/slots?serviceId=${svc("CARD")}&date=${date}`,
        })
      ).json().slots as unknown[];
    expect((await slots("2026-11-30")).length).toBeGreaterThan(0);
    expect(await slots("2026-12-01")).toEqual([]);
    const line = await lastAudit("booking_rules.set");
    expect(line).toMatchObject({ entity_type: "service", entity_id: svc("CARD"), branch_id: t.branchId });
    expect(JSON.parse(line?.details ?? "{}")).toMatchObject({ daysAhead: 7, holdMinutes: 15 });
  });

  it("refuses wrong rules naming each field in the caller's language, changing nothing; a teller may not", async () => {
    const url = `/api/services/${svc("CARD")}/booking-rules`;
    const before = (await t.request({ method: "GET", url, cookie: manager })).json();
    const body = { daysAhead: 400, holdMinutes: 0, share: 1.5 };
    const zh = await t.request({ method: "PUT", url, cookie: manager, body, headers: { "accept-language": "zh-CN" } });
    expect(zh.statusCode).toBe(400);
    const fields = zh.json().details.fields as Array<{ field: string; en: string; zh: string }>;
    expect(fields.map((f) => f.field)).toEqual(["daysAhead", "holdMinutes", "share"]);
    expect(fields[0]?.zh).toBe("可提前预约天数须为 0 至 365 之间的整数");
    expect(zh.json().message).toContain("填表时保留时段（分钟）须为 1 至 60 之间的整数");
    const en = await t.request({ method: "PUT", url, cookie: manager, body, headers: { "accept-language": "en" } });
    expect(en.json().message).toContain("holdMinutes must be a whole number from 1 to 60");
    expect((await t.request({ method: "GET", url, cookie: manager })).json()).toEqual(before);
    const teller = await t.request({ method: "PUT", url, cookie: await t.login("teller1"), body: { daysAhead: 3 } });
    expect(teller.statusCode).toBe(403);
  });

  it("queues reminders at the defaults (24 h and 2 h before, quiet 21:00–08:00) while the branch has set none", async () => {
    t.clock.now = START;
    const settings = await t.request({
      method: "GET",
      url: `/api/branches/${t.branchId}/reminder-settings`,
      cookie: manager,
    });
    expect(settings.statusCode, settings.body).toBe(200);
    expect(settings.json()).toEqual({
      branchId: t.branchId,
      timeZone: "Asia/Shanghai",
      reminderOffsetsMinutes: [1440, 120],
      quietHours: { start: "21:00", end: "08:00" },
      isDefault: true,
    });
    const eleven = await book({
      serviceId: svc("CASH"),
      start: await slotAt("CASH", "2026-11-24", "11:00"),
      name: "王五",
      phone: "13700000001",
    });
    const reminders = (await outboxOf(eleven.id)).filter((r) => r.kind === "appointment.reminder");
    expect(reminders.map((r) => new Date(Number(r.next_attempt_at)).toISOString())).toEqual([
      "2026-11-23T03:00:00.000Z", // 11:00 the day before
      "2026-11-24T01:00:00.000Z", // 09:00 on the day
    ]);
    // 2 h before a 09:00 appointment is 07:00, quiet until 08:00; 24 h before has passed.
    const nine = await book({
      serviceId: svc("CASH"),
      start: await slotAt("CASH", "2026-11-24", "09:00"),
      name: "赵六",
      phone: "13700000002",
    });
    const early = (await outboxOf(nine.id)).filter((r) => r.kind === "appointment.reminder");
    expect(early.map((r) => new Date(Number(r.next_attempt_at)).toISOString())).toEqual(["2026-11-24T00:00:00.000Z"]);
  });

  it("queues reminders at the branch's own times and out of its own quiet hours once set, audited", async () => {
    t.clock.now = START;
    const url = `/api/branches/${t.branchId}/reminder-settings`;
    const put = await t.request({
      method: "PUT",
      url,
      cookie: manager,
      body: { reminderOffsetsMinutes: [30, 180], quietHours: { start: "22:00", end: "07:00" } },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      reminderOffsetsMinutes: [180, 30],
      quietHours: { start: "22:00", end: "07:00" },
      isDefault: false,
    });
    expect((await t.request({ method: "GET", url, cookie: manager })).json()).toEqual(put.json());
    const line = await lastAudit("branch.message_settings");
    expect(line).toMatchObject({ entity_type: "branch", entity_id: t.branchId, branch_id: t.branchId });
    expect(JSON.parse(line?.details ?? "{}")).toMatchObject({ quietHours: { start: "22:00", end: "07:00" } });

    // A 09:00 appointment: 3 h before is 06:00, quiet until 07:00 (not 08:00); 30 min before is 08:30.
    const nine = await book({
      serviceId: svc("CASH"),
      start: await slotAt("CASH", "2026-11-25", "09:00"),
      name: "孙七",
      phone: "13700000003",
    });
    const reminders = (await outboxOf(nine.id)).filter((r) => r.kind === "appointment.reminder");
    expect(reminders.map((r) => new Date(Number(r.next_attempt_at)).toISOString())).toEqual([
      "2026-11-24T23:00:00.000Z", // 07:00 on the 25th, the end of the branch's quiet hours
      "2026-11-25T00:30:00.000Z", // 08:30
    ]);
    expect(reminders.map((r) => JSON.parse(r.data).minutesBefore)).toEqual([180, 30]);
    // A message queued with quiet hours but no hours of its own (surveys, complaints) obeys the branch's too.
    const { enqueueMessage } = await import("../src/store/outbox.ts");
    const at2230 = Date.parse("2026-11-23T14:30:00Z"); // 22:30 in Shanghai
    const id = await t.server.ctx.store.write(
      async (tx) =>
        (
          await enqueueMessage(tx, {
            kind: "fallback",
            channel: "sms",
            recipient: "+8613700000009",
            lang: "zh-CN",
            data: { text: "x" },
            now: at2230,
            quietHours: { timeZone: "Asia/Shanghai" },
            branchId: t.branchId,
          })
        ).id,
    );
    const row = await db()
      .selectFrom("outbox")
      .select("next_attempt_at")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(new Date(Number(row.next_attempt_at)).toISOString()).toBe("2026-11-23T23:00:00.000Z");

    // Resending the confirmation plans the pending reminders afresh with the current times.
    await t.request({ method: "PUT", url, cookie: manager, body: { reminderOffsetsMinutes: [60] } });
    const resent = await t.request({
      method: "POST",
      url: `/api/appointments/${nine.id}/resend`,
      cookie: await t.login("lobby"),
    });
    expect(resent.statusCode, resent.body).toBe(200);
    const replanned = (await outboxOf(nine.id)).filter((r) => r.kind === "appointment.reminder");
    expect(replanned.map((r) => new Date(Number(r.next_attempt_at)).toISOString())).toEqual([
      "2026-11-25T00:00:00.000Z",
    ]);
  });

  it("refuses wrong reminder settings field by field, changing nothing; a teller may not read them", async () => {
    const url = `/api/branches/${t.branchId}/reminder-settings`;
    const before = (await t.request({ method: "GET", url, cookie: manager })).json();
    const cases: Array<[unknown, string]> = [
      [{ reminderOffsetsMinutes: [1] }, "reminderOffsetsMinutes"],
      [{ reminderOffsetsMinutes: [60, 60] }, "reminderOffsetsMinutes"],
      [{ reminderOffsetsMinutes: [10, 20, 30, 40, 50] }, "reminderOffsetsMinutes"],
      [{ quietHours: { start: "25:00" } }, "quietHours.start"],
      [{ quietHours: { end: "7" } }, "quietHours.end"],
    ];
    for (const [body, field] of cases) {
      const res = await t.request({
        method: "PUT",
        url,
        cookie: manager,
        body,
        headers: { "accept-language": "zh-CN" },
      });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().details.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(res.json().message).toMatch(/^提醒设置有误/);
    }
    expect((await t.request({ method: "GET", url, cookie: manager })).json()).toEqual(before);
    const teller = await t.login("teller1");
    expect((await t.request({ method: "GET", url, cookie: teller })).statusCode).toBe(403);
    expect(
      (await t.request({ method: "PUT", url, cookie: teller, body: { reminderOffsetsMinutes: [] } })).statusCode,
    ).toBe(403);
  });

  it("sends appointment messages by e-mail only to a customer who prefers it and agreed; SMS otherwise", async () => {
    t.clock.now = START;
    // Back to the default times, so that both reminders of these appointments lie ahead.
    await t.request({
      method: "PUT",
      url: `/api/branches/${t.branchId}/reminder-settings`,
      cookie: manager,
      body: { reminderOffsetsMinutes: [1440, 120], quietHours: { start: "21:00", end: "08:00" } },
    });
    const phone = "+8613700000010";
    const first = await book({
      serviceId: svc("CASH"),
      start: await slotAt("CASH", "2026-11-24", "11:32"),
      name: "周八",
      phone: "13700000010",
      email: "zhou@example.com",
    });
    // The default: SMS, a copy by e-mail, reminders by SMS.
    expect(summary(await outboxOf(first.id))).toEqual([
      `appointment.confirmed/email/zhou@example.com`,
      `appointment.confirmed/sms/${phone}`,
      `appointment.reminder/sms/${phone}`,
      `appointment.reminder/sms/${phone}`,
    ]);
    const { customer_id: customerId } = await db()
      .selectFrom("appointments")
      .select("customer_id")
      .where("id", "=", first.id)
      .executeTakeFirstOrThrow();
    const patched = await t.request({
      method: "PATCH",
      url: `/api/customers/${customerId}`,
      cookie: manager,
      body: { preferredChannel: "email" },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    // Prefers e-mail but never agreed to service messages: still the default.
    const second = await book({
      serviceId: svc("CASH"),
      start: await slotAt("CASH", "2026-11-25", "11:00"),
      name: "周八",
      phone: "13700000010",
    });
    expect(summary(await outboxOf(second.id)).filter((s) => s.includes("/sms/"))).toHaveLength(3);
    await db()
      .insertInto("customer_consents")
      .values({
        customer_id: customerId as string,
        purpose: "service",
        granted: 1,
        channel: "staff",
        text_version: "v1",
        at: t.clock.now,
      })
      .execute();
    // Agreed: the move is told by e-mail only, the reminders follow by e-mail, the old ones are cancelled.
    const moved = await t.request({
      method: "POST",
      url: `/api/appointments/${second.id}/reschedule`,
      cookie: await t.login("lobby"),
      body: { start: await slotAt("CASH", "2026-11-25", "11:32") },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const afterMove = (await outboxOf(second.id)).filter((r) => r.kind !== "appointment.confirmed");
    expect(summary(afterMove)).toEqual([
      "appointment.rescheduled/email/zhou@example.com",
      "appointment.reminder/email/zhou@example.com",
      "appointment.reminder/email/zhou@example.com",
    ]);
    expect(afterMove.map((r) => Number(r.next_attempt_at) - Date.parse("2026-11-25T03:32:00Z"))).toEqual([
      -(Date.parse("2026-11-25T03:32:00Z") - START),
      -24 * HOUR,
      -2 * HOUR,
    ]);
    // A new booking: the confirmation by e-mail with its calendar file, no SMS at all.
    const third = await book({
      serviceId: svc("CASH"),
      start: await slotAt("CASH", "2026-11-26", "11:00"),
      name: "周八",
      phone: "13700000010",
    });
    const rows = await outboxOf(third.id);
    expect(summary(rows)).toEqual([
      "appointment.confirmed/email/zhou@example.com",
      "appointment.reminder/email/zhou@example.com",
      "appointment.reminder/email/zhou@example.com",
    ]);
    expect(JSON.parse(rows[0]?.data ?? "{}").ics).toContain("BEGIN:VCALENDAR");

    // Prefers e-mail and agreed, but has no address: SMS.
    const other = await book({
      serviceId: svc("CASH"),
      start: await slotAt("CASH", "2026-11-24", "14:00"),
      name: "吴九",
      phone: "13700000011",
    });
    const otherCustomer = await db()
      .selectFrom("appointments")
      .select("customer_id")
      .where("id", "=", other.id)
      .executeTakeFirstOrThrow();
    await db()
      .updateTable("customers")
      .set({ preferred_channel: "email" })
      .where("id", "=", otherCustomer.customer_id as string)
      .execute();
    await db()
      .insertInto("customer_consents")
      .values({
        customer_id: otherCustomer.customer_id as string,
        purpose: "service",
        granted: 1,
        channel: "staff",
        text_version: "v1",
        at: t.clock.now,
      })
      .execute();
    const cancelled = await t.request({
      method: "POST",
      url: `/api/appointments/${other.id}/cancel`,
      cookie: await t.login("lobby"),
      body: { reason: "网点临时停业" },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const told = await db()
      .selectFrom("outbox")
      .select(["channel", "recipient"])
      .where("related_id", "=", other.id)
      .where("kind", "=", "appointment.cancelled")
      .execute();
    expect(told).toEqual([{ channel: "sms", recipient: "+8613700000011" }]);
  });

  it("sends by SMS each message whose e-mail to such a customer is refused for good, every reminder included", async () => {
    t.clock.now = START;
    const phone = "+8613700000012";
    const booked = await book({
      serviceId: svc("CASH"),
      start: await slotAt("CASH", "2026-11-26", "14:00"),
      name: "郑十",
      phone: "13700000012",
      email: "zheng@bounce.example",
    });
    const { customer_id: customerId } = await db()
      .selectFrom("appointments")
      .select("customer_id")
      .where("id", "=", booked.id)
      .executeTakeFirstOrThrow();
    await db()
      .updateTable("customers")
      .set({ preferred_channel: "email" })
      .where("id", "=", customerId as string)
      .execute();
    await db()
      .insertInto("customer_consents")
      .values({
        customer_id: customerId as string,
        purpose: "service",
        granted: 1,
        channel: "staff",
        text_version: "v1",
        at: t.clock.now,
      })
      .execute();
    // Resent a minute later: the confirmation and both reminders now go by e-mail only.
    t.clock.advance(MIN);
    const resent = await t.request({
      method: "POST",
      url: `/api/appointments/${booked.id}/resend`,
      cookie: await t.login("lobby"),
    });
    expect(resent.statusCode, resent.body).toBe(200);
    const { JobRunner } = await import("../src/app/messages/runner.ts");
    const sent: Array<{ recipient: string; id: string }> = [];
    const runner = new JobRunner(t.server.ctx, {
      config: {},
      channels: [
        { name: "email", send: async () => ({ ok: false, permanent: true, error: "550 no such user" }), close() {} },
        {
          name: "sms",
          send: async (m) => {
            sent.push({ recipient: m.recipient, id: m.id });
            return { ok: true };
          },
          close() {},
        },
      ],
    });
    // Past both reminders' times (24 h and 2 h before 14:00 on the 26th), a few rounds each.
    for (const at of ["2026-11-25T06:01:00Z", "2026-11-26T04:01:00Z"]) {
      t.clock.now = Date.parse(at);
      for (let i = 0; i < 3; i++) await runner.tick();
    }
    const ids = sent.filter((m) => m.recipient === phone).map((m) => m.id);
    expect(ids.length).toBeGreaterThan(0);
    const rows = await db()
      .selectFrom("outbox")
      .select(["kind", "related_id"])
      .where("id", "in", ids)
      .where("related_id", "=", booked.id)
      .execute();
    const kinds = rows.map((r) => r.kind).sort();
    // The confirmation and both reminders (the first booking's SMS confirmation went before the resend).
    expect(kinds.filter((k) => k === "appointment.reminder")).toHaveLength(2);
    expect(kinds).toContain("appointment.confirmed");
  });
  it("re-plans reminders queued for future appointments when the branch's settings change: none lost, doubled or resent", async () => {
    t.clock.now = START; // Monday 09:30 in Shanghai
    const url = `/api/branches/${t.branchId}/reminder-settings`;
    const put = (body: Record<string, unknown>) => t.request({ method: "PUT", url, cookie: manager, body });
    expect(
      (await put({ reminderOffsetsMinutes: [1440, 120], quietHours: { start: "21:00", end: "08:00" } })).statusCode,
    ).toBe(200);
    const reminders = (appointmentId: string) =>
      db()
        .selectFrom("outbox")
        .selectAll()
        .where("related_id", "=", appointmentId)
        .where("kind", "=", "appointment.reminder")
        .orderBy("next_attempt_at")
        .execute();
    const pendingTimes = async (appointmentId: string) =>
      (await reminders(appointmentId))
        .filter((r) => r.status === "pending")
        .map((r) => `${new Date(Number(r.next_attempt_at)).toISOString()} ${JSON.parse(r.data).minutesBefore}`);
    const a = await book({
      serviceId: svc("CASH"),
      start: await slotAt("CASH", "2026-11-25", "10:00"),
      name: "A",
      phone: "13700000021",
    });
    const b = await book({
      serviceId: svc("CASH"),
      start: await slotAt("CASH", "2026-11-24", "10:00"),
      name: "B",
      phone: "13700000022",
    });
    const c = await book({
      serviceId: svc("CASH"),
      start: await slotAt("CASH", "2026-11-25", "11:00"),
      name: "C",
      phone: "13700000023",
    });
    const d = await book({
      serviceId: svc("CASH"),
      start: await slotAt("CASH", "2026-11-25", "14:00"),
      name: "D",
      phone: "13700000024",
    });
    expect(await pendingTimes(a.id)).toEqual(["2026-11-24T02:00:00.000Z 1440", "2026-11-25T00:00:00.000Z 120"]);
    expect(await pendingTimes(b.id)).toEqual(["2026-11-23T02:00:00.000Z 1440", "2026-11-24T00:00:00.000Z 120"]);
    // C refuses service messages after booking; D is cancelled (its reminders with it).
    const { customer_id: cCustomer } = await db()
      .selectFrom("appointments")
      .select("customer_id")
      .where("id", "=", c.id)
      .executeTakeFirstOrThrow();
    await db()
      .insertInto("customer_consents")
      .values({
        customer_id: cCustomer as string,
        purpose: "service",
        granted: 0,
        channel: "phone",
        text_version: "v1",
        at: t.clock.now,
      })
      .execute();
    const lobby = await t.login("lobby");
    expect(
      (await t.request({ method: "POST", url: `/api/appointments/${d.id}/cancel`, cookie: lobby, body: {} }))
        .statusCode,
    ).toBe(200);
    const dBefore = await reminders(d.id);

    // 10:01: B's 24 h reminder goes out; A's 24 h reminder is being sent by another instance right now.
    t.clock.now = Date.parse("2026-11-23T02:01:00Z");
    const { JobRunner } = await import("../src/app/messages/runner.ts");
    const ok = async () => ({ ok: true as const });
    const runner = new JobRunner(t.server.ctx, {
      config: {},
      channels: [
        { name: "sms", send: ok, close() {} },
        { name: "email", send: ok, close() {} },
      ],
    });
    await runner.tick();
    const bSent = (await reminders(b.id)).filter((r) => r.status === "sent");
    expect(bSent.map((r) => JSON.parse(r.data).minutesBefore)).toEqual([1440]);
    const aFirst = (await reminders(a.id)).find((r) => JSON.parse(r.data).minutesBefore === 1440);
    await db()
      .updateTable("outbox")
      .set({ status: "sending", lease_owner: "another-instance", lease_until: t.clock.now + 60_000 })
      .where("id", "=", aFirst?.id as string)
      .execute();

    // The manager sets 24 h, 3 h and 30 min before, quiet 22:00–07:30.
    const changed = await put({
      reminderOffsetsMinutes: [30, 180, 1440],
      quietHours: { start: "22:00", end: "07:30" },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    // A (Wednesday 10:00): 3 h before is 07:00, quiet until 07:30; 30 min before is 09:30. The 24 h one being sent
    // is left alone and not queued again.
    expect(await pendingTimes(a.id)).toEqual(["2026-11-24T23:30:00.000Z 180", "2026-11-25T01:30:00.000Z 30"]);
    const aRows = await reminders(a.id);
    expect(aRows.filter((r) => JSON.parse(r.data).minutesBefore === 1440 && r.status !== "cancelled")).toEqual([
      expect.objectContaining({ id: aFirst?.id, status: "sending" }),
    ]);
    // B (Tuesday 10:00): its 24 h reminder stays sent (its new time is past); 3 h and 30 min before are queued.
    expect(await pendingTimes(b.id)).toEqual(["2026-11-23T23:30:00.000Z 180", "2026-11-24T01:30:00.000Z 30"]);
    expect((await reminders(b.id)).filter((r) => r.status === "sent").map((r) => r.id)).toEqual(bSent.map((r) => r.id));
    // The text is kept: the same code, time and manage link as the reminder it replaces.
    const replanned = (await reminders(b.id)).find((r) => r.status === "pending");
    const old = JSON.parse(bSent[0]?.data ?? "{}");
    expect(JSON.parse(replanned?.data ?? "{}")).toMatchObject({
      code: old.code,
      start: old.start,
      name: "B",
      hoursBefore: 3,
    });
    // C refused them: none queued again. D was cancelled: nothing changes.
    expect(await pendingTimes(c.id)).toEqual([]);
    expect(await reminders(d.id)).toEqual(dBefore);
    const line = await lastAudit("branch.message_settings");
    expect(JSON.parse(line?.details ?? "{}").appointmentsReplanned).toBeGreaterThanOrEqual(3);

    // Wrong settings change nothing, reminders included.
    const before = await reminders(a.id);
    const wrong = await put({ reminderOffsetsMinutes: [60], quietHours: { start: "25:00" } });
    expect(wrong.statusCode).toBe(400);
    expect(await reminders(a.id)).toEqual(before);
  });
});
