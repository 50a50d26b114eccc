import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

const DAY = 86_400_000;

describe.each(DB_KINDS)("online complaints and feedback settings on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let teller: string;
  let lobby: string;
  let manager: string;
  const db = () => t.server.ctx.store.db;
  const post = (url: string, body: unknown, cookie?: string) =>
    t.request({ method: "POST", url, body, ...(cookie ? { cookie } : {}) });
  const put = (url: string, body: unknown, cookie?: string) =>
    t.request({ method: "PUT", url, body, ...(cookie ? { cookie } : {}) });
  const get = (url: string, cookie?: string) => t.request({ method: "GET", url, ...(cookie ? { cookie } : {}) });
  /** Asks for a one-time code and reads it from the SMS in the outbox (a minute after the last: the code limit). */
  const codeFor = async (phone: string) => {
    t.clock.advance(61_000);
    const res = await post("/api/public/otp", { phone });
    expect(res.statusCode, res.body).toBe(202);
    const sms = await db()
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "otp")
      .orderBy("created_at", "desc")
      .executeTakeFirstOrThrow();
    return (JSON.parse(sms.data) as { code: string }).code;
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
    teller = await fresh("teller1");
    lobby = await fresh("lobby");
    manager = await fresh("manager");
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    await relogin();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("files a complaint online with a proven phone: the statutory clock, the visit linked, a link to follow it", async () => {
    // A visit to complain about: ticket served today.
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    const day = (await db().selectFrom("tickets").select("day").where("id", "=", ticket.id).executeTakeFirstOrThrow())
      .day;
    const body = {
      branchId: t.branchId,
      category: "wait_time",
      description: "排队一个多小时 waited over an hour",
      phone: "139 0000 1111",
      ticketNumber: ticket.number,
      visitDate: day,
    };
    // Without a code, or a wrong one: refused, nothing recorded.
    expect((await post("/api/public/complaints", body)).statusCode).toBe(400);
    const code = await codeFor("13900001111");
    const wrong = code === "000000" ? "111111" : "000000";
    const refused = await post("/api/public/complaints", { ...body, otp: wrong });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toBe("otp_invalid");
    expect(await db().selectFrom("complaints").selectAll().execute()).toHaveLength(0);

    const filed = await post("/api/public/complaints", { ...body, otp: code });
    expect(filed.statusCode, filed.body).toBe(201);
    const out = filed.json();
    expect(out).toMatchObject({ status: "open", visitLinked: true, reference: expect.stringMatching(/^[0-9A-F]{8}$/) });
    const row = await db().selectFrom("complaints").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source: "online", ticket_id: ticket.id, severity: "simple", status: "open" });
    // The same clock as a complaint recorded by staff: 15 days of a simple case.
    const days = (Date.parse(out.dueAt) - Number(row.received_at)) / DAY;
    expect(days).toBeGreaterThan(14);
    expect(days).toBeLessThanOrEqual(16);
    const customer = await db()
      .selectFrom("customers")
      .select(["id", "phone_e164"])
      .where("id", "=", row.customer_id as string)
      .executeTakeFirstOrThrow();
    expect(customer.phone_e164).toBe("+8613900001111");
    // The code is used up.
    expect((await post("/api/public/complaints", { ...body, otp: code })).statusCode).toBe(400);
    // It shows on the desk and in the visit's timeline.
    const desk = (await get(`/api/branches/${t.branchId}/complaints`, lobby)).json().items;
    expect(desk.map((c: { id: string }) => c.id)).toContain(row.id);
    const history = await db()
      .selectFrom("ticket_transitions")
      .select("action")
      .where("ticket_id", "=", ticket.id)
      .execute();
    expect(history.map((h) => h.action)).toContain("complaint");

    // The complainant's link: status, no personal data; no reopening while open.
    const token = out.statusPath.replace("/complaint/", "");
    const status = await get(`/api/public/complaints/${token}`);
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({
      reference: out.reference,
      status: "open",
      dueAt: out.dueAt,
      reply: null,
      mayReopen: false,
    });
    expect(status.body).not.toMatch(/13900001111|排队/);
    expect((await post("/api/public/complaints/reopen", { token, reason: "还没处理" })).statusCode).toBe(409);
    expect((await get("/api/public/complaints/not-a-real-token-0123456789")).statusCode).toBe(404);

    // The desk closes it; the link shows the reply and the options; the complainant reopens with the same link.
    const closed = await post(
      `/api/complaints/${row.id}/close`,
      { rootCause: "午间窗口不足", reply: "已增开午间窗口" },
      lobby,
    );
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().complainantNotified).toBe(true);
    const after = (await get(`/api/public/complaints/${token}`)).json();
    expect(after).toMatchObject({ status: "closed", reply: "已增开午间窗口", mayReopen: true });
    expect(after.furtherOptions.zh).toContain("12378");
    const reopened = await post("/api/public/complaints/reopen", { token, reason: "仍然排队很久" });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect((await get(`/api/public/complaints/${token}`)).json()).toMatchObject({ status: "open", reopenCount: 1 });
  });

  it("keeps a ticket number that names no visit in the text; needs both number and day or neither", async () => {
    const code = await codeFor("13900002222");
    const base = { branchId: t.branchId, category: "other", description: "柜台无人", phone: "13900002222", otp: code };
    expect((await post("/api/public/complaints", { ...base, ticketNumber: "A001" })).statusCode).toBe(400);
    const res = await post("/api/public/complaints", { ...base, ticketNumber: "Z999", visitDate: "2026-01-05" });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().visitLinked).toBe(false);
    const row = await db()
      .selectFrom("complaints")
      .selectAll()
      .where("description", "like", "柜台无人%")
      .executeTakeFirstOrThrow();
    expect(row.ticket_id).toBeNull();
    expect(row.description).toContain("Z999");
    expect((await post("/api/public/complaints", { ...base, category: "nonsense" })).statusCode).toBe(400);
  });

  it("limits filing: 3 a day per phone (429), then again the next day", async () => {
    const phone = "13900003333";
    const file = async () =>
      post("/api/public/complaints", {
        branchId: t.branchId,
        category: "fees",
        description: "收费不透明",
        phone,
        otp: await codeFor(phone),
      });
    for (let i = 0; i < 3; i++) expect((await file()).statusCode).toBe(201);
    const fourth = await file();
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json()).toMatchObject({ error: "rate_limited", details: { retryAfterSeconds: expect.any(Number) } });
    t.clock.advance(DAY);
    await relogin();
    expect((await file()).statusCode).toBe(201);
  });

  it("keeps survey and review settings per branch: role checks, audit, and the survey obeys them", async () => {
    const url = `/api/branches/${t.branchId}/feedback-settings`;
    const initial = await get(url, manager);
    expect(initial.statusCode, initial.body).toBe(200);
    expect(initial.json()).toMatchObject({
      survey: { enabled: true, intervalDays: 30, defaultIntervalDays: 30, channel: "preferred" },
      review: { targetMinutes: 10, central: true },
    });
    expect((await get(url, teller)).statusCode).toBe(403);
    expect((await put(url, { survey: { enabled: false } }, teller)).statusCode).toBe(403);
    expect((await put(url, { review: { targetMinutes: 30, alarmMinutes: 20 } }, manager)).statusCode).toBe(400);
    const changed = await put(
      url,
      { survey: { enabled: false, intervalDays: 7, channel: "sms" }, review: { targetMinutes: 12, alarmMinutes: 40 } },
      manager,
    );
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      survey: { enabled: false, intervalDays: 7, channel: "sms" },
      review: { targetMinutes: 12, alarmMinutes: 40, central: true },
    });
    const audited = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "branch.feedback_settings")
      .execute();
    expect(audited).toHaveLength(1);

    // Surveys off: a consenting customer's visit gets none. On again: one, by SMS.
    const serveFor = async (phone: string) => {
      const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
      const attached = await post(`/api/tickets/${ticket.id}/customer`, { phone, name: "钱七" }, lobby);
      expect(attached.statusCode, attached.body).toBe(200);
      await db()
        .insertInto("customer_consents")
        .values({
          customer_id: attached.json().customerId,
          purpose: "service",
          granted: 1,
          channel: "staff",
          text_version: "v1",
          at: t.clock.now,
        })
        .execute();
      const c1 = ids.counters.get(1) as string;
      await post(`/api/counters/${c1}/sign-in`, {}, teller);
      expect((await post(`/api/counters/${c1}/call`, { ticketId: ticket.id }, teller)).statusCode).toBe(200);
      await post(`/api/tickets/${ticket.id}/start`, {}, teller);
      expect((await post(`/api/tickets/${ticket.id}/complete`, {}, teller)).statusCode).toBe(200);
      return db()
        .selectFrom("outbox")
        .selectAll()
        .where("kind", "=", "survey.invite")
        .where("related_id", "=", ticket.id)
        .execute();
    };
    expect(await serveFor("13900004444")).toHaveLength(0);
    expect((await put(url, { survey: { enabled: true } }, manager)).statusCode).toBe(200);
    const sent = await serveFor("13900005555");
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ channel: "sms", recipient: "+8613900005555" });
    // The 7-day interval: the same customer 8 days later is asked again.
    t.clock.advance(8 * DAY);
    await relogin();
    expect(await serveFor("13900005555")).toHaveLength(1);

    // Out of the central queue: the branch's reviews stay in its own queue only.
    expect((await put(url, { review: { central: false } }, manager)).json().review.central).toBe(false);
    const row = await db()
      .selectFrom("branch_feedback_settings")
      .selectAll()
      .where("branch_id", "=", t.branchId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ review_central: 0, survey_enabled: 1, survey_interval_days: 7 });
  });
});
