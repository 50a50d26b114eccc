/**
 * Issue 14 gaps: the review item carries the ticket's service record and the booking form's answers (masked per
 * role), the customer profile's follow-ups come from the real follow-up tasks (branch-scoped), the complaint desk
 * picks an owner from a list of the complaint's branch's staff, and an empty reason is refused in words.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDueFollowups } from "../src/app/followups/followups.ts";
import { seedSecondDemoBranch } from "../src/app/seed-demo.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

interface Item {
  readonly id: string;
  readonly ticketId: string;
  readonly record: { issuedAt: string; startedAt: string; needs: string | null; recordOutcome: string | null };
  readonly form: { answers: Record<string, unknown>; withheld: boolean; fields: Array<{ key: string }> };
}

const ZH = { "accept-language": "zh-CN,zh;q=0.9" };
const EN = { "accept-language": "en" };

describe.each(DB_KINDS)("review record, profile follow-ups, complaint owners on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let b2: string;
  const c: Record<string, string> = {};
  const svc = (code: string) => ids.services.get(code) as string;
  const counter = (n: number) => ids.counters.get(n) as string;
  const db = () => t.server.ctx.store.db;
  const req = (
    method: string,
    url: string,
    cookie: string | undefined,
    body?: unknown,
    headers?: Record<string, string>,
  ) => t.request({ method, url, cookie: cookie as string, body, ...(headers ? { headers } : {}) });
  const ok = async (method: string, url: string, cookie: string, body?: unknown, code = 200) => {
    const res = await req(method, url, cookie, body);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(code);
    return res.json();
  };
  const userId = async (username: string) =>
    (await db().selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow()).id;

  /** A TRANSFER (needs review) with form answers and a service record, served by teller3 at counter 3. */
  const transferInReview = async () => {
    const ticket = await issueAtKiosk(t, svc("TRANSFER"));
    await ok("PUT", `/api/tickets/${ticket.id}/answers`, c.lobby as string, {
      answers: { amount: 50000, payee: "张收款", payeePhone: "13812345678" },
    });
    await ok("POST", `/api/counters/${counter(3)}/call`, c.teller3 as string, { ticketId: ticket.id });
    await ok("POST", `/api/tickets/${ticket.id}/start`, c.teller3 as string);
    await ok("PUT", `/api/tickets/${ticket.id}/service-record`, c.teller3 as string, {
      needs: "跨行汇款，联系人 13912345678",
      products: ["汇款"],
      outcome: "已汇出",
    });
    const done = await ok("POST", `/api/tickets/${ticket.id}/complete`, c.teller3 as string, {
      outcome: "remitted",
      notes: "核对收款人",
    });
    expect(done.status).toBe("in_review");
    return ticket;
  };
  const itemOf = async (cookie: string, ticketId: string) => {
    const res = await req("GET", `/api/branches/${t.branchId}/reviews`, cookie);
    expect(res.statusCode, res.body).toBe(200);
    const item = (res.json().items as Array<Record<string, unknown> & { ticketId: string }>).find(
      (i) => i.ticketId === ticketId,
    );
    expect(item).toBeDefined();
    return { item: item as unknown as Item, body: res.body };
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    b2 = (await seedSecondDemoBranch(t.server.ctx, TEST_PASSWORD)).branchId;
    for (const u of ["admin", "manager", "manager2", "lobby", "reviewer", "teller1", "teller3", "teller9", "auditor"])
      c[u] = await t.login(u);
    await ok("PUT", `/api/services/${svc("TRANSFER")}/booking-form`, c.manager as string, {
      fields: [
        { key: "amount", type: "amount", labelZh: "金额", labelEn: "Amount", required: true },
        { key: "payee", type: "text", labelZh: "收款人", labelEn: "Payee", required: true },
        { key: "payeePhone", type: "text", labelZh: "收款人电话", labelEn: "Payee phone", required: false },
      ],
    });
    await ok("POST", `/api/counters/${counter(3)}/sign-in`, c.teller3 as string);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a review item carries the service record and the form answers; numbers masked; withheld from the lobby", async () => {
    const ticket = await transferInReview();
    const { item, body } = await itemOf(c.reviewer as string, ticket.id);
    expect(item.record).toMatchObject({
      issuedAt: expect.any(String),
      calledAt: expect.any(String),
      startedAt: expect.any(String),
      completedAt: expect.any(String),
      needs: "跨行汇款，联系人 139****5678",
      products: ["汇款"],
      recordOutcome: "已汇出",
    });
    expect(Date.parse(item.record.startedAt)).toBeGreaterThanOrEqual(Date.parse(item.record.issuedAt));
    expect(item.form).toMatchObject({
      withheld: false,
      answers: { amount: 50000, payee: "张收款", payeePhone: "138****5678" },
    });
    expect((item.form.fields as Array<{ key: string }>).map((f) => f.key)).toEqual(["amount", "payee", "payeePhone"]);
    expect(body).not.toContain("13812345678");
    expect(body).not.toContain("13912345678");
    // The branch manager reviews too: the same record.
    expect((await itemOf(c.manager as string, ticket.id)).item.form.answers.amount).toBe(50000);
    // The lobby manager reads the queue for its clocks: no form answers, the record's free text masked.
    const lobby = await itemOf(c.lobby as string, ticket.id);
    expect(lobby.item.form).toMatchObject({ withheld: true, answers: {} });
    expect(lobby.body).not.toContain("张收款");
    expect(lobby.body).not.toContain("50000");
    expect(lobby.item.record.needs).toBe("跨行汇款，联系人 139****5678");
    // Taking the item answers the same record.
    const taken = await ok("POST", `/api/branches/${t.branchId}/reviews/next`, c.reviewer as string, {});
    expect(taken.ticketId).toBe(ticket.id);
    expect(taken.form.answers.payee).toBe("张收款");
    expect(taken.record.recordOutcome).toBe("已汇出");
  });

  it("refuses an empty reason in words, in Chinese and English, on every route with a reason", async () => {
    const ticket = await transferInReview();
    const { item } = await itemOf(c.reviewer as string, ticket.id);
    const url = `/api/reviews/${item.id}/reject`;
    for (const reason of ["", "   "]) {
      const zh = await req("POST", url, c.reviewer, { reason }, ZH);
      expect(zh.statusCode, zh.body).toBe(400);
      expect(zh.json()).toMatchObject({ error: "invalid_request", message: "理由不能为空。" });
      const en = await req("POST", url, c.reviewer, { reason }, EN);
      expect(en.json()).toMatchObject({ error: "invalid_request", message: "The reason must not be empty." });
    }
    expect((await req("POST", url, c.reviewer, {}, ZH)).json().message).toBe("请填写理由。");
    expect((await req("POST", url, c.reviewer, {}, EN)).json().message).toBe("Please give a reason.");
    expect((await req("POST", url, c.reviewer, { reason: "x".repeat(501) }, ZH)).json().message).toBe(
      "理由不能超过 500 个字符。",
    );
    // The complaint desk's reasons (extension, reopening) and the customer's unmasking say the same.
    const complaint = await ok(
      "POST",
      "/api/complaints",
      c.manager as string,
      { branchId: t.branchId, category: "wait_time", severity: "simple", description: "等候过久" },
      201,
    );
    const extend = await req("POST", `/api/complaints/${complaint.id}/extend`, c.manager, { reason: "" }, ZH);
    expect(extend.json().message).toBe("理由不能为空。");
    // Other fields keep the general wording (field named by its key).
    const other = await req("POST", "/api/complaints", c.manager, { branchId: t.branchId }, ZH);
    expect(other.json().message).toMatch(/^请求内容不正确：请求体缺少必填字段/);
    // Nothing was decided by the refused attempts.
    expect((await itemOf(c.reviewer as string, ticket.id)).item.id).toBe(item.id);
  });

  it("fills the profile's follow-ups from the real follow-up tasks, of the caller's branches only", async () => {
    await ok("PUT", `/api/services/${svc("CASH")}/followup-rule`, c.manager as string, {
      active: true,
      days: 7,
      purpose: "service",
    });
    const ticket = await issueAtKiosk(t, svc("CASH"));
    const attached = await ok("POST", `/api/tickets/${ticket.id}/customer`, c.lobby as string, {
      phone: "13700007777",
      name: "刘回访",
    });
    const customerId = attached.customerId as string;
    await ok("POST", `/api/counters/${counter(1)}/sign-in`, c.teller1 as string);
    await ok("POST", `/api/counters/${counter(1)}/call`, c.teller1 as string, { ticketId: ticket.id });
    await ok("POST", `/api/tickets/${ticket.id}/start`, c.teller1 as string);
    await ok("POST", `/api/tickets/${ticket.id}/complete`, c.teller1 as string, { outcome: "served" });
    expect(await createDueFollowups(t.server.ctx)).toBe(1);
    const task = await db()
      .selectFrom("followups")
      .selectAll()
      .where("ticket_id", "=", ticket.id)
      .executeTakeFirstOrThrow();
    // A follow-up of the same customer in the second branch: not the first branch's staff's to see.
    await t.server.ctx.store.write((tx) =>
      tx
        .insertInto("followups")
        .values({
          ...task,
          id: "fu-second-branch",
          branch_id: b2,
          ticket_id: "t-second-branch",
          created_at: t.clock.now + 1,
          updated_at: t.clock.now + 1,
        })
        .execute(),
    );
    const profile = await ok("GET", `/api/customers/${customerId}`, c.lobby as string);
    expect(profile.followUps).toEqual([
      {
        id: task.id,
        branchId: t.branchId,
        ticketId: ticket.id,
        serviceNameZh: expect.any(String),
        serviceNameEn: expect.any(String),
        purpose: "service",
        status: "open",
        outcome: null,
        dueAt: new Date(Number(task.due_at)).toISOString(),
        closedAt: null,
      },
    ]);
    expect(profile.followUps[0].serviceNameZh.length).toBeGreaterThan(0);
    // The same list as the follow-up route of the profile page.
    const route = await ok("GET", `/api/customers/${customerId}/followups`, c.lobby as string);
    expect(route.items.map((i: { id: string }) => i.id)).toEqual([task.id]);
    // The admin sees both branches' tasks, newest first; the second branch's manager only theirs.
    const admin = await ok("GET", `/api/customers/${customerId}`, c.admin as string);
    expect(admin.followUps.map((f: { id: string }) => f.id)).toEqual(["fu-second-branch", task.id]);
    const second = await ok("GET", `/api/customers/${customerId}`, c.manager2 as string);
    expect(second.followUps.map((f: { id: string }) => f.id)).toEqual(["fu-second-branch"]);
    // Ratings and appointments name their branch for the profile page.
    const pad = await t.request({
      method: "POST",
      url: `/api/tickets/${ticket.id}/rating`,
      token: t.deviceToken("rating_pad"),
      body: { rating: "satisfied" },
    });
    expect(pad.statusCode, pad.body).toBe(200);
    const rated = await ok("GET", `/api/customers/${customerId}`, c.lobby as string);
    expect(rated.ratings).toHaveLength(1);
    expect(rated.ratings[0]).toMatchObject({
      csat: "satisfied",
      branchId: t.branchId,
      branchNameZh: expect.any(String),
    });
    expect(rated.ratings[0].branchNameZh.length).toBeGreaterThan(0);
    expect(JSON.stringify(rated)).not.toContain("13700007777");
  });

  it("lists who may own a complaint: active staff of its branch, marked for a conflict; role and branch checked", async () => {
    // A complaint about a CASH visit teller1 served.
    const ticket = await issueAtKiosk(t, svc("CASH"));
    await ok("POST", `/api/counters/${counter(1)}/call`, c.teller1 as string, { ticketId: ticket.id });
    await ok("POST", `/api/tickets/${ticket.id}/start`, c.teller1 as string);
    await ok("POST", `/api/tickets/${ticket.id}/complete`, c.teller1 as string, { outcome: "served" });
    const complaint = await ok(
      "POST",
      "/api/complaints",
      c.lobby as string,
      {
        branchId: t.branchId,
        ticketId: ticket.id,
        category: "service_attitude",
        severity: "simple",
        description: "态度",
      },
      201,
    );
    const list = await ok("GET", `/api/complaints/${complaint.id}/owners`, c.manager as string);
    const byId = new Map(
      (list.items as Array<{ id: string; conflict: boolean; current: boolean; roles: string[] }>).map((i) => [i.id, i]),
    );
    const [teller1, teller2, reviewer, teller9, auditor, manager2] = await Promise.all(
      ["teller1", "teller2", "reviewer", "teller9", "auditor", "manager2"].map(userId),
    );
    expect(byId.get(teller1 as string)).toMatchObject({ conflict: true, current: false, roles: ["teller"] });
    expect(byId.get(teller2 as string)).toMatchObject({ conflict: false });
    expect(byId.get(reviewer as string)).toMatchObject({ conflict: false, roles: ["back_office"] });
    // Another branch's staff and roles that do not handle customers are not offered.
    expect(byId.has(teller9 as string)).toBe(false);
    expect(byId.has(manager2 as string)).toBe(false);
    expect(byId.has(auditor as string)).toBe(false);
    // What the list marks is what assignment does: 409 for the conflicted, 200 for another, then marked current.
    expect(
      (await req("POST", `/api/complaints/${complaint.id}/assign`, c.manager, { userId: teller1 })).statusCode,
    ).toBe(409);
    await ok("POST", `/api/complaints/${complaint.id}/assign`, c.manager as string, { userId: reviewer });
    const after = await ok("GET", `/api/complaints/${complaint.id}/owners`, c.lobby as string);
    expect(after.items.filter((i: { current: boolean }) => i.current).map((i: { id: string }) => i.id)).toEqual([
      reviewer,
    ]);
    // Role and branch: the other branch's manager, a teller and the auditor are refused; the admin may.
    for (const who of ["manager2", "teller1", "auditor"])
      expect((await req("GET", `/api/complaints/${complaint.id}/owners`, c[who])).statusCode, who).toBe(403);
    expect((await req("GET", `/api/complaints/${complaint.id}/owners`, c.admin)).statusCode).toBe(200);
    expect((await req("GET", "/api/complaints/none/owners", c.manager)).statusCode).toBe(404);
    // The second branch's desk gets its own staff for its own complaint.
    const theirs = await ok(
      "POST",
      "/api/complaints",
      c.manager2 as string,
      { branchId: b2, category: "wait_time", severity: "simple", description: "排队" },
      201,
    );
    const b2list = await ok("GET", `/api/complaints/${theirs.id}/owners`, c.manager2 as string);
    const b2ids = (b2list.items as Array<{ id: string }>).map((i) => i.id);
    expect(b2ids).toContain(teller9);
    expect(b2ids).not.toContain(teller1);
  });
});
