/**
 * The daily retention run as `datang serve` runs it: through the job runner's rounds (not `POST
 * /api/retention/run`). It runs when the last run is a day old, anonymises every data class past its period
 * (visit personal data, appointments, complaints, survey texts, audit, follow-up notes, chat transcripts) while
 * the facts stay, changes nothing more when run again, and runs once when two instances' runners go at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobRunner } from "../src/app/messages/runner.ts";
import { buildServer, type Server } from "../src/http/server.ts";
import { openStore } from "../src/store/connect.ts";
import type { Store } from "../src/store/store.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, START, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CLASSES = [
  "visit_personal",
  "appointments",
  "complaints",
  "survey_texts",
  "audit",
  "followup_notes",
  "chat_transcripts",
] as const;

describe.each(DB_KINDS)("the daily retention job on %s", (kind) => {
  let t: TestServer;
  let second: { server: Server; store: Store };
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const db = () => t.server.ctx.store.db;
  /** One round of this instance's job runner, as `datang serve` runs it (no channel configured). */
  const tick = () => new JobRunner(t.server.ctx, { config: {}, channels: [] }).tick();
  const tickOnSecond = () => new JobRunner(second.server.ctx, { config: {}, channels: [] }).tick();
  const runs = async () =>
    (await db().selectFrom("retention_runs").selectAll().orderBy("id").execute()).map((r) => ({
      at: Number(r.at),
      actorId: r.actor_id,
      items: JSON.parse(r.summary) as Array<{ dataClass: string; rows: Record<string, number> }>,
    }));
  /** A new session each time: the clock jumps weeks ahead, past a session's lifetime. */
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
  const post = async (url: string, user: string, body: unknown = {}) =>
    t.request({ method: "POST", url, cookie: await fresh(user), body });

  /** What the run must change and what it must keep, per class. */
  const made: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestServer(kind);
    const store = openStore(t.location);
    second = { server: await buildServer({ store, clock: () => t.clock.now }), store };
    ids = await demoIds(t);
  });
  afterAll(async () => {
    await second?.server.close();
    await second?.store.close();
    await t?.close();
  });

  it("runs on its schedule through the job runner and anonymises every class past its period; the facts stay", async () => {
    t.clock.now = START;
    const set = await t.request({
      method: "PUT",
      url: "/api/retention",
      cookie: await fresh("admin"),
      body: { days: Object.fromEntries(CLASSES.map((c) => [c, 30])) },
    });
    expect(set.statusCode, set.body).toBe(200);

    // The first round of a new installation runs it (there was no run), by the system.
    await tick();
    expect(await runs()).toEqual([expect.objectContaining({ at: START, actorId: null })]);

    // One of each class, made today.
    t.clock.advance(60_000);
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    const attached = await post(`/api/tickets/${ticket.id}/customer`, "lobby", {
      phone: "13600007777",
      name: "孙悟空",
    });
    expect(attached.statusCode, attached.body).toBe(200);
    const customerId = attached.json().customerId as string;
    const counter = ids.counters.get(1) as string;
    expect((await post(`/api/counters/${counter}/sign-in`, "teller1")).statusCode).toBe(200);
    expect((await post(`/api/counters/${counter}/call`, "teller1", { ticketId: ticket.id })).statusCode).toBe(200);
    expect((await post(`/api/tickets/${ticket.id}/start`, "teller1")).statusCode).toBe(200);
    const done = await post(`/api/tickets/${ticket.id}/complete`, "teller1", { notes: "客户住在花果山" });
    expect(done.statusCode, done.body).toBe(200);
    made.ticket = ticket.id;
    made.customer = customerId;

    const slots = await t.request({
      method: "GET",
      url: `/api/branches/${t.branchId}/appointment-slots?serviceId=${ids.services.get("CARD")}&date=2026-11-24`,
      cookie: await fresh("lobby"),
    });
    expect(slots.statusCode, slots.body).toBe(200);
    const slot = (slots.json().slots as Array<{ start: string; free: number }>).find((s) => s.free > 0);
    const booked = await post(`/api/branches/${t.branchId}/appointments`, "lobby", {
      serviceId: ids.services.get("CARD"),
      start: slot?.start,
      name: "猪八戒",
      phone: "13600008888",
    });
    expect(booked.statusCode, booked.body).toBe(201);
    made.appointment = booked.json().id;

    const complaint = await post("/api/complaints", "lobby", {
      branchId: t.branchId,
      category: "service_quality",
      severity: "simple",
      description: "柜员态度差，我的电话 13600007777",
    });
    expect(complaint.statusCode, complaint.body).toBe(201);
    made.complaint = complaint.json().id;
    const teller2 = await db().selectFrom("users").select("id").where("username", "=", "teller2").executeTakeFirst();
    expect(
      (await post(`/api/complaints/${made.complaint}/assign`, "manager", { userId: teller2?.id })).statusCode,
    ).toBe(200);
    const closed = await post(`/api/complaints/${made.complaint}/close`, "teller2", {
      rootCause: "培训不足",
      reply: "已致歉并培训",
    });
    expect(closed.statusCode, closed.body).toBe(200);

    const now = t.clock.now;
    await t.server.ctx.store.write(async (tx) => {
      await tx
        .insertInto("surveys")
        .values({
          id: "survey-retention-1",
          ticket_id: ticket.id,
          branch_id: t.branchId,
          customer_id: customerId,
          token_hash: null,
          channel: "sms",
          sent_at: now,
          csat: "satisfied",
          csat_source: "survey",
          nps: 9,
          comment: "很好，孙悟空",
          answered_at: now,
          complaint_id: null,
          created_at: now,
        })
        .execute();
      await tx
        .insertInto("followups")
        .values({
          id: "followup-retention-1",
          branch_id: t.branchId,
          customer_id: customerId,
          ticket_id: ticket.id,
          service_id: ids.services.get("CASH") as string,
          purpose: "service",
          status: "closed",
          assignee_id: null,
          assigned_by: null,
          assigned_via: null,
          due_at: now + DAY,
          reminded_at: null,
          escalated_at: null,
          contacted_at: now,
          outcome: "done",
          note: "客户说下月再来",
          attempts: 0,
          appointment_id: null,
          closed_at: now,
          closed_by: null,
          version: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await tx
        .insertInto("chat_conversations")
        .values({
          id: "chat-retention-1",
          token_hash: "x".repeat(64),
          status: "closed",
          language: "zh",
          misses: 0,
          skill: null,
          handover_at: null,
          last_seq: 1,
          created_at: now,
          updated_at: now,
          agent_id: null,
          assigned_at: null,
          first_response_at: null,
          closed_at: now,
          closed_by: null,
          csat: 3,
          vip: 0,
          answered_by_bot: 1,
          flow: null,
          ticket_id: null,
          customer_id: customerId,
          identified_at: now,
        })
        .execute();
      await tx
        .insertInto("chat_messages")
        .values({
          conversation_id: "chat-retention-1",
          seq: 1,
          author: "customer",
          text: "我想改手机号",
          data: null,
          at: now,
        })
        .execute();
    });
    const oldAuditLines = async () =>
      Number(
        (
          await db()
            .selectFrom("audit_log")
            .select((eb) => eb.fn.countAll().as("n"))
            .where("at", "<=", now)
            .where((eb) => eb.or([eb("ip", "is not", null), eb("details", "is not", null)]))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await oldAuditLines()).toBeGreaterThan(0);

    // Half a day later: not due, nothing runs. A day after the first: it runs, but nothing is 30 days old yet.
    t.clock.now = START + 12 * HOUR;
    await tick();
    expect(await runs()).toHaveLength(1);
    t.clock.now = START + DAY;
    await tick();
    expect((await runs()).map((r) => r.at)).toEqual([START, START + DAY]);
    const customer = () =>
      db().selectFrom("customers").selectAll().where("id", "=", customerId).executeTakeFirstOrThrow();
    expect((await customer()).name).toBe("孙悟空");

    // 32 days on: the next round runs it, and every class past its 30 days is anonymised.
    t.clock.now = START + 32 * DAY;
    await tick();
    const all = await runs();
    expect(all.map((r) => r.at)).toEqual([START, START + DAY, START + 32 * DAY]);
    const last = all.at(-1);
    expect(last?.actorId).toBeNull();
    const rows = Object.fromEntries((last?.items ?? []).map((i) => [i.dataClass, i.rows]));
    expect(Object.keys(rows).sort()).toEqual([...CLASSES].sort());
    expect(rows.visit_personal).toMatchObject({ ticket_customers: 1, tickets: 1, customers: 2 });
    expect(rows.appointments?.appointments).toBe(1);
    expect(rows.complaints?.complaints).toBe(1);
    expect(rows.survey_texts?.surveys).toBe(1);
    expect(rows.audit?.audit_log).toBeGreaterThan(0);
    expect(rows.followup_notes?.followups).toBe(1);
    expect(rows.chat_transcripts).toMatchObject({ chat_conversations: 1, chat_messages: 1 });

    // Visit personal data: the link, the notes and the idle customer's identity go; the visit's facts stay.
    expect(await customer()).toMatchObject({ name: "", anonymised_at: START + 32 * DAY });
    const tk = await db().selectFrom("tickets").selectAll().where("id", "=", ticket.id).executeTakeFirstOrThrow();
    expect(tk).toMatchObject({ status: "done", notes: null, service_id: ids.services.get("CASH") });
    expect(tk.completed_at).not.toBeNull();
    expect(await db().selectFrom("ticket_customers").selectAll().where("ticket_id", "=", ticket.id).execute()).toEqual(
      [],
    );
    // Appointments: the booked person goes; the time and status stay.
    const ap = await db()
      .selectFrom("appointments")
      .selectAll()
      .where("id", "=", made.appointment as string)
      .executeTakeFirstOrThrow();
    expect(ap).toMatchObject({ customer_name: "", customer_phone: "", customer_id: null, status: "booked" });
    expect(Number(ap.start_at)).toBe(Date.parse(slot?.start as string));
    // Complaints: the texts go; category, severity, dates and root cause stay.
    const co = await db()
      .selectFrom("complaints")
      .selectAll()
      .where("id", "=", made.complaint as string)
      .executeTakeFirstOrThrow();
    expect(co).toMatchObject({
      description: "",
      reply: null,
      category: "service_quality",
      severity: "simple",
      status: "closed",
    });
    expect(co.root_cause).toBe("培训不足");
    // Survey texts: the comment goes, the scores stay.
    expect(
      await db()
        .selectFrom("surveys")
        .select(["comment", "nps", "csat"])
        .where("id", "=", "survey-retention-1")
        .executeTakeFirstOrThrow(),
    ).toEqual({ comment: null, nps: 9, csat: "satisfied" });
    // Audit: the address and details of old lines go; who did what when stays.
    expect(await oldAuditLines()).toBe(0);
    // Follow-up notes: the note goes, the outcome stays.
    expect(
      await db()
        .selectFrom("followups")
        .select(["note", "outcome"])
        .where("id", "=", "followup-retention-1")
        .executeTakeFirstOrThrow(),
    ).toEqual({ note: null, outcome: "done" });
    // Chat transcripts: the text and the customer link go; the rating stays.
    expect(
      await db().selectFrom("chat_messages").select("text").where("conversation_id", "=", "chat-retention-1").execute(),
    ).toEqual([{ text: "" }]);
    expect(
      await db()
        .selectFrom("chat_conversations")
        .select(["customer_id", "csat"])
        .where("id", "=", "chat-retention-1")
        .executeTakeFirstOrThrow(),
    ).toEqual({ customer_id: null, csat: 3 });

    // Another round the same day: not again.
    await tick();
    expect(await runs()).toHaveLength(3);
    const audited = await db()
      .selectFrom("audit_log")
      .select(["actor_type", "actor_name"])
      .where("action", "=", "retention.run")
      .execute();
    expect(audited).toHaveLength(3);
    expect(audited.every((a) => a.actor_type === "system" && a.actor_name === "retention")).toBe(true);
  });

  it("is idempotent: the next day's run finds nothing left and changes nothing", async () => {
    const snapshot = async () =>
      JSON.stringify([
        await db()
          .selectFrom("customers")
          .selectAll()
          .where("id", "=", made.customer as string)
          .execute(),
        await db()
          .selectFrom("tickets")
          .select(["id", "status", "notes", "rating_comment", "completed_at"])
          .where("id", "=", made.ticket as string)
          .execute(),
        await db()
          .selectFrom("appointments")
          .selectAll()
          .where("id", "=", made.appointment as string)
          .execute(),
        await db()
          .selectFrom("complaints")
          .selectAll()
          .where("id", "=", made.complaint as string)
          .execute(),
        await db().selectFrom("surveys").selectAll().where("id", "=", "survey-retention-1").execute(),
        await db().selectFrom("followups").selectAll().where("id", "=", "followup-retention-1").execute(),
        await db().selectFrom("chat_conversations").selectAll().where("id", "=", "chat-retention-1").execute(),
        await db().selectFrom("chat_messages").selectAll().where("conversation_id", "=", "chat-retention-1").execute(),
      ]);
    const before = await snapshot();
    t.clock.now = START + 33 * DAY;
    await tick();
    const all = await runs();
    expect(all).toHaveLength(4);
    for (const item of all.at(-1)?.items ?? [])
      if (item.dataClass !== "audit")
        for (const [table, n] of Object.entries(item.rows)) expect(n, `${item.dataClass} ${table}`).toBe(0);
    expect(await snapshot()).toBe(before);
  });

  it("runs once a day when two instances' job runners go at the same moment", async () => {
    for (const day of [34, 35, 36]) {
      t.clock.now = START + day * DAY;
      const before = (await runs()).length;
      await Promise.all([tick(), tickOnSecond(), tick(), tickOnSecond()]);
      const after = await runs();
      expect(after.length, `day ${day}`).toBe(before + 1);
      expect(after.at(-1)?.at).toBe(START + day * DAY);
    }
    const audited = await db().selectFrom("audit_log").select("at").where("action", "=", "retention.run").execute();
    expect(audited).toHaveLength((await runs()).length);
  });
});
