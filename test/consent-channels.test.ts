/**
 * Consents per channel (issue 13): each answer in the consent ledger keeps where it was given (web, kiosk, staff,
 * phone, counter, chat) and which ways of reaching the customer it is about (`covers`: sms, email, call; migration
 * 047). Whoever decides to send reads the latest answer about the way they would send by: reminders by SMS read the
 * service answer about SMS, e-mail only the one about e-mail, a marketing follow-up (a call) the marketing answer
 * about calls. The harness clock starts on Monday 2026-11-23 09:30 in Shanghai.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsentInput, currentConsent, findOrCreateCustomer } from "../src/app/customers/identify.ts";
import { seedSecondDemoBranch } from "../src/app/seed-demo.ts";
import { bookingCalls } from "./support/booking-calls.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, START, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

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
  const freeSlots = async () => freeSlotsOn(DAY);
  const { freeSlotsOn, staffBook } = bookingCalls(() => t, svc);
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
    await seedSecondDemoBranch(t.server.ctx, TEST_PASSWORD);
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

  /** POST /api/customers/:id/consents as `username`. */
  const record = async (username: string, customerId: string, body: unknown) =>
    t.request({
      method: "POST",
      url: `/api/customers/${customerId}/consents`,
      cookie: await t.login(username),
      body,
    });
  const outboxOf = async (appointmentId: string) =>
    db()
      .selectFrom("outbox")
      .select(["kind", "channel", "status", "last_error"])
      .where("related_id", "=", appointmentId)
      .orderBy("kind")
      .orderBy("created_at")
      .execute();
  const customerOfPhone = async (e164: string) =>
    (await db().selectFrom("customers").select("id").where("phone_e164", "=", e164).executeTakeFirstOrThrow()).id;

  it("staff record a consent given on the phone, at the counter or in the chat: in the ledger, audited, obeyed", async () => {
    const slots = await freeSlots();
    // Booked by phone with staff: the customer record is made, reminders by SMS queued (never asked: not refused).
    const booked = await staffBook("13500135011", slots[3]);
    const customer = await customerOfPhone("+8613500135011");
    expect((await outboxOf(booked)).map((m) => `${m.kind}/${m.status}`)).toEqual([
      "appointment.confirmed/pending",
      "appointment.reminder/pending",
      "appointment.reminder/pending",
    ]);

    // At the counter the customer says no more service messages by SMS.
    t.clock.advance(1_000);
    const refused = await record("teller1", customer, {
      purpose: "service",
      granted: false,
      channel: "counter",
      covers: ["sms"],
    });
    expect(refused.statusCode, refused.body).toBe(201);
    expect(refused.json().consents).toEqual([
      {
        purpose: "service",
        granted: false,
        channel: "counter",
        covers: ["sms"],
        textVersion: "staff-2026-12",
        at: new Date(t.clock.now).toISOString(),
      },
    ]);
    expect(await currentConsent(db(), customer, "service", "sms")).toBe(false);
    // What was queued by SMS and has not gone out stops; the booking's own confirmation still goes.
    const after = await outboxOf(booked);
    expect(after.map((m) => `${m.kind}/${m.status}`)).toEqual([
      "appointment.confirmed/pending",
      "appointment.reminder/cancelled",
      "appointment.reminder/cancelled",
    ]);
    expect(after[1]?.last_error).toMatch(/withdrew consent/);
    // A later booking gets its confirmation and no reminders (the existing reading of the ledger).
    expect(await messages(await staffBook("13500135011", (await freeSlotsOn("2026-11-27"))[0]))).toEqual([
      "appointment.confirmed/sms",
    ]);
    const line = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "customer.consent")
      .where("entity_id", "=", customer)
      .executeTakeFirstOrThrow();
    expect(line).toMatchObject({ actor_name: "teller1", entity_type: "customer", branch_id: t.branchId });
    expect(JSON.parse(line.details ?? "{}")).toEqual({
      purpose: "service",
      granted: false,
      channel: "counter",
      covers: ["sms"],
      textVersion: "staff-2026-12",
      messagesCancelled: 2,
    });
    expect(line.details).not.toContain("13500135011");

    // In the chat, an agent records marketing calls agreed to; on the phone, the lobby manager service messages
    // again (all of the purpose's ways by default), with the version of the words read out.
    t.clock.advance(1_000);
    const chat = await record("agent1", customer, {
      purpose: "marketing",
      granted: true,
      channel: "chat",
      covers: ["call"],
    });
    expect(chat.statusCode, chat.body).toBe(201);
    t.clock.advance(1_000);
    const phone = await record("lobby", customer, {
      purpose: "service",
      granted: true,
      channel: "phone",
      textVersion: "script-7",
    });
    expect(phone.statusCode, phone.body).toBe(201);
    expect(await currentConsent(db(), customer, "marketing", "call")).toBe(true);
    expect(await currentConsent(db(), customer, "marketing", "sms")).toBeUndefined();
    expect(await currentConsent(db(), customer, "service", "sms")).toBe(true);
    const profile = await t.request({
      method: "GET",
      url: `/api/customers/${customer}`,
      cookie: await t.login("manager"),
    });
    expect(
      (profile.json().consents as Array<Record<string, unknown>>).map((x) => [
        x.purpose,
        x.granted,
        x.channel,
        x.covers,
        x.textVersion,
      ]),
    ).toEqual([
      ["service", true, "phone", ["sms", "email"], "script-7"],
      ["marketing", true, "chat", ["call"], "staff-2026-12"],
    ]);
  });

  it("refuses bad input (400), other roles and branches (403) and an unknown customer (404), writing nothing", async () => {
    const booked = await staffBook("13500135012", (await freeSlots())[5]);
    const customer = await customerOfPhone("+8613500135012");
    const rows = async () =>
      Number(
        (
          await db()
            .selectFrom("customer_consents")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const lines = async () =>
      Number(
        (
          await db()
            .selectFrom("audit_log")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("action", "=", "customer.consent")
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = { rows: await rows(), lines: await lines(), outbox: await outboxOf(booked) };
    const ok = { purpose: "service", granted: false, channel: "phone" };
    for (const bad of [
      { ...ok, channel: "web" },
      { ...ok, channel: "fax" },
      { ...ok, purpose: "newsletter" },
      { ...ok, granted: "no" },
      { ...ok, covers: [] },
      { ...ok, covers: ["call"] },
      { ...ok, covers: ["sms", "sms"] },
      { ...ok, covers: ["pigeon"] },
      { ...ok, textVersion: "words read out" },
      { ...ok, note: "x" },
      { purpose: "service", channel: "phone" },
    ]) {
      const res = await record("teller1", customer, bad);
      expect(res.statusCode, `${JSON.stringify(bad)}: ${res.body}`).toBe(400);
      expect(res.json(), JSON.stringify(bad)).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    const zh = await t.request({
      method: "POST",
      url: `/api/customers/${customer}/consents`,
      cookie: await t.login("teller1"),
      body: { ...ok, covers: ["call"] },
      headers: { "accept-language": "zh-CN" },
    });
    expect(zh.json().message).toBe("服务通知授权仅适用于短信和电子邮件，且不可重复。");
    // The auditor, the back office and head office may not; nor a teller of a branch the customer never met.
    for (const who of ["auditor", "reviewer", "headoffice", "teller9", "manager2"]) {
      const res = await record(who, customer, ok);
      expect(res.statusCode, `${who}: ${res.body}`).toBe(403);
      expect(res.json().error).toBe("forbidden");
    }
    expect((await record("admin", "no-such-customer", ok)).statusCode).toBe(404);
    expect({ rows: await rows(), lines: await lines(), outbox: await outboxOf(booked) }).toEqual(before);
  });

  it("an agent records a consent given in a chat assigned to them, for a customer no branch has met", async () => {
    // Known only through the chat: identified there, never booked, visited or complained at a branch.
    const id = await t.server.ctx.store.write(
      async (tx) => (await findOrCreateCustomer(tx, t.server.ctx, { phone: "+8613500135013", name: "C chat" })).id,
    );
    const agent = await db()
      .selectFrom("users")
      .select("id")
      .where("username", "=", "agent1")
      .executeTakeFirstOrThrow();
    const now = t.clock.now;
    await db()
      .insertInto("chat_conversations")
      .values({
        id: "chat-consent-1",
        token_hash: "x".repeat(64),
        status: "agent",
        language: "zh-CN",
        misses: 0,
        skill: null,
        handover_at: now,
        last_seq: 0,
        created_at: now,
        updated_at: now,
        agent_id: agent.id,
        assigned_at: now,
        first_response_at: null,
        closed_at: null,
        closed_by: null,
        csat: null,
        vip: 0,
        answered_by_bot: 0,
        flow: null,
        ticket_id: null,
        customer_id: id,
        identified_at: now,
      })
      .execute();
    const body = { purpose: "marketing", granted: false, channel: "chat" };
    // Another agent, and the same agent for a consent not given in the chat: still refused.
    expect((await record("agent2", id, body)).statusCode).toBe(403);
    expect((await record("agent1", id, { ...body, channel: "phone" })).statusCode).toBe(403);
    expect(await currentConsent(db(), id, "marketing", "sms")).toBeUndefined();
    const res = await record("agent1", id, body);
    expect(res.statusCode, res.body).toBe(201);
    expect(await currentConsent(db(), id, "marketing", "sms")).toBe(false);
    const line = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "customer.consent")
      .where("entity_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(line).toMatchObject({ actor_name: "agent1", entity_type: "customer" });
  });
});
