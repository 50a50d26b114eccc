/**
 * A refusal of service messages given on the customer's own pages (the booking page, the waitlist page) acts like
 * a withdrawal recorded by staff: in the transaction that records it, what is already queued for the customer by
 * the ways it covers (SMS and e-mail) and has not gone out stops — the reminders of their other appointments and a
 * survey invitation — with the staff path's reason. What the staff path leaves alone still goes: the appointments'
 * own notices (the refused booking's confirmation included, as before), one-time codes. A refusal of marketing
 * only, or a ticked box, stops nothing. The harness clock starts on Monday 2026-11-23 09:30 in Shanghai.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueMessage } from "../src/store/outbox.ts";
import { bookingCalls } from "./support/booking-calls.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, START, startTestServer, type TestServer } from "./support/harness.ts";

const DAY = "2026-11-26";
const REFUSED = { service: false, marketing: false, textVersion: "book-2026-12" };

describe.each(DB_KINDS)("a refusal on the customer's own pages cancels what is queued on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const svc = (code: string) => ids.services.get(code) as string;
  const db = () => t.server.ctx.store.db;
  const { freeSlotsOn, staffBook, codeFor } = bookingCalls(() => t, svc);
  const bookOnline = async (phone: string, start: string | undefined, consents: typeof REFUSED) =>
    t.request({
      method: "POST",
      url: "/api/public/appointments",
      body: {
        branchId: t.branchId,
        serviceId: svc("CASH"),
        start,
        name: `C ${phone}`,
        phone,
        email: `c${phone}@example.com`,
        otp: await codeFor(phone),
        consents,
      },
    });
  const customerOfPhone = async (phone: string) =>
    (await db().selectFrom("customers").select("id").where("phone_e164", "=", `+86${phone}`).executeTakeFirstOrThrow())
      .id;
  /** The messages about the appointment (or the visit): kind, channel and status, in a fixed order. */
  const outboxOf = async (relatedId: string) =>
    (
      await db()
        .selectFrom("outbox")
        .select(["kind", "channel", "status", "last_error"])
        .where("related_id", "=", relatedId)
        .orderBy("kind")
        .orderBy("channel")
        .orderBy("next_attempt_at")
        .execute()
    ).map((m) => ({ what: `${m.kind}/${m.channel}/${m.status}`, lastError: m.last_error }));
  /** A survey invitation queued for the customer after a visit (as surveys.ts queues it), by e-mail. */
  const queueSurveyInvite = async (customerId: string, phone: string) => {
    const visit = `visit-${phone}`;
    await t.server.ctx.store.write((tx) =>
      enqueueMessage(tx, {
        kind: "survey.invite",
        channel: "email",
        recipient: `c${phone}@example.com`,
        lang: "zh-CN",
        data: { number: "A001", branch: { zh: "网点", en: "Branch" }, surveyPath: "/survey/x" },
        now: t.clock.now,
        branchId: t.branchId,
        customerId,
        relatedType: "ticket",
        relatedId: visit,
        dedupeKey: `survey.invite:${visit}`,
      }),
    );
    return visit;
  };
  const otpStatuses = async (phone: string) =>
    (
      await db()
        .selectFrom("outbox")
        .select("status")
        .where("kind", "=", "otp")
        .where("recipient", "=", `+86${phone}`)
        .execute()
    ).map((m) => m.status);

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    t.clock.now = START;
    const rules = await t.request({
      method: "PUT",
      url: `/api/services/${svc("WEALTH")}/booking-rules`,
      cookie: await t.login("manager"),
      body: { share: 0.5, waitlist: true },
    });
    expect(rules.statusCode, rules.body).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("unticking service messages on the booking page cancels the other appointments' reminders and a survey invitation; the booking's own confirmation goes", async () => {
    const phone = "13700137001";
    const other = await staffBook(phone, (await freeSlotsOn(DAY))[2]);
    const customer = await customerOfPhone(phone);
    const visit = await queueSurveyInvite(customer, phone);
    expect((await outboxOf(other)).map((m) => m.what)).toEqual([
      "appointment.confirmed/sms/pending",
      "appointment.reminder/sms/pending",
      "appointment.reminder/sms/pending",
    ]);

    t.clock.advance(60_000);
    const booked = await bookOnline(phone, (await freeSlotsOn("2026-11-27"))[1], REFUSED);
    expect(booked.statusCode, booked.body).toBe(201);

    // The other appointment: its reminders stop with the staff path's reason; its confirmation still goes.
    const after = await outboxOf(other);
    expect(after.map((m) => m.what)).toEqual([
      "appointment.confirmed/sms/pending",
      "appointment.reminder/sms/cancelled",
      "appointment.reminder/sms/cancelled",
    ]);
    expect(after[1]?.lastError).toMatch(/withdrew consent to service messages/);
    // The survey invitation (by e-mail, which the page's answer also covers) stops too.
    expect((await outboxOf(visit)).map((m) => m.what)).toEqual(["survey.invite/email/cancelled"]);
    // The refused booking behaves as before: its confirmation by SMS with a copy to the address given, no reminders.
    expect((await outboxOf(booked.json().id)).map((m) => m.what)).toEqual([
      "appointment.confirmed/email/pending",
      "appointment.confirmed/sms/pending",
    ]);
    // The one-time codes are not service messages the refusal stops.
    expect(await otpStatuses(phone)).not.toContain("cancelled");
    const ledger = await db()
      .selectFrom("customer_consents")
      .select(["purpose", "granted", "channel", "covers"])
      .where("customer_id", "=", customer)
      .orderBy("id")
      .execute();
    expect(ledger).toEqual([
      { purpose: "service", granted: 0, channel: "web", covers: "sms,email" },
      { purpose: "marketing", granted: 0, channel: "web", covers: "sms,email,call" },
    ]);
  });

  it("a booking with service messages ticked (marketing refused) cancels nothing", async () => {
    const phone = "13700137002";
    const other = await staffBook(phone, (await freeSlotsOn(DAY))[4]);
    const visit = await queueSurveyInvite(await customerOfPhone(phone), phone);
    const before = await outboxOf(other);
    t.clock.advance(60_000);
    const booked = await bookOnline(phone, (await freeSlotsOn("2026-11-27"))[3], {
      ...REFUSED,
      service: true,
    });
    expect(booked.statusCode, booked.body).toBe(201);
    expect(await outboxOf(other)).toEqual(before);
    expect((await outboxOf(visit)).map((m) => m.what)).toEqual(["survey.invite/email/pending"]);
    expect((await outboxOf(booked.json().id)).map((m) => m.what)).toEqual([
      "appointment.confirmed/email/pending",
      "appointment.confirmed/sms/pending",
      "appointment.reminder/sms/pending",
      "appointment.reminder/sms/pending",
    ]);
  });

  it("unticking service messages on the waitlist page cancels the reminders of the customer's appointments", async () => {
    const phone = "13700137003";
    const other = await staffBook(phone, (await freeSlotsOn(DAY))[6]);
    t.clock.advance(60_000);
    const joined = await t.request({
      method: "POST",
      url: "/api/public/waitlist",
      body: {
        branchId: t.branchId,
        serviceId: svc("WEALTH"),
        day: "2026-11-24",
        name: `W ${phone}`,
        phone,
        otp: await codeFor(phone),
        consents: REFUSED,
      },
    });
    expect(joined.statusCode, joined.body).toBe(201);
    expect((await outboxOf(other)).map((m) => m.what)).toEqual([
      "appointment.confirmed/sms/pending",
      "appointment.reminder/sms/cancelled",
      "appointment.reminder/sms/cancelled",
    ]);
    expect(await otpStatuses(phone)).not.toContain("cancelled");
  });
});
