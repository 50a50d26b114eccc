/**
 * Consents per channel (issue 13): each answer in the consent ledger keeps where it was given (web, kiosk, staff,
 * phone, counter, chat) and which ways of reaching the customer it is about (`covers`: sms, email, call; migration
 * 047). Whoever decides to send reads the latest answer about the way they would send by: reminders by SMS read the
 * service answer about SMS, e-mail only the one about e-mail, a marketing follow-up (a call) the marketing answer
 * about calls. The harness clock starts on Monday 2026-11-23 09:30 in Shanghai.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsentInput, currentConsent, findOrCreateCustomer } from "../src/app/customers/identify.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, START, startTestServer, type TestServer } from "./support/harness.ts";

const DAY = "2026-11-26";

describe.each(DB_KINDS)("consents per channel on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const svc = (code: string) => ids.services.get(code) as string;
  const db = () => t.server.ctx.store.db;
  /** The customer of the phone, given these answers one after another (a second apart), preferring `prefer`. */
  const customerWith = async (phone: string, prefer: "sms" | "email", answers: ConsentInput[]) => {
    let id = "";
    for (const answer of answers) {
      t.clock.advance(1_000);
      id = await t.server.ctx.store.write(
        async (tx) =>
          (
            await findOrCreateCustomer(tx, t.server.ctx, {
              phone,
              name: `C ${phone}`,
              email: `c${phone}@example.com`,
              preferredChannel: prefer,
              consents: [answer],
            })
          ).id,
      );
    }
    return id;
  };
  const freeSlots = async () => {
    const res = await t.request({
      method: "GET",
      url: `/api/public/branches/${t.branchId}/slots?serviceId=${svc("CASH")}&date=${DAY}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().slots as Array<{ start: string; free: number }>).filter((s) => s.free > 0).map((s) => s.start);
  };
  const staffBook = async (phone: string, start: string | undefined) => {
    const res = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      cookie: await t.login("lobby"),
      body: { serviceId: svc("CASH"), start, name: `C ${phone}`, phone },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const messages = async (appointmentId: string) =>
    (
      await db()
        .selectFrom("outbox")
        .select(["kind", "channel"])
        .where("related_id", "=", appointmentId)
        .orderBy("kind")
        .orderBy("channel")
        .execute()
    ).map((m) => `${m.kind}/${m.channel}`);
  const service = (granted: boolean, channel: ConsentInput["channel"], covers: ConsentInput["covers"]) =>
    ({ purpose: "service", granted, channel, textVersion: "v1", covers }) as const;

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    t.clock.now = START;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("reminders by SMS follow the service answer about SMS, not a later one about e-mail", async () => {
    const slots = await freeSlots();
    // Agreed to SMS on the phone with staff, later refused e-mail at the counter; prefers e-mail.
    const a = await customerWith("13500135001", "email", [
      service(true, "phone", ["sms"]),
      service(false, "counter", ["email"]),
    ]);
    expect(await currentConsent(db(), a, "service", "sms")).toBe(true);
    expect(await currentConsent(db(), a, "service", "email")).toBe(false);
    // No e-mail (it was refused for e-mail): the notices and both reminders by SMS.
    expect(await messages(await staffBook("13500135001", slots[0]))).toEqual([
      "appointment.confirmed/sms",
      "appointment.reminder/sms",
      "appointment.reminder/sms",
    ]);

    // Agreed to e-mail at the kiosk, later refused SMS on the phone; prefers SMS: no reminders (they go by SMS).
    const b = await customerWith("13500135002", "sms", [
      service(true, "kiosk", ["email"]),
      service(false, "phone", ["sms"]),
    ]);
    expect(await currentConsent(db(), b, "service")).toBe(false);
    expect(await messages(await staffBook("13500135002", slots[1]))).toEqual(["appointment.confirmed/sms"]);

    // Refused SMS, later agreed to e-mail in the chat; prefers e-mail: everything by e-mail only.
    const c = await customerWith("13500135003", "email", [
      service(false, "phone", ["sms"]),
      service(true, "chat", ["email"]),
    ]);
    expect(await currentConsent(db(), c, "service", "sms")).toBe(false);
    expect(await messages(await staffBook("13500135003", slots[2]))).toEqual([
      "appointment.confirmed/email",
      "appointment.reminder/email",
      "appointment.reminder/email",
    ]);

    // The profile shows, per purpose, the answer current for each way, with where it was given.
    const profile = await t.request({ method: "GET", url: `/api/customers/${a}`, cookie: await t.login("manager") });
    expect(profile.statusCode, profile.body).toBe(200);
    expect(
      (profile.json().consents as Array<Record<string, unknown>>).map((x) => [
        x.purpose,
        x.granted,
        x.channel,
        x.covers,
      ]),
    ).toEqual([
      ["service", true, "phone", ["sms"]],
      ["service", false, "counter", ["email"]],
    ]);
  });

  it("a marketing follow-up's call reads the marketing answer about calls; defaults follow the purpose", async () => {
    const d = await customerWith("13500135004", "sms", [
      { purpose: "marketing", granted: true, channel: "web", textVersion: "v1" },
      { purpose: "marketing", granted: false, channel: "staff", textVersion: "v1", covers: ["call"] },
    ]);
    expect(await currentConsent(db(), d, "marketing", "call")).toBe(false);
    expect(await currentConsent(db(), d, "marketing", "sms")).toBe(true);
    const rows = await db()
      .selectFrom("customer_consents")
      .select(["channel", "covers"])
      .where("customer_id", "=", d)
      .orderBy("id")
      .execute();
    expect(rows).toEqual([
      { channel: "web", covers: "sms,email,call" },
      { channel: "staff", covers: "call" },
    ]);
    // Never asked about a way: undefined, whatever was said about others.
    const e = await customerWith("13500135005", "sms", [service(true, "web", ["email"])]);
    expect(await currentConsent(db(), e, "service", "sms")).toBeUndefined();
  });

  it("refuses an answer without a known source or any way covered, writing nothing", async () => {
    for (const bad of [
      { purpose: "service", granted: true, channel: "fax", textVersion: "v1" },
      { purpose: "service", granted: true, channel: "web", textVersion: "v1", covers: [] },
    ] as unknown as ConsentInput[]) {
      await expect(
        t.server.ctx.store.write((tx) =>
          findOrCreateCustomer(tx, t.server.ctx, { phone: "13500135009", name: "X", consents: [bad] }),
        ),
      ).rejects.toMatchObject({ status: 400 });
    }
    const none = await db().selectFrom("customers").select("id").where("phone_e164", "=", "+8613500135009").execute();
    expect(none).toEqual([]);
  });
});
