/**
 * Consent given on the booking page (issue 13, C6/C13): a public booking carries what the customer ticked, and
 * the booking's transaction appends one row per purpose to the customer's consent ledger (channel "web", the
 * texts' version). A customer who refused service messages gets the confirmation but no reminders; a booking
 * without consents (other API callers) changes nothing of the ledger and keeps its reminders. The public list of
 * business types says which keep a waitlist.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, START, startTestServer, type TestServer } from "./support/harness.ts";

const TOMORROW = "2026-11-24";

describe.each(DB_KINDS)("consents recorded with a public booking on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const svc = (code: string) => ids.services.get(code) as string;
  const db = () => t.server.ctx.store.db;
  const slots = async (code: string) => {
    const res = await t.request({
      method: "GET",
      url: `/api/public/branches/${t.branchId}/slots?serviceId=${svc(code)}&date=${TOMORROW}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().slots as Array<{ start: string; free: number }>).filter((s) => s.free > 0);
  };
  const codeFor = async (phone: string) => {
    const sent = await t.request({ method: "POST", url: "/api/public/otp", body: { phone } });
    expect(sent.statusCode).toBe(202);
    const rows = await db()
      .selectFrom("outbox")
      .select("data")
      .where("kind", "=", "otp")
      .where("recipient", "=", `+86${phone}`)
      .orderBy("id", "desc")
      .execute();
    return (JSON.parse(rows[0]?.data ?? "{}") as { code: string }).code;
  };
  const bookOnline = async (phone: string, start: string | undefined, extra: Record<string, unknown>) =>
    t.request({
      method: "POST",
      url: "/api/public/appointments",
      body: {
        branchId: t.branchId,
        serviceId: svc("ACCOUNT"),
        start,
        name: "Consent Test",
        phone,
        otp: await codeFor(phone),
        ...extra,
      },
    });
  const ledger = async (phone: string) => {
    const customer = await db()
      .selectFrom("customers")
      .select("id")
      .where("phone_e164", "=", `+86${phone}`)
      .executeTakeFirstOrThrow();
    return db()
      .selectFrom("customer_consents")
      .select(["purpose", "granted", "channel", "text_version"])
      .where("customer_id", "=", customer.id)
      .orderBy("id")
      .execute();
  };
  const reminders = async (appointmentId: string) =>
    (
      await db()
        .selectFrom("outbox")
        .select("kind")
        .where("related_id", "=", appointmentId)
        .where("kind", "=", "appointment.reminder")
        .execute()
    ).length;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    t.clock.now = START;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("records both purposes with the booking; a refusal of service messages drops the reminders only", async () => {
    const day = await slots("ACCOUNT");
    const ok = await bookOnline("13811110001", day[2]?.start, {
      consents: { service: true, marketing: false, textVersion: "book-2026-12" },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await ledger("13811110001")).toEqual([
      { purpose: "service", granted: 1, channel: "web", text_version: "book-2026-12" },
      { purpose: "marketing", granted: 0, channel: "web", text_version: "book-2026-12" },
    ]);
    expect(await reminders(ok.json().id)).toBe(2);

    const refused = await bookOnline("13811110002", day[3]?.start, {
      consents: { service: false, marketing: true, textVersion: "book-2026-12" },
    });
    expect(refused.statusCode, refused.body).toBe(201);
    expect((await ledger("13811110002")).map((r) => [r.purpose, r.granted])).toEqual([
      ["service", 0],
      ["marketing", 1],
    ]);
    expect(await reminders(refused.json().id)).toBe(0);
    const confirmations = await db()
      .selectFrom("outbox")
      .select("kind")
      .where("related_id", "=", refused.json().id)
      .where("kind", "=", "appointment.confirmed")
      .execute();
    expect(confirmations).toHaveLength(1);
  });

  it("a booking without consents leaves the ledger alone; a malformed one is a 400 and books nothing", async () => {
    const day = await slots("ACCOUNT");
    const plain = await bookOnline("13811110003", day[4]?.start, {});
    expect(plain.statusCode, plain.body).toBe(201);
    expect(await ledger("13811110003")).toEqual([]);
    expect(await reminders(plain.json().id)).toBe(2);

    const bad = await bookOnline("13811110004", day[5]?.start, {
      consents: { service: true, marketing: "yes", textVersion: "v1" },
    });
    expect(bad.statusCode).toBe(400);
    const none = await db().selectFrom("customers").select("id").where("phone_e164", "=", "+8613811110004").execute();
    expect(none).toEqual([]);
  });

  it("the public business types say which keep a waitlist", async () => {
    const manager = await t.login("manager");
    const set = await t.request({
      method: "PUT",
      url: `/api/services/${svc("WEALTH")}/booking-rules`,
      cookie: manager,
      body: { waitlist: true },
    });
    expect(set.statusCode, set.body).toBe(200);
    const res = await t.request({ method: "GET", url: `/api/public/branches/${t.branchId}/services` });
    expect(res.statusCode).toBe(200);
    const services = res.json().services as Array<{ code: string; waitlist: boolean }>;
    expect(services.find((s) => s.code === "WEALTH")?.waitlist).toBe(true);
    expect(services.find((s) => s.code === "ACCOUNT")?.waitlist).toBe(false);
  });
  it("joining a waitlist records the consents too; the offer asked for goes even to one who refused service messages", async () => {
    const manager = await t.login("manager");
    const set = await t.request({
      method: "PUT",
      url: `/api/services/${svc("WEALTH")}/booking-rules`,
      cookie: manager,
      body: { waitlist: true },
    });
    expect(set.statusCode, set.body).toBe(200);
    const join = async (phone: string, extra: Record<string, unknown>) =>
      t.request({
        method: "POST",
        url: "/api/public/waitlist",
        body: {
          branchId: t.branchId,
          serviceId: svc("WEALTH"),
          day: TOMORROW,
          from: "14:00",
          to: "15:00",
          name: "Waitlist Consent",
          phone,
          otp: await codeFor(phone),
          ...extra,
        },
      });
    const entryOf = (phone: string) =>
      db()
        .selectFrom("appointment_waitlist")
        .select(["id", "customer_id", "status"])
        .where("customer_phone", "=", `+86${phone}`)
        .execute();

    const refused = await join("13811110011", {
      consents: { service: false, marketing: true, textVersion: "book-2026-12" },
    });
    expect(refused.statusCode, refused.body).toBe(201);
    expect(await ledger("13811110011")).toEqual([
      { purpose: "service", granted: 0, channel: "web", text_version: "book-2026-12" },
      { purpose: "marketing", granted: 1, channel: "web", text_version: "book-2026-12" },
    ]);
    const customer = await db()
      .selectFrom("customers")
      .select("id")
      .where("phone_e164", "=", "+8613811110011")
      .executeTakeFirstOrThrow();
    expect(await entryOf("13811110011")).toEqual([
      { id: refused.json().id, customer_id: customer.id, status: "waiting" },
    ]);

    // A place is free in the range: it is offered, although service messages were refused (the customer asked).
    const { offerWaitlistPlaces } = await import("../src/app/appointments/waitlist.ts");
    await offerWaitlistPlaces(t.server.ctx);
    const offer = await db()
      .selectFrom("outbox")
      .select(["data", "channel"])
      .where("kind", "=", "waitlist.offer")
      .where("recipient", "=", "+8613811110011")
      .executeTakeFirstOrThrow();
    const token = (JSON.parse(offer.data) as { offerPath: string }).offerPath.split("token=")[1] as string;
    const accepted = await t.request({ method: "POST", url: "/api/public/waitlist/accept", body: { token } });
    expect(accepted.statusCode, accepted.body).toBe(201);
    // The booking it makes tells the customer, but queues no reminders: those they refused.
    expect(await reminders(accepted.json().id)).toBe(0);
    const confirmed = await db()
      .selectFrom("outbox")
      .select("kind")
      .where("related_id", "=", accepted.json().id)
      .where("kind", "=", "appointment.confirmed")
      .execute();
    expect(confirmed).toHaveLength(1);

    // Without consents the ledger is left alone (the customer is still identified); malformed ones are a 400 that
    // changes nothing.
    const plain = await join("13811110012", {});
    expect(plain.statusCode, plain.body).toBe(201);
    expect(await ledger("13811110012")).toEqual([]);
    const bad = await join("13811110013", { consents: { service: "yes", marketing: false, textVersion: "v1" } });
    expect(bad.statusCode).toBe(400);
    const badVersion = await join("13811110014", { consents: { service: true, marketing: false, textVersion: "a b" } });
    expect(badVersion.statusCode).toBe(400);
    for (const phone of ["13811110013", "13811110014"]) {
      expect(await entryOf(phone)).toEqual([]);
      const none = await db().selectFrom("customers").select("id").where("phone_e164", "=", `+86${phone}`).execute();
      expect(none).toEqual([]);
    }
  });
});
