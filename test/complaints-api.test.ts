import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { complaintCalendar, sweepComplaintClocks } from "../src/app/complaints/complaints.ts";
import { findOrCreateCustomer } from "../src/app/customers/identify.ts";
import { reminderAt } from "../src/domain/complaints/clock.ts";
import { DB_KINDS } from "./support/databases.ts";
import {
  closeOnSundays,
  demoIds,
  issueAtKiosk,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
} from "./support/harness.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe.each(DB_KINDS)("complaints and surveys API on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let teller1: string;
  let lobby: string;
  let manager: string;
  const counter = (n: number) => ids.counters.get(n) as string;
  const svc = (code: string) => ids.services.get(code) as string;
  const post = (url: string, cookie: string | undefined, body: unknown = {}) =>
    t.request({ method: "POST", url, ...(cookie ? { cookie } : {}), body });
  const get = (url: string, cookie?: string) => t.request({ method: "GET", url, ...(cookie ? { cookie } : {}) });
  const db = () => t.server.ctx.store.db;
  const userId = async (username: string) =>
    (await db().selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow()).id;

  /**
   * A customer with (or without) consent to service messages, linked to a ticket the way a visit links to a
   * customer today: the appointment that brought it (appointments.ticket_id).
   */
  const customerFor = async (ticketId: string, phone: string, consent: boolean) => {
    const ctx = t.server.ctx;
    return ctx.store.write(async (tx) => {
      const c = await findOrCreateCustomer(tx, ctx, {
        phone,
        name: "张三",
        consents: [{ purpose: "service", granted: consent, channel: "staff", textVersion: "v1" }],
      });
      const now = ctx.clock();
      const ticket = await tx.selectFrom("tickets").selectAll().where("id", "=", ticketId).executeTakeFirstOrThrow();
      await tx
        .insertInto("appointments")
        .values({
          id: ctx.newId(),
          branch_id: t.branchId,
          service_id: ticket.service_id,
          customer_id: c.id,
          customer_name: "张三",
          customer_phone: c.phone,
          customer_email: null,
          lang: "zh-CN",
          day: ticket.day,
          start_at: now,
          end_at: now + 15 * 60_000,
          status: "checked_in",
          code: `T${ticketId.slice(-6)}`,
          manage_token_hash: `h-${ticketId}`,
          answers: "{}",
          channel: "staff",
          created_by: null,
          manager_user_id: null,
          ticket_id: ticketId,
          cancel_reason: null,
          checked_in_at: now,
          version: 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return c.id;
    });
  };
  /** Serves a CASH ticket at counter 1 by teller1; `before` runs after the call (to link a customer). */
  const serveCash = async (before?: (ticketId: string) => Promise<unknown>) => {
    const ticket = await issueAtKiosk(t, svc("CASH"));
    expect((await post(`/api/counters/${counter(1)}/call`, teller1, { ticketId: ticket.id })).statusCode).toBe(200);
    await before?.(ticket.id);
    await post(`/api/tickets/${ticket.id}/start`, teller1);
    const done = await post(`/api/tickets/${ticket.id}/complete`, teller1, {});
    expect(done.statusCode, done.body).toBe(200);
    return ticket;
  };
  const surveyMessages = (ticketId: string) =>
    db()
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "survey.invite")
      .where("related_id", "=", ticketId)
      .execute();
  const tokenOf = async (ticketId: string) => {
    const [m] = await surveyMessages(ticketId);
    const path = JSON.parse(m?.data ?? "{}").surveyPath as string;
    return path.replace("/survey/", "");
  };

  /** New sessions: the clock jumps days ahead in these tests, past a cached session's lifetime. */
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
  const relogin = async () => {
    teller1 = await fresh("teller1");
    lobby = await fresh("lobby");
    manager = await fresh("manager");
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    // Deadlines past a closed day: the branch closes on Sundays in these tests (the demo opens Sunday afternoons).
    await closeOnSundays(t);
    ids = await demoIds(t);
    teller1 = await t.login("teller1");
    lobby = await t.login("lobby");
    manager = await t.login("manager");
    expect((await post(`/api/counters/${counter(1)}/sign-in`, teller1)).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("records a complaint: 201 {id, status, dueAt} with the simple case's 15 days on the branch's calendar", async () => {
    const ticket = await serveCash();
    const res = await post("/api/complaints", lobby, {
      branchId: t.branchId,
      ticketId: ticket.id,
      category: "service_attitude",
      severity: "simple",
      description: "柜员态度不好",
    });
    expect(res.statusCode, res.body).toBe(201);
    // Received Monday 2026-11-23 in Shanghai: decided by the close of business (17:00) on 2026-12-08, Shanghai time.
    expect(res.json()).toMatchObject({ id: expect.any(String), status: "open", dueAt: "2026-12-08T09:00:00.000Z" });
    const complex = await post("/api/complaints", lobby, {
      branchId: t.branchId,
      category: "fees",
      severity: "complex",
      description: "年费争议",
    });
    expect(complex.json().dueAt).toBe("2026-12-23T09:00:00.000Z");
    // The visit's timeline names the complaint.
    const detail = await get(`/api/complaints/${res.json().id}`, lobby);
    expect(detail.statusCode).toBe(200);
    expect(detail.json().visit.map((v: { action: string }) => v.action)).toEqual([
      "issue",
      "call",
      "start",
      "complete",
      "complaint",
    ]);
    // Bad input changes nothing: 400.
    const before = await db().selectFrom("complaints").select("id").execute();
    for (const body of [
      { branchId: t.branchId, category: "x", severity: "medium", description: "d" },
      { branchId: t.branchId, category: "x", severity: "simple", description: "   " },
      { branchId: t.branchId, category: "x", severity: "simple" },
      { branchId: t.branchId, ticketId: "nope", category: "x", severity: "simple", description: "d" },
    ])
      expect((await post("/api/complaints", lobby, body)).statusCode).toBe(400);
    expect(await db().selectFrom("complaints").select("id").execute()).toHaveLength(before.length);
    // Staff of another role or no session: 403 / 401.
    expect((await post("/api/complaints", await t.login("auditor"), { ...complexBody() })).statusCode).toBe(403);
    expect((await post("/api/complaints", undefined, complexBody())).statusCode).toBe(401);
  });
  const complexBody = () => ({ branchId: t.branchId, category: "fees", severity: "complex", description: "d" });

  it("refuses an owner who served the linked visit (409), accepts another", async () => {
    const ticket = await serveCash();
    const created = await post("/api/complaints", lobby, {
      branchId: t.branchId,
      ticketId: ticket.id,
      category: "wait_time",
      severity: "simple",
      description: "等太久",
    });
    const id = created.json().id as string;
    const conflict = await post(`/api/complaints/${id}/assign`, manager, { userId: await userId("teller1") });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ error: "conflict", details: { reason: "served_visit" } });
    expect((await get(`/api/complaints/${id}`, lobby)).json().ownerId).toBeNull();
    const ok = await post(`/api/complaints/${id}/assign`, manager, { userId: await userId("teller2") });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().ownerId).toBe(await userId("teller2"));
    // A teller may not assign.
    expect((await post(`/api/complaints/${id}/assign`, teller1, { userId: await userId("teller3") })).statusCode).toBe(
      403,
    );
  });

  it("closes only with a root cause (400), sends the reply with the complainant's options, and lets them reopen", async () => {
    const ticket = await serveCash((id) => customerFor(id, "13800138001", false));
    const created = await post("/api/complaints", lobby, {
      branchId: t.branchId,
      ticketId: ticket.id,
      category: "service_attitude",
      severity: "simple",
      description: "服务不耐心",
    });
    const id = created.json().id as string;
    const noCause = await post(`/api/complaints/${id}/close`, lobby, { reply: "已致歉" });
    expect(noCause.statusCode).toBe(400);
    expect(noCause.json().error).toBe("invalid_request");
    expect((await post(`/api/complaints/${id}/close`, lobby, { rootCause: "  ", reply: "已致歉" })).statusCode).toBe(
      400,
    );
    expect((await get(`/api/complaints/${id}`, lobby)).json().status).toBe("open");
    const closed = await post(`/api/complaints/${id}/close`, lobby, {
      rootCause: "高峰期柜员连续工作未休息",
      reply: "已向您致歉并调整排班",
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: "closed", complainantNotified: true });
    const [message] = await db()
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "complaint.closed")
      .where("related_id", "=", id)
      .execute();
    const data = JSON.parse(message?.data ?? "{}");
    expect(message?.recipient).toBe("+8613800138001");
    expect(data.reply).toContain("12378");
    const token = (data.reopenPath as string).replace("/complaint/", "");
    expect(Buffer.from(token, "base64url").length * 8).toBeGreaterThanOrEqual(128);
    // Closing again: 409.
    expect((await post(`/api/complaints/${id}/close`, lobby, { rootCause: "x", reply: "y" })).statusCode).toBe(409);
    // The complainant reopens from the link: a new clock.
    t.clock.advance(2 * DAY);
    await relogin();
    const reopened = await post("/api/public/complaints/reopen", undefined, { token, reason: "问题没有解决" });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect(reopened.json()).toMatchObject({ status: "open", dueAt: "2026-12-10T09:00:00.000Z" });
    // The link served once.
    expect((await post("/api/public/complaints/reopen", undefined, { token, reason: "again" })).statusCode).toBe(404);
    const detail = (await get(`/api/complaints/${id}`, lobby)).json();
    expect(detail.reopenCount).toBe(1);
    expect(detail.notes.map((n: { action: string }) => n.action)).toEqual(["recorded", "closed", "reopened"]);
  });

  beforeEach(async () => {
    await relogin();
  });

  it("extends once with the branch manager's approval and tells the complainant through the outbox", async () => {
    const ticket = await serveCash((id) => customerFor(id, "13800138002", true));
    const created = await post("/api/complaints", lobby, {
      branchId: t.branchId,
      ticketId: ticket.id,
      category: "product",
      severity: "complex",
      description: "理财产品收益争议",
    });
    const id = created.json().id as string;
    const due = created.json().dueAt as string;
    expect((await post(`/api/complaints/${id}/extend`, lobby, { reason: "需调取录音录像" })).statusCode).toBe(403);
    const extended = await post(`/api/complaints/${id}/extend`, manager, { reason: "需调取录音录像" });
    expect(extended.statusCode, extended.body).toBe(200);
    expect(extended.json()).toMatchObject({ extended: true, complainantNotified: true });
    // 30 days from the deadline's day, to its close of business; the branch closes on Sundays here, so a 30th day
    // that is a Sunday ends on the Monday.
    const dueLocal = (iso: string) =>
      new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", weekday: "short" }).format(Date.parse(iso));
    const moved = dueLocal(new Date(Date.parse(due) + 30 * DAY).toISOString()) === "Sun" ? DAY : 0;
    expect(Date.parse(extended.json().dueAt) - Date.parse(due)).toBe(30 * DAY + moved);
    const notices = await db()
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "complaint.extended")
      .where("related_id", "=", id)
      .execute();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.recipient).toBe("+8613800138002");
    expect((await post(`/api/complaints/${id}/extend`, manager, { reason: "again" })).statusCode).toBe(409);
  });

  it("reminds before the deadline and escalates after it, only inside the branch's working hours", async () => {
    const created = await post("/api/complaints", lobby, {
      branchId: t.branchId,
      category: "wait_time",
      severity: "simple",
      description: "clock",
    });
    const id = created.json().id as string;
    const due = Date.parse(created.json().dueAt);
    const row = () => db().selectFrom("complaints").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    // Other open complaints of this file have their own clocks: count only this one's changes.
    const sweep = async () => {
      await sweepComplaintClocks(t.server.ctx);
      const r = await row();
      return { reminded: r.reminded_at !== null, escalated: r.escalated_at !== null };
    };
    expect(await sweep()).toEqual({ reminded: false, escalated: false });
    // The reminder is due at the opening of the third day the branch opens before the deadline's day; the evening
    // before it (closed), nothing yet.
    const remindAt = reminderAt(due, await complaintCalendar(db(), t.branchId, t.clock.now));
    t.clock.now = remindAt - 11 * HOUR; // 22:00 local the day before
    expect(await sweep()).toEqual({ reminded: false, escalated: false });
    // That morning inside opening hours: the reminder.
    t.clock.now = remindAt + HOUR; // 10:00 local
    expect(await sweep()).toEqual({ reminded: true, escalated: false });
    // Past the deadline (the close of business) in the evening: no escalation until working hours.
    t.clock.now = due + 1;
    expect((await sweep()).escalated).toBe(false);
    t.clock.now = due + 17 * HOUR; // 10:00 local the next day
    const wd = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", weekday: "short" }).format(t.clock.now);
    if (wd === "Sun") t.clock.now += DAY;
    expect(await sweep()).toEqual({ reminded: true, escalated: true });
    await relogin();
    const detail = (await get(`/api/complaints/${id}`, lobby)).json();
    expect(detail.overdue).toBe(true);
    expect(detail.notes.map((n: { action: string }) => n.action)).toEqual(["recorded", "reminded", "escalated"]);
  });

  it("sends a survey after service when the customer consented, at most once per 30 days", async () => {
    const first = await serveCash((id) => customerFor(id, "13800138010", true));
    expect(await surveyMessages(first.id)).toHaveLength(1);
    const token = await tokenOf(first.id);
    expect(Buffer.from(token, "base64url").length * 8).toBeGreaterThanOrEqual(128);
    // The same customer again within 30 days: no second survey.
    t.clock.advance(10 * DAY);
    await relogin();
    const second = await serveCash((id) => customerFor(id, "13800138010", true));
    expect(await surveyMessages(second.id)).toHaveLength(0);
    // After 30 days: a survey again.
    t.clock.advance(21 * DAY);
    await relogin();
    const third = await serveCash((id) => customerFor(id, "13800138010", true));
    expect(await surveyMessages(third.id)).toHaveLength(1);
    // No consent, or no customer: none.
    const refused = await serveCash((id) => customerFor(id, "13800138011", false));
    expect(await surveyMessages(refused.id)).toHaveLength(0);
    const walkIn = await serveCash();
    expect(await surveyMessages(walkIn.id)).toHaveLength(0);
  });

  it("sends a survey after a walk-in ticket to which staff attached a consenting customer (ticket_customers)", async () => {
    const ctx = t.server.ctx;
    const customerId = await ctx.store.write(async (tx) => {
      const c = await findOrCreateCustomer(tx, ctx, {
        phone: "13800138040",
        name: "赵六",
        consents: [{ purpose: "service", granted: true, channel: "staff", textVersion: "v1" }],
      });
      return c.id;
    });
    t.clock.advance(31 * DAY); // past any earlier survey's 30 days
    await relogin();
    const ticket = await serveCash(async (id) => {
      const res = await post(`/api/tickets/${id}/customer`, lobby, { customerId });
      expect(res.statusCode, res.body).toBe(200);
    });
    // Not through an appointment: only the staff's link names the customer.
    expect(await db().selectFrom("appointments").select("id").where("ticket_id", "=", ticket.id).execute()).toEqual([]);
    const [invite] = await surveyMessages(ticket.id);
    expect(invite).toMatchObject({ channel: "sms", recipient: "+8613800138040", customer_id: customerId });
    const survey = await db()
      .selectFrom("surveys")
      .selectAll()
      .where("ticket_id", "=", ticket.id)
      .executeTakeFirstOrThrow();
    expect(survey.customer_id).toBe(customerId);
  });

  it("survey → complaint: NPS ≤ 6 opens one by itself; the pad's answer joins the same record", async () => {
    const ticket = await serveCash((id) => customerFor(id, "13800138020", true));
    // The counter's rating pad: 一般 (neutral), no complaint.
    const pad = await t.request({
      method: "POST",
      url: `/api/tickets/${ticket.id}/rating`,
      token: t.deviceToken("rating_pad"),
      body: { rating: "neutral" },
    });
    expect(pad.statusCode, pad.body).toBe(200);
    const token = await tokenOf(ticket.id);
    const page = await get(`/api/public/surveys/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ number: ticket.number, csat: "neutral", csatFromPad: true, answered: false });
    expect(JSON.stringify(page.json())).not.toContain("13800138020");
    expect((await post(`/api/public/surveys/${token}`, undefined, { nps: 11 })).statusCode).toBe(400);
    const answered = await post(`/api/public/surveys/${token}`, undefined, { nps: 5, comment: "排队太久" });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toEqual({ answered: true, complaintOpened: true });
    expect((await post(`/api/public/surveys/${token}`, undefined, { nps: 9 })).statusCode).toBe(409);
    const survey = await db()
      .selectFrom("surveys")
      .selectAll()
      .where("ticket_id", "=", ticket.id)
      .executeTakeFirstOrThrow();
    expect(survey).toMatchObject({ csat: "neutral", csat_source: "rating_pad", nps: 5, comment: "排队太久" });
    const complaint = await db()
      .selectFrom("complaints")
      .selectAll()
      .where("id", "=", survey.complaint_id as string)
      .executeTakeFirstOrThrow();
    expect(complaint).toMatchObject({ source: "survey", ticket_id: ticket.id, status: "open" });
    expect((await get("/api/public/surveys/not-a-real-token-at-all-123")).statusCode).toBe(404);
  });

  it("the pad's 不满意 opens a complaint at once; a satisfied survey opens none", async () => {
    const ticket = await serveCash();
    const pad = await t.request({
      method: "POST",
      url: `/api/tickets/${ticket.id}/rating`,
      token: t.deviceToken("rating_pad"),
      body: { rating: "dissatisfied", comment: "态度差" },
    });
    expect(pad.statusCode).toBe(200);
    const complaints = await db().selectFrom("complaints").selectAll().where("ticket_id", "=", ticket.id).execute();
    expect(complaints).toHaveLength(1);
    expect(complaints[0]).toMatchObject({ source: "rating_pad", severity: "simple" });

    const happy = await serveCash((id) => customerFor(id, "13800138030", true));
    const token = await tokenOf(happy.id);
    const res = await post(`/api/public/surveys/${token}`, undefined, { csat: "satisfied", nps: 9 });
    expect(res.json()).toEqual({ answered: true, complaintOpened: false });
    expect(await db().selectFrom("complaints").selectAll().where("ticket_id", "=", happy.id).execute()).toHaveLength(0);
  });

  it("lists the desk's complaints with clocks and exports a period as CSV for the regulator", async () => {
    const list = await get(`/api/branches/${t.branchId}/complaints?status=open`, lobby);
    expect(list.statusCode).toBe(200);
    const items = list.json().items as Array<{ dueAt: string; daysLeft: number; status: string }>;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.status === "open")).toBe(true);
    expect([...items].sort((a, b) => a.dueAt.localeCompare(b.dueAt))).toEqual(items);
    const csv = await get(
      `/api/complaints/export.csv?from=2026-11-01T00:00:00Z&to=2027-03-01T00:00:00Z&branchId=${t.branchId}`,
      manager,
    );
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    const lines = csv.body
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(
      "reference,branch,received,source,category,severity,statutory_days,extended,due,status,closed,days_to_close,within_deadline,root_cause,reopened,last_reopened",
    );
    const total = await db().selectFrom("complaints").select("id").execute();
    expect(lines.length - 1).toBe(total.length);
    expect(csv.body).not.toContain("13800138");
    expect(csv.body).toContain(",complex,60,yes,");
    // An empty period: the header only. A lobby manager may not export.
    const empty = await get(`/api/complaints/export.csv?from=2020-01-01&to=2020-02-01&branchId=${t.branchId}`, manager);
    expect(
      empty.body
        .replace(/^\uFEFF/, "")
        .trim()
        .split("\r\n"),
    ).toHaveLength(1);
    expect((await get(`/api/complaints/export.csv?from=2026-11-01&to=2026-12-01`, lobby)).statusCode).toBe(403);
    expect((await get(`/api/complaints/export.csv?from=2026-12-01&to=2026-11-01`, manager)).statusCode).toBe(400);
  });

  it("exports a root cause that starts like a spreadsheet formula as text, not a formula", async () => {
    const created = await post("/api/complaints", lobby, {
      branchId: t.branchId,
      category: "fees",
      severity: "simple",
      description: "公式注入",
    });
    expect(created.statusCode, created.body).toBe(201);
    const rootCause = '=HYPERLINK("http://evil.example/x","详情")';
    const closed = await post(`/api/complaints/${created.json().id}/close`, lobby, { rootCause, reply: "已处理" });
    expect(closed.statusCode, closed.body).toBe(200);
    const csv = await get(
      `/api/complaints/export.csv?from=2026-11-01T00:00:00Z&to=2027-03-01T00:00:00Z&branchId=${t.branchId}`,
      manager,
    );
    expect(csv.statusCode, csv.body).toBe(200);
    const line = csv.body.split("\r\n").find((l) => l.startsWith(`${created.json().reference},`));
    // The field is quoted (it holds quotes and a comma) and begins with an apostrophe: a spreadsheet shows the text.
    expect(line).toContain(`,"'=HYPERLINK(""http://evil.example/x"",""详情"")",`);
    expect(csv.body).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it("takes a category as a stable code with digits and hyphens (a bank's own, e.g. JR/T 0169's); refuses others", async () => {
    const file = (category: string, headers?: Record<string, string>) =>
      t.request({
        method: "POST",
        url: "/api/complaints",
        cookie: lobby,
        body: { branchId: t.branchId, category, severity: "simple", description: "分类编码" },
        ...(headers && { headers }),
      });
    const made: string[] = [];
    for (const category of ["b03", "c01-service", "jrt0169_b0301", "99"]) {
      const res = await file(category);
      expect(res.statusCode, `${category}: ${res.body}`).toBe(201);
      const detail = await get(`/api/complaints/${res.json().id}`, lobby);
      expect(detail.json().category).toBe(category);
      made.push(res.json().reference as string);
    }
    const csv = await get(
      `/api/complaints/export.csv?from=2026-11-01T00:00:00Z&to=2027-03-01T00:00:00Z&branchId=${t.branchId}`,
      manager,
    );
    const rows = csv.body.split("\r\n").filter((line) => made.some((reference) => line.startsWith(`${reference},`)));
    expect(rows.map((line) => line.split(",")[4])).toEqual(["b03", "c01-service", "jrt0169_b0301", "99"]);

    const before = await db().selectFrom("complaints").select("id").execute();
    // Upper case (one code, one spelling), a leading hyphen (a spreadsheet formula), dots, spaces, Chinese, empty.
    for (const category of ["B03", "-fees", "=1+1", "b.03", "b 03", "费用", ""]) {
      const res = await file(category);
      expect(res.statusCode, category).toBe(400);
      expect(res.json().error).toBe("invalid_request");
    }
    const zh = await file("-fees", { "accept-language": "zh-CN" });
    expect(zh.json().message).toContain("小写字母、数字、下划线或连字符（不以连字符开头）");
    expect(await db().selectFrom("complaints").select("id").execute()).toHaveLength(before.length);
  });
});
