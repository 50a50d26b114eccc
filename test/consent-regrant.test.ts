/**
 * A consent to service messages given again (to staff, or ticked on the booking page) brings back the reminders
 * still due for the customer's booked appointments to come, which the withdrawal had cancelled: at the branch's
 * times, none in the past, none in quiet hours (default 21:00–08:00 Shanghai), never a second one beside one still
 * waiting, and only by a way the latest answer now allows. The harness clock starts on Monday 2026-11-23 09:30 in
 * Shanghai.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookingCalls } from "./support/booking-calls.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, START, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

const HOUR = 3_600_000;

describe.each(DB_KINDS)("a consent given again re-queues reminders on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const svc = (code: string) => ids.services.get(code) as string;
  const db = () => t.server.ctx.store.db;
  /** A session opened now: the tests move the clock a day on, past a cached session's idle time. */
  const signIn = async (username: string) => {
    const res = await t.request({
      method: "POST",
      url: "/api/auth/login",
      body: { username, password: TEST_PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(200);
    const session = res.cookies.find((c) => c.name === "datang_session");
    return `datang_session=${session?.value}`;
  };
  const { freeSlotsOn, staffBook, codeFor } = bookingCalls(() => t, svc, signIn);
  const customerOfPhone = async (phone: string) =>
    (await db().selectFrom("customers").select("id").where("phone_e164", "=", `+86${phone}`).executeTakeFirstOrThrow())
      .id;
  const record = async (customerId: string, body: Record<string, unknown>) => {
    t.clock.advance(1_000);
    const res = await t.request({
      method: "POST",
      url: `/api/customers/${customerId}/consents`,
      cookie: await signIn("teller1"),
      body,
    });
    expect(res.statusCode, res.body).toBe(201);
  };
  const withdraw = (customerId: string, covers?: string[]) =>
    record(customerId, { purpose: "service", granted: false, channel: "counter", ...(covers && { covers }) });
  const grant = (customerId: string, covers?: string[]) =>
    record(customerId, { purpose: "service", granted: true, channel: "phone", ...(covers && { covers }) });
  const reminders = async (appointmentId: string, status = "pending") =>
    (
      await db()
        .selectFrom("outbox")
        .select(["channel", "data", "next_attempt_at", "dedupe_key"])
        .where("related_id", "=", appointmentId)
        .where("kind", "=", "appointment.reminder")
        .where("status", "=", status)
        .orderBy("next_attempt_at")
        .execute()
    ).map((r) => ({
      channel: r.channel,
      at: new Date(Number(r.next_attempt_at)).toISOString(),
      data: JSON.parse(r.data) as Record<string, unknown>,
      dedupeKey: r.dedupe_key,
    }));
  const confirmation = async (appointmentId: string) =>
    JSON.parse(
      (
        await db()
          .selectFrom("outbox")
          .select("data")
          .where("related_id", "=", appointmentId)
          .where("kind", "=", "appointment.confirmed")
          .executeTakeFirstOrThrow()
      ).data,
    ) as Record<string, unknown>;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a grant to staff queues the reminders still due: none past, none in quiet hours, none twice", async () => {
    t.clock.now = START;
    // Wednesday 09:00 Shanghai: reminders at Tuesday 09:00 (24 h) and Wednesday 07:00 (2 h), which quiet hours move
    // to 08:00.
    const start = (await freeSlotsOn("2026-11-25")).find(
      (s) => Date.parse(s) === Date.parse("2026-11-25T09:00:00+08:00"),
    );
    expect(start).toBeDefined();
    const booked = await staffBook("13600136001", start);
    const customer = await customerOfPhone("13600136001");
    expect((await reminders(booked)).map((r) => r.at)).toEqual([
      "2026-11-24T01:00:00.000Z",
      "2026-11-25T00:00:00.000Z",
    ]);

    await withdraw(customer);
    expect(await reminders(booked)).toEqual([]);
    expect(await reminders(booked, "cancelled")).toHaveLength(2);

    // Tuesday 10:00: the 24-hour reminder's time has passed while the customer had said no; the 2-hour one is due.
    t.clock.now = Date.parse("2026-11-24T10:00:00+08:00");
    await grant(customer);
    const back = await reminders(booked);
    expect(back.map((r) => [r.channel, r.at, r.data.minutesBefore])).toEqual([
      ["sms", "2026-11-25T00:00:00.000Z", 120],
    ]);
    // The same text as the booking's: the appointment, its code and the manage link the customer was last sent.
    const confirmed = await confirmation(booked);
    expect(back[0]?.data).toMatchObject({
      appointmentId: booked,
      code: confirmed.code,
      start: confirmed.start,
      managePath: confirmed.managePath,
      branch: confirmed.branch,
      service: confirmed.service,
    });
    expect(typeof confirmed.managePath).toBe("string");
    const audits = await db()
      .selectFrom("audit_log")
      .select("details")
      .where("action", "=", "customer.consent")
      .where("entity_id", "=", customer)
      .orderBy("at")
      .execute();
    expect(audits.map((a) => JSON.parse(a.details ?? "{}").remindersQueued)).toEqual([undefined, 1]);

    // Said again (and again): the reminder waiting is the one reminder.
    await grant(customer);
    await grant(customer, ["sms"]);
    expect(await reminders(booked)).toHaveLength(1);
  });

  it("a customer whose reminders were never cancelled gets no second set", async () => {
    t.clock.now = START;
    const booked = await staffBook("13600136002", (await freeSlotsOn("2026-11-26"))[2]);
    const customer = await customerOfPhone("13600136002");
    const before = await reminders(booked);
    expect(before).toHaveLength(2);
    // A withdrawal about e-mail only leaves the SMS reminders queued; the grant that follows adds nothing.
    await withdraw(customer, ["email"]);
    await grant(customer);
    expect(await reminders(booked)).toEqual(before);
  });

  it("a yes about e-mail does not bring back reminders by SMS; a yes about SMS does", async () => {
    t.clock.now = START;
    const booked = await staffBook("13600136003", (await freeSlotsOn("2026-11-26"))[4]);
    const customer = await customerOfPhone("13600136003");
    await withdraw(customer, ["sms"]);
    expect(await reminders(booked)).toEqual([]);
    await grant(customer, ["email"]);
    expect(await reminders(booked)).toEqual([]);
    await grant(customer, ["sms"]);
    expect((await reminders(booked)).map((r) => [r.channel, r.data.minutesBefore])).toEqual([
      ["sms", 1440],
      ["sms", 120],
    ]);
  });

  it("ticking service messages on the booking page brings back the reminders of the customer's other appointments", async () => {
    t.clock.now = START;
    const phone = "13600136004";
    const first = await staffBook(phone, (await freeSlotsOn("2026-11-26"))[6]);
    const customer = await customerOfPhone(phone);
    await withdraw(customer);
    expect(await reminders(first)).toEqual([]);
    // A cancelled or past appointment gets none back.
    const cancelled = await staffBook(phone, (await freeSlotsOn("2026-11-27"))[1]);
    expect(await reminders(cancelled)).toEqual([]);
    const cancel = await t.request({
      method: "POST",
      url: `/api/appointments/${cancelled}/cancel`,
      cookie: await signIn("lobby"),
      body: {},
    });
    expect(cancel.statusCode, cancel.body).toBe(200);

    t.clock.advance(HOUR);
    const online = await t.request({
      method: "POST",
      url: "/api/public/appointments",
      body: {
        branchId: t.branchId,
        serviceId: svc("CASH"),
        start: (await freeSlotsOn("2026-11-30"))[3],
        name: "C online",
        phone,
        otp: await codeFor(phone),
        consents: { service: true, marketing: false, textVersion: "book-2026-12" },
      },
    });
    expect(online.statusCode, online.body).toBe(201);
    expect((await reminders(first)).map((r) => r.data.minutesBefore)).toEqual([1440, 120]);
    expect((await reminders(online.json().id)).map((r) => r.data.minutesBefore)).toEqual([1440, 120]);
    expect(await reminders(cancelled)).toEqual([]);
  });
});
