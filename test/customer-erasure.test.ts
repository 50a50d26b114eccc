/**
 * Erasure on request (PIPL) reaches every personal text of the customer — survey comments, complaint
 * descriptions, replies and reasons, chat conversations and their transcripts — while the facts stay; a merge of
 * two records moves the complaints, survey answers and chat conversations to the surviving record.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

describe.each(DB_KINDS)("erasure and merge reach complaints, surveys and chats on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const db = () => t.server.ctx.store.db;
  const as = async (user: string, method: string, url: string, body?: unknown) =>
    t.request({ method, url, cookie: await t.login(user), body });

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A customer attached to a walk-in ticket by the lobby manager; answers the customer id and the ticket. */
  const customerWithTicket = async (phone: string, name: string) => {
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    const res = await as("lobby", "POST", `/api/tickets/${ticket.id}/customer`, { phone, name });
    expect(res.statusCode, res.body).toBe(200);
    return { customerId: res.json().customerId as string, ticketId: ticket.id };
  };

  /** A survey answer of a visit (as the phone survey stores it). */
  const insertSurvey = (
    id: string,
    ticketId: string,
    customerId: string,
    answer: { csat: "satisfied" | "neutral" | "dissatisfied"; nps: number; comment: string | null },
  ) =>
    t.server.ctx.store.write((tx) =>
      tx
        .insertInto("surveys")
        .values({
          id,
          ticket_id: ticketId,
          branch_id: t.branchId,
          customer_id: customerId,
          token_hash: null,
          channel: "sms",
          sent_at: t.clock.now,
          csat_source: "survey",
          answered_at: t.clock.now,
          complaint_id: null,
          created_at: t.clock.now,
          ...answer,
        })
        .execute(),
    );

  /** A chat in which the customer wrote personal data and then identified by phone and one-time code. */
  const identifiedChat = async (phone: string, text: string) => {
    const started = await t.request({ method: "POST", url: "/api/public/chat", body: { language: "zh" } });
    expect(started.statusCode).toBe(201);
    const c = started.json() as { conversationId: string; token: string };
    const said = await t.request({
      method: "POST",
      url: `/api/public/chat/${c.conversationId}/messages`,
      token: c.token,
      body: { text },
    });
    expect(said.statusCode, said.body).toBe(200);
    expect((await t.request({ method: "POST", url: "/api/public/otp", body: { phone } })).statusCode).toBe(202);
    const sms = await db()
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "otp")
      .where("recipient", "=", `+86${phone}`)
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow();
    const otp = (JSON.parse(sms.data) as { code: string }).code;
    const ok = await t.request({
      method: "POST",
      url: `/api/public/chat/${c.conversationId}/identify`,
      token: c.token,
      body: { phone, otp },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    return c.conversationId;
  };

  it("erases survey comments, complaint texts and chat transcripts; category, severity, dates and outcome stay", async () => {
    const { customerId, ticketId } = await customerWithTicket("13812340001", "王小明");
    // A complaint by staff, extended with a reason, closed with a reply and reopened by staff with a reason.
    const filed = await as("lobby", "POST", "/api/complaints", {
      branchId: t.branchId,
      customerId,
      category: "fees",
      severity: "simple",
      description: "王小明 13812340001 年费被多扣",
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const complaintId = filed.json().id as string;
    const extended = await as("manager", "POST", `/api/complaints/${complaintId}/extend`, {
      reason: "需核实王小明的账户流水",
    });
    expect(extended.statusCode, extended.body).toBe(200);
    const closed = await as("manager", "POST", `/api/complaints/${complaintId}/close`, {
      rootCause: "系统扣费规则错误",
      reply: "王先生您好，已退还多扣年费",
    });
    expect(closed.statusCode, closed.body).toBe(200);
    await insertSurvey("survey-erase-1", ticketId, customerId, {
      csat: "dissatisfied",
      nps: 2,
      comment: "住址 北京市西城区 请回电 13812340001",
    });
    const conversationId = await identifiedChat("13812340001", "我叫王小明，身份证 11010519491231002X");
    const linked = await db()
      .selectFrom("chat_conversations")
      .select("customer_id")
      .where("id", "=", conversationId)
      .executeTakeFirstOrThrow();
    expect(linked.customer_id).toBe(customerId);

    const erase = await as("manager", "POST", `/api/customers/${customerId}/erase`, { reason: "客户申请删除个人信息" });
    expect(erase.statusCode, erase.body).toBe(200);

    const complaint = await db()
      .selectFrom("complaints")
      .selectAll()
      .where("id", "=", complaintId)
      .executeTakeFirstOrThrow();
    expect(complaint).toMatchObject({
      description: "",
      reply: null,
      extension_reason: null,
      category: "fees",
      severity: "simple",
      status: "closed",
      root_cause: "系统扣费规则错误",
    });
    expect(complaint.extended_at).not.toBeNull();
    expect(complaint.closed_at).not.toBeNull();
    const notes = await db()
      .selectFrom("complaint_notes")
      .select(["action", "data"])
      .where("complaint_id", "=", complaintId)
      .execute();
    expect(notes.map((n) => n.action)).toEqual(expect.arrayContaining(["recorded", "extended", "closed"]));
    expect(JSON.stringify(notes)).not.toContain("王小明");
    // The regulator export still counts it, with its facts.
    const csv = await as("manager", "GET", `/api/complaints/export.csv?from=2026-11-01&to=2027-01-01`);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.body).toContain("fees,simple");
    expect(csv.body).toContain("系统扣费规则错误");

    const survey = await db()
      .selectFrom("surveys")
      .selectAll()
      .where("id", "=", "survey-erase-1")
      .executeTakeFirstOrThrow();
    expect(survey).toMatchObject({ comment: null, csat: "dissatisfied", nps: 2 });

    const conversation = await db()
      .selectFrom("chat_conversations")
      .selectAll()
      .where("id", "=", conversationId)
      .executeTakeFirstOrThrow();
    expect(conversation).toMatchObject({ customer_id: null, identified_at: null, flow: null });
    const transcript = await db()
      .selectFrom("chat_messages")
      .select(["author", "text", "data"])
      .where("conversation_id", "=", conversationId)
      .execute();
    expect(transcript.length).toBeGreaterThan(1); // who wrote when stays
    expect(transcript.every((m) => m.text === "" && m.data === null)).toBe(true);
    // Nothing of the person is left in any of these tables.
    const everything = JSON.stringify([
      await db().selectFrom("complaints").selectAll().execute(),
      await db().selectFrom("complaint_notes").selectAll().execute(),
      await db().selectFrom("surveys").selectAll().execute(),
      await db().selectFrom("chat_conversations").selectAll().execute(),
      await db().selectFrom("chat_messages").selectAll().execute(),
      await db().selectFrom("chat_callbacks").selectAll().execute(),
    ]);
    for (const personal of ["13812340001", "王小明", "王先生", "11010519491231002X", "西城区"])
      expect(everything).not.toContain(personal);
  });

  it("a merge moves complaints, survey answers and chat conversations to the surviving record", async () => {
    const source = await customerWithTicket("13812340002", "李四");
    const target = await customerWithTicket("13812340003", "李四");
    const filed = await as("lobby", "POST", "/api/complaints", {
      branchId: t.branchId,
      customerId: source.customerId,
      category: "queue",
      severity: "simple",
      description: "等太久",
    });
    expect(filed.statusCode, filed.body).toBe(201);
    await insertSurvey("survey-merge-1", source.ticketId, source.customerId, {
      csat: "satisfied",
      nps: 9,
      comment: null,
    });
    const conversationId = await identifiedChat("13812340002", "你好");

    const proposed = await as("lobby", "POST", "/api/customer-merges", {
      sourceId: source.customerId,
      targetId: target.customerId,
      reason: "same person, new number",
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const confirmed = await as("manager", "POST", `/api/customer-merges/${proposed.json().id}/confirm`);
    expect(confirmed.statusCode, confirmed.body).toBe(200);

    const owner = async (table: "complaints" | "surveys" | "chat_conversations", id: string) =>
      (await db().selectFrom(table).select("customer_id").where("id", "=", id).executeTakeFirstOrThrow()).customer_id;
    expect(await owner("complaints", filed.json().id)).toBe(target.customerId);
    expect(await owner("surveys", "survey-merge-1")).toBe(target.customerId);
    expect(await owner("chat_conversations", conversationId)).toBe(target.customerId);
    // The surviving record's profile shows the complaint.
    const profile = (await as("teller1", "GET", `/api/customers/${target.customerId}`)).json();
    expect(profile.complaints.map((c: { id: string }) => c.id)).toContain(filed.json().id);
  });
  it("retention clears follow-up notes, complaint texts and survey comments past their periods; dry run lists them", async () => {
    const { customerId, ticketId } = await customerWithTicket("13812340004", "赵六");
    // A follow-up closed today with a note (as recordFollowupOutcome leaves it), and one still open.
    const followup = (id: string, ticket: string, status: "open" | "closed") => ({
      id,
      branch_id: t.branchId,
      customer_id: customerId,
      ticket_id: ticket,
      service_id: ids.services.get("CASH") as string,
      purpose: "service" as const,
      status,
      assignee_id: null,
      assigned_by: null,
      assigned_via: null,
      due_at: t.clock.now,
      reminded_at: null,
      escalated_at: null,
      contacted_at: t.clock.now,
      outcome: status === "closed" ? "done" : null,
      note: "赵六说下月再来，住在西城区",
      attempts: 0,
      appointment_id: null,
      closed_at: status === "closed" ? t.clock.now : null,
      closed_by: null,
      version: 0,
      created_at: t.clock.now,
      updated_at: t.clock.now,
    });
    const other = await customerWithTicket("13812340005", "赵七");
    await t.server.ctx.store.write(async (tx) => {
      await tx
        .insertInto("followups")
        .values(followup("fu-closed", ticketId, "closed"))
        .execute();
      await tx
        .insertInto("followups")
        .values(followup("fu-open", other.ticketId, "open"))
        .execute();
    });
    const filed = await as("lobby", "POST", "/api/complaints", {
      branchId: t.branchId,
      customerId,
      category: "attitude",
      severity: "simple",
      description: "赵六投诉柜员态度",
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const closed = await as("manager", "POST", `/api/complaints/${filed.json().id}/close`, {
      rootCause: "沟通不当",
      reply: "赵女士您好，已批评教育",
    });
    expect(closed.statusCode, closed.body).toBe(200);
    await insertSurvey("survey-retention-1", ticketId, customerId, {
      csat: "neutral",
      nps: 7,
      comment: "赵六：等了很久",
    });
    const set = await as("admin", "PUT", "/api/retention", {
      days: { complaints: 30, survey_texts: 30, followup_notes: 30 },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().classes.find((c: { dataClass: string }) => c.dataClass === "followup_notes")).toMatchObject({
      days: 30,
      defaultDays: 365,
    });

    t.clock.advance(31 * 86_400_000);
    const login = await t.server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username: "admin", password: "test-password-1" },
    });
    const admin = `datang_session=${login.cookies.find((c) => c.name === "datang_session")?.value}`;
    const call = (method: string, url: string) =>
      t.request({ method, url, cookie: admin }).then((r) => {
        expect(r.statusCode, r.body).toBe(200);
        return r.json() as { items: Array<{ dataClass: string; available: boolean; rows: Record<string, number> }> };
      });
    const rowsOf = (plan: Awaited<ReturnType<typeof call>>, c: string) => plan.items.find((i) => i.dataClass === c);
    const dry = await call("GET", "/api/retention/dry-run");
    expect(rowsOf(dry, "followup_notes")).toMatchObject({ available: true, rows: { followups: 1 } });
    expect(rowsOf(dry, "complaints")).toMatchObject({ available: true, rows: { complaints: 1 } });
    expect(rowsOf(dry, "survey_texts")).toMatchObject({ available: true, rows: { surveys: 1 } });
    // The dry run wrote nothing.
    const note = async (id: string) =>
      (await db().selectFrom("followups").select(["note", "outcome"]).where("id", "=", id).executeTakeFirstOrThrow())
        .note;
    expect(await note("fu-closed")).toBe("赵六说下月再来，住在西城区");

    const run = await call("POST", "/api/retention/run");
    expect(rowsOf(run, "followup_notes")?.rows).toEqual({ followups: 1 });
    expect(await note("fu-closed")).toBeNull();
    // The open follow-up's note is still being worked on: it stays.
    expect(await note("fu-open")).toBe("赵六说下月再来，住在西城区");
    const outcome = await db()
      .selectFrom("followups")
      .select("outcome")
      .where("id", "=", "fu-closed")
      .executeTakeFirstOrThrow();
    expect(outcome.outcome).toBe("done");
    const complaint = await db()
      .selectFrom("complaints")
      .selectAll()
      .where("id", "=", filed.json().id)
      .executeTakeFirstOrThrow();
    expect(complaint).toMatchObject({ description: "", reply: null, category: "attitude", root_cause: "沟通不当" });
    const survey = await db()
      .selectFrom("surveys")
      .selectAll()
      .where("id", "=", "survey-retention-1")
      .executeTakeFirstOrThrow();
    expect(survey).toMatchObject({ comment: null, nps: 7, csat: "neutral" });
    const again = await call("GET", "/api/retention/dry-run");
    expect(rowsOf(again, "followup_notes")?.rows).toEqual({ followups: 0 });
    expect(rowsOf(again, "complaints")?.rows).toEqual({ complaints: 0 });
  });
});
