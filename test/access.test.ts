import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "./support/databases.ts";
import { startTestServer, type TestServer } from "./support/harness.ts";

/** Routes anyone may call: they carry no branch data or check credentials themselves. */
const PUBLIC = new Set([
  "GET /api/health",
  "POST /api/auth/login",
  "POST /api/devices/pair",
  "GET /api/public/tickets/{ticketId}",
  "GET /api/public/tickets/{ticketId}/events",
  "POST /api/public/otp",
  "GET /api/health/live",
  "GET /api/public/branches",
  "GET /api/public/branches/{branchId}/services",
  "GET /api/public/branches/{branchId}/slots",
  "POST /api/public/appointments",
  "GET /api/public/appointments/{appointmentId}",
  "GET /api/public/appointments/{appointmentId}/ics",
  "POST /api/public/appointments/{appointmentId}/cancel",
  "POST /api/public/appointments/{appointmentId}/reschedule",
  "POST /api/public/appointments/{appointmentId}/check-in",
  "POST /api/public/holds",
  "POST /api/public/holds/{holdId}/release",
  "POST /api/public/waitlist",
  "POST /api/public/waitlist/accept",
  "POST /api/public/tickets/{ticketId}/near-alert",
  "POST /api/public/chat",
  "POST /api/public/chat/{conversationId}/messages",
  "GET /api/public/chat/{conversationId}/messages",
  "POST /api/public/chat/{conversationId}/rating",
  "POST /api/public/chat/{conversationId}/callback",
  "GET /api/public/chat/{conversationId}/stream",
  "POST /api/public/chat/{conversationId}/identify",
  "GET /api/public/surveys/{token}",
  "POST /api/public/surveys/{token}",
  "POST /api/public/complaints/reopen",
  // Issue 13: a waitlist offer's link (the token is its credential).
  "GET /api/public/waitlist/offer",
  "POST /api/public/waitlist/decline",
  "POST /api/public/complaints",
  "GET /api/public/complaints/{token}",
  // Issue 14: a service report's short link sent by SMS (the token is its credential).
  "GET /api/public/reports/{token}",
]);
/** Routes about the caller themselves, open to every signed-in account. */
const SELF = new Set([
  "POST /api/auth/logout",
  "GET /api/auth/me",
  "GET /api/branches",
  "POST /api/plan/erlang",
  "GET /api/analytics/glossary",
  "GET /api/me/contact",
  "PUT /api/me/contact",
]);
/** Routes open to every staff member who serves customers, in no branch's data: refused to the auditor and devices. */
const STAFF_WIDE = new Set([
  "GET /api/knowledge/articles",
  "GET /api/knowledge/articles/{articleId}",
  "GET /api/knowledge/articles/{articleId}/versions",
  "GET /api/knowledge/search",
  "GET /api/knowledge/synonyms",
  "GET /api/knowledge/export",
  // Customers are the bank's, not a branch's (issue 14): every serving role searches and sees them, masked;
  // the visits shown are those of the caller's branches.
  "GET /api/customers",
  "GET /api/customers/{customerId}",
  "PATCH /api/customers/{customerId}",
  "POST /api/customers/{customerId}/unmask",
  "GET /api/customer-merges",
  "POST /api/customer-merges",
  // A customer's follow-ups, those of the caller's branches only (issue 14, follow-up tasks).
  "GET /api/customers/{customerId}/followups",
]);
/** A query each route needs before its caller is looked at (a missing one is a 400), per branch asked about. */
function queryFor(route: string, branchId: string, serviceId = ""): string {
  if (route === "GET /api/branches/{branchId}/appointment-slots") return `?serviceId=${serviceId}&date=2026-11-24`;
  if (route.startsWith("GET /api/analytics/summary"))
    return `?from=2026-11-01&to=2026-11-02&groupBy=day&branchId=${branchId}`;
  if (route === "GET /api/knowledge/search") return "?q=card";
  if (route === "GET /api/chat/figures") return "?from=2026-11-01&to=2026-11-02";
  if (route === "GET /api/complaints/export.csv") return `?from=2026-11-01&to=2026-12-01&branchId=${branchId}`;
  if (route === "GET /api/customers") return "?phone=138";
  if (route === "GET /api/analytics/league") return "?from=2026-11-01&to=2026-11-02";
  if (route === "GET /api/analytics/staff") return `?from=2026-11-01&to=2026-11-02&branchId=${branchId}`;
  return "";
}

/** A body each route accepts, so that 403 is about who asks, not what they send. */
function bodyFor(route: string, ids: Record<string, string>): unknown {
  const bodies: Record<string, unknown> = {
    "POST /api/branches": { code: "X1", nameZh: "测试", nameEn: "Test" },
    "POST /api/branches/{branchId}/services": {
      code: "T",
      nameZh: "测",
      nameEn: "T",
      category: "cash",
      expectedMinutes: 3,
      prefix: "T",
    },
    "POST /api/branches/{branchId}/counters": { number: 99, kind: "teller", skills: [] },
    "POST /api/branches/{branchId}/tickets": { serviceId: ids.serviceId },
    "POST /api/branches/{branchId}/devices": { kind: "kiosk", name: "k" },
    "POST /api/branches/{branchId}/simulate": {},
    "POST /api/users": {
      username: "zz",
      displayName: "z",
      password: "longenough",
      roles: ["teller"],
      branchIds: [ids.branchId],
    },
    "POST /api/counters/{counterId}/call": { ticketId: ids.ticketId },
    "POST /api/tickets/{ticketId}/transfer": { serviceId: ids.serviceId, position: "last" },
    "POST /api/tickets/{ticketId}/redirect": { reason: "x", target: "self_service" },
    "POST /api/tickets/{ticketId}/priority": { priority: "vip1" },
    "POST /api/tickets/{ticketId}/rating": { rating: "satisfied" },
    // A PATCH must change something (an empty one is a 400 before anyone's role is looked at).
    "PATCH /api/branches/{branchId}": { nameEn: "Renamed" },
    "PATCH /api/services/{serviceId}": { nameEn: "Renamed" },
    "PATCH /api/counters/{counterId}": { name: "Renamed" },
    "PATCH /api/users/{userId}": { displayName: "Renamed" },
    "POST /api/webhooks": { url: "https://crm.example/hook", eventTypes: ["*"] },
    "PATCH /api/devices/{deviceId}": { name: "Renamed" },
    "POST /api/devices/heartbeat": { pageVersion: "test" },
    "POST /api/branches/{branchId}/appointments": {
      serviceId: ids.serviceId,
      start: "2026-11-24T10:00:00+08:00",
      name: "张三",
      phone: "13812345678",
    },
    "POST /api/appointments/{appointmentId}/reschedule": { start: "2026-11-24T11:00:00+08:00" },
    "POST /api/branches/{branchId}/appointments/cancel-range": {
      from: "2026-11-24T09:00:00+08:00",
      to: "2026-11-24T10:00:00+08:00",
      reason: "x",
    },
    "POST /api/branches/{branchId}/check-in": { code: "ABCD2345" },
    "POST /api/knowledge/articles": { titleZh: "标题", bodyZh: "正文" },
    "PATCH /api/knowledge/articles/{articleId}": { titleZh: "新标题" },
    "POST /api/knowledge/import": { format: "csv", content: "titleZh,bodyZh\n标题,正文\n" },
    "PUT /api/knowledge/synonyms": { groups: [["挂失", "lost card"]] },
    "PUT /api/services/{serviceId}/booking-form": { fields: [] },
    "PUT /api/services/{serviceId}/booking-rules": { bookable: true },
    "PUT /api/tickets/{ticketId}/answers": { answers: {} },
    "PUT /api/chat/me/presence": { presence: "online" },
    "PATCH /api/chat/agents/{userId}": { senior: true },
    "POST /api/chat/conversations/{conversationId}/messages": { text: "您好" },
    "POST /api/chat/conversations/{conversationId}/transfer": { skill: "cards", note: "x" },
    "POST /api/chat/canned": { title: "问候", textZh: "您好" },
    "PUT /api/chat/canned/{cannedId}": { title: "问候", textZh: "您好" },
    "POST /api/chat/callbacks/{callbackId}/done": { outcome: "已回电" },
    "POST /api/complaints": { branchId: ids.branchId, category: "wait_time", severity: "simple", description: "d" },
    "POST /api/complaints/{complaintId}/assign": { userId: ids.userId },
    "POST /api/complaints/{complaintId}/extend": { reason: "x" },
    "POST /api/complaints/{complaintId}/severity": { severity: "complex", reason: "需多方核实" },
    "POST /api/complaints/{complaintId}/close": { rootCause: "x", reply: "y" },
    "POST /api/complaints/{complaintId}/reopen": { reason: "x" },
    "POST /api/reviews/{reviewId}/reject": { reason: "x" },
    "PATCH /api/branches/{branchId}/display-settings": { announceTimes: 3 },
    "PUT /api/branches/{branchId}/voice-clips/{token}": {
      mime: "audio/ogg",
      data: Buffer.concat([Buffer.from("OggS"), Buffer.alloc(60, 1)]).toString("base64"),
    },
    "POST /api/branches/{branchId}/notices": { titleZh: "公告" },
    "PATCH /api/notices/{noticeId}": { titleZh: "新公告" },
    "PUT /api/me/contact": { phone: null, email: null },
    "POST /api/branches/{branchId}/simulate/appointment-share": { share: 0.3 },
    "PATCH /api/customers/{customerId}": { notes: "x" },
    "POST /api/customers/{customerId}/unmask": { field: "phone", reason: "checking identity" },
    "POST /api/customers/{customerId}/consents": { purpose: "service", granted: true, channel: "phone" },
    "POST /api/customers/{customerId}/export": { reason: "customer request" },
    "POST /api/customers/{customerId}/erase": { reason: "customer request" },
    "POST /api/customer-merges": { sourceId: "a", targetId: "b", reason: "same person" },
    "POST /api/branches/{branchId}/customer-duplicates/dismiss": { customerIds: ["a", "b"], reason: "two people" },
    "POST /api/tickets/{ticketId}/customer": { phone: "13800000000" },
    "POST /api/tickets/{ticketId}/identify": { phone: "13800000000", otp: "123456" },
    "PUT /api/tickets/{ticketId}/service-record": { needs: "", products: [], outcome: "" },
    "PUT /api/retention": { days: {} },
    "POST /api/branches/{branchId}/analytics/alert-rules": {
      metric: "meanWait",
      windowMinutes: 15,
      comparison: "above",
      threshold: 20,
    },
    "POST /api/analytics/report-subscriptions": {
      branchId: ids.branchId,
      period: "daily",
      recipients: ["boss@example.com"],
      timeOfDay: "07:30",
    },
    "POST /api/followups/{followupId}/assign": { userId: ids.userId },
    "POST /api/followups/{followupId}/outcome": { outcome: "done" },
    "POST /api/followups/{followupId}/appointment": { start: "2026-11-25T10:00:00+08:00" },
    "PUT /api/customers/{customerId}/manager": { userId: null },
    "PUT /api/services/{serviceId}/followup-rule": { active: true, days: 7, purpose: "service" },
    "PUT /api/followup-policy": { marketingCap: 2, windowDays: 30, reminderDays: 1 },
    "PUT /api/branches/{branchId}/feedback-settings": { survey: { enabled: true } },
    // Issue 13: the branch's closed days and special hours.
    "PUT /api/branches/{branchId}/closures/{day}": { hours: null, reason: "国庆节" },
    "POST /api/branches/{branchId}/closures/range": { from: "2026-12-01", to: "2026-12-03", hours: null, reason: "x" },
    // Issue 13: a branch's appointment reminder times and quiet hours.
    "PUT /api/branches/{branchId}/reminder-settings": { quietHours: { start: "21:00" } },
  };
  return bodies[route] ?? (route.startsWith("POST") || route.startsWith("PATCH") ? {} : undefined);
}

describe.each(DB_KINDS)("access control on %s", (kind) => {
  let t: TestServer;
  let routes: string[];
  const other: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestServer(kind);
    const doc = (await t.request({ method: "GET", url: "/api/openapi.json" })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    // A second branch with a business type, a counter, a ticket, a device and a teller of its own.
    const admin = await t.login("admin");
    const post = async (url: string, body: unknown) => {
      const res = await t.request({ method: "POST", url, cookie: admin, body });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(201);
      return res.json();
    };
    other.branchId = (await post("/api/branches", { code: "BJ001", nameZh: "北京分行", nameEn: "Beijing" })).id;
    other.serviceId = (
      await post(`/api/branches/${other.branchId}/services`, {
        code: "CASH",
        nameZh: "现金",
        nameEn: "Cash",
        category: "cash",
        expectedMinutes: 4,
        prefix: "A",
      })
    ).id;
    other.counterId = (
      await post(`/api/branches/${other.branchId}/counters`, {
        number: 1,
        kind: "teller",
        skills: [{ serviceId: other.serviceId, weight: 1 }],
      })
    ).id;
    other.ticketId = (await post(`/api/branches/${other.branchId}/tickets`, { serviceId: other.serviceId })).id;
    other.deviceId = (await post(`/api/branches/${other.branchId}/devices`, { kind: "kiosk", name: "k" })).device.id;
    other.userId = (
      await post("/api/users", {
        username: "bjteller",
        displayName: "北京柜员",
        password: "longenough",
        roles: ["teller"],
        branchIds: [other.branchId],
      })
    ).id;
    other.appointmentId = await bookAppointment(other.branchId as string, other.serviceId as string);
    other.complaintId = (
      await post("/api/complaints", {
        branchId: other.branchId,
        category: "wait_time",
        severity: "simple",
        description: "等太久",
      })
    ).id;
    other.token = "zh-qing";
    other.noticeId = (await post(`/api/branches/${other.branchId}/notices`, { titleZh: "北京公告" })).id;
    // A follow-up task of the other branch (as the job creates one for a completed ticket with a customer).
    other.followupId = "fu-other";
    await t.server.ctx.store.write((tx) =>
      tx
        .insertInto("followups")
        .values({
          id: other.followupId as string,
          branch_id: other.branchId as string,
          customer_id: "c-other",
          ticket_id: other.ticketId as string,
          service_id: other.serviceId as string,
          purpose: "service",
          status: "open",
          assignee_id: other.userId as string,
          assigned_by: null,
          assigned_via: null,
          due_at: t.clock.now + 86_400_000,
          reminded_at: null,
          escalated_at: null,
          contacted_at: null,
          outcome: null,
          note: null,
          attempts: 0,
          appointment_id: null,
          closed_at: null,
          closed_by: null,
          version: 0,
          created_at: t.clock.now,
          updated_at: t.clock.now,
        })
        .execute(),
    );
  });

  /** A booked appointment of a branch (booked by the admin), so that routes about one meet a real one. */
  const bookAppointment = async (branchId: string, serviceId: string): Promise<string> => {
    const admin = await t.login("admin");
    const slots = await t.request({
      method: "GET",
      url: `/api/public/branches/${branchId}/slots?serviceId=${serviceId}&date=2026-11-25`,
    });
    const start = (slots.json() as { slots: Array<{ start: string; free: number }> }).slots.find(
      (x) => x.free > 0,
    )?.start;
    expect(start, slots.body).toBeDefined();
    const booked = await t.request({
      method: "POST",
      url: `/api/branches/${branchId}/appointments`,
      cookie: admin,
      body: { serviceId, start, name: "李四", phone: "13912345678" },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    return booked.json().id;
  };
  afterAll(() => t?.close());

  const url = (route: string) =>
    (route.split(" ")[1]?.replace(/\{(\w+)\}/g, (_m, name: string) => other[name] ?? "unknown") as string) +
    queryFor(route, other.branchId ?? "", other.serviceId);

  it("lists the routes the issue names in the OpenAPI document", () => {
    for (const r of [
      "POST /api/branches/{branchId}/tickets",
      "POST /api/counters/{counterId}/call-next",
      "GET /api/branches/{branchId}/events",
      "POST /api/tickets/{ticketId}/rating",
    ]) {
      expect(routes).toContain(r);
    }
    expect(routes.length).toBeGreaterThan(35);
  });

  it("answers 401 on every non-public route without credentials", async () => {
    for (const route of routes.filter((r) => !PUBLIC.has(r))) {
      const res = await t.request({
        method: route.split(" ")[0] as string,
        url: url(route),
        body: bodyFor(route, other),
      });
      expect(res.statusCode, route).toBe(401);
      expect(res.json(), route).toMatchObject({ error: "unauthorized", message: expect.any(String) });
    }
  });

  it("answers 403 when a teller of one branch touches another branch", async () => {
    const teller = await t.login("teller1");
    for (const route of routes.filter((r) => !PUBLIC.has(r) && !SELF.has(r) && !STAFF_WIDE.has(r))) {
      const res = await t.request({
        method: route.split(" ")[0] as string,
        url: url(route),
        cookie: teller,
        body: bodyFor(route, other),
      });
      expect(res.statusCode, `${route}: ${res.body}`).toBe(403);
      expect(res.json().error).toBe("forbidden");
    }
  });

  let ownAppointment: string | undefined;
  let ownNotice: string | undefined;
  /** Ids of the caller's own branch (the demo branch), so that a refusal is about the role, never a 404. */
  const ownIds = async (): Promise<Record<string, string>> => {
    const { db } = t.server.ctx.store;
    const service = await db
      .selectFrom("services")
      .select("id")
      .where("branch_id", "=", t.branchId)
      .where("code", "=", "CASH")
      .executeTakeFirstOrThrow();
    const counter = await db
      .selectFrom("counters")
      .select("id")
      .where("branch_id", "=", t.branchId)
      .where("number", "=", 1)
      .executeTakeFirstOrThrow();
    const device = await db
      .selectFrom("devices")
      .select("id")
      .where("branch_id", "=", t.branchId)
      .where("kind", "=", "kiosk")
      .executeTakeFirstOrThrow();
    const user = await db.selectFrom("users").select("id").where("username", "=", "teller8").executeTakeFirstOrThrow();
    const issued = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/tickets`,
      token: t.deviceToken("kiosk"),
      body: { serviceId: service.id },
    });
    expect(issued.statusCode).toBe(201);
    ownAppointment ??= await bookAppointment(t.branchId, service.id);
    ownNotice ??= (
      await t.request({
        method: "POST",
        url: `/api/branches/${t.branchId}/notices`,
        cookie: await t.login("admin"),
        body: { titleZh: "本网点公告" },
      })
    ).json().id;
    return {
      noticeId: ownNotice as string,
      token: "zh-qing",
      appointmentId: ownAppointment,
      branchId: t.branchId,
      serviceId: service.id,
      counterId: counter.id,
      deviceId: device.id,
      userId: user.id,
      ticketId: issued.json().id,
    };
  };

  /** Calls each route with the caller's own branch's ids and expects exactly 403 from every one. */
  const expectForbidden = async (who: { cookie?: string; token?: string }, list: readonly string[]) => {
    const own = await ownIds();
    for (const route of list) {
      const u =
        (route.split(" ")[1] as string).replace(/\{(\w+)\}/g, (_m, name: string) => own[name] ?? "unknown") +
        queryFor(route, own.branchId ?? "", own.serviceId);
      const res = await t.request({ method: route.split(" ")[0] as string, url: u, ...who, body: bodyFor(route, own) });
      expect(res.statusCode, `${route}: ${res.statusCode} ${res.body}`).toBe(403);
      expect(res.json().error).toBe("forbidden");
    }
  };

  it("lets an auditor read the audit trail and nothing else: 403 everywhere else, in their own branch too", async () => {
    const auditor = await t.login("auditor");
    expect((await t.request({ method: "GET", url: "/api/audit", cookie: auditor })).statusCode).toBe(200);
    await expectForbidden(
      { cookie: auditor },
      routes.filter((r) => !PUBLIC.has(r) && !SELF.has(r) && r !== "GET /api/audit" && r !== "GET /api/audit.csv"),
    );
  });

  /** Head office (issue 15): every branch's analytics, read only, and report subscriptions of its own. */
  const HEAD_OFFICE_READS = [
    "GET /api/analytics/summary",
    "GET /api/analytics/summary.csv",
    "GET /api/analytics/summary.xlsx",
    "GET /api/branches/{branchId}/analytics/plan-vs-actual",
    "GET /api/analytics/league",
    "GET /api/analytics/staff",
    "GET /api/branches/{branchId}/analytics/alert-rules",
    "GET /api/branches/{branchId}/analytics/alerts",
    "GET /api/analytics/report-subscriptions",
  ];
  const SUBSCRIPTION_ROUTES = [
    "POST /api/analytics/report-subscriptions",
    "PATCH /api/analytics/report-subscriptions/{subscriptionId}",
    "DELETE /api/analytics/report-subscriptions/{subscriptionId}",
    "POST /api/analytics/report-subscriptions/{subscriptionId}/send",
  ];

  it("lets head office read every branch's analytics, in branches it does not belong to, and nothing else (403)", async () => {
    const head = await t.login("headoffice");
    for (const branchId of [t.branchId, other.branchId as string])
      for (const route of HEAD_OFFICE_READS) {
        const u = (route.split(" ")[1] as string).replace("{branchId}", branchId) + queryFor(route, branchId);
        const res = await t.request({ method: "GET", url: u, cookie: head });
        expect(res.statusCode, `${route} in ${branchId}: ${res.body}`).toBe(200);
      }
    // Every branch: the summary without a branch covers both, the league ranks both.
    const all = await t.request({
      method: "GET",
      url: "/api/analytics/summary?from=2026-11-01&to=2026-11-02&groupBy=branch",
      cookie: head,
    });
    expect([...all.json().branchIds].sort()).toEqual([t.branchId, other.branchId].sort());
    const branches = await t.request({ method: "GET", url: "/api/branches", cookie: head });
    expect(branches.json().map((b: { id: string }) => b.id)).toEqual(
      expect.arrayContaining([t.branchId, other.branchId]),
    );
    const allowed = new Set([...HEAD_OFFICE_READS, ...SUBSCRIPTION_ROUTES]);
    await expectForbidden(
      { cookie: head },
      routes.filter((r) => !PUBLIC.has(r) && !SELF.has(r) && !allowed.has(r)),
    );
  });

  it("lets head office keep report subscriptions of its own only, of any branch or every branch", async () => {
    const [head, manager] = [await t.login("headoffice"), await t.login("manager")];
    const call = (cookie: string, method: string, u: string, body?: unknown) =>
      t.request({ method, url: u, cookie, body });
    const base = { period: "weekly", recipients: ["hq@example.com"], timeOfDay: "08:00" };
    const mine = await call(head, "POST", "/api/analytics/report-subscriptions", { ...base, branchId: null });
    expect(mine.statusCode, mine.body).toBe(201);
    const there = await call(head, "POST", "/api/analytics/report-subscriptions", {
      ...base,
      branchId: other.branchId,
    });
    expect(there.statusCode, there.body).toBe(201);
    const managers = await call(manager, "POST", "/api/analytics/report-subscriptions", {
      ...base,
      branchId: t.branchId,
    });
    expect(managers.statusCode, managers.body).toBe(201);
    const listed = (await call(head, "GET", "/api/analytics/report-subscriptions")).json() as Array<{ id: string }>;
    expect(listed.map((s) => s.id).sort()).toEqual([mine.json().id, there.json().id].sort());
    const own = `/api/analytics/report-subscriptions/${mine.json().id}`;
    expect((await call(head, "PATCH", own, { timeOfDay: "09:15" })).json().timeOfDay).toBe("09:15");
    expect((await call(head, "POST", `${own}/send`)).statusCode).toBe(202);
    expect((await call(head, "DELETE", own)).statusCode).toBe(204);
    const theirs = `/api/analytics/report-subscriptions/${managers.json().id}`;
    for (const [method, u, body] of [
      ["PATCH", theirs, { timeOfDay: "09:15" }],
      ["POST", `${theirs}/send`, undefined],
      ["DELETE", theirs, undefined],
    ] as const)
      expect((await call(head, method, u, body)).statusCode, `${method} ${u}`).toBe(403);
    // Only an admin grants the role.
    const granted = await call(manager, "POST", "/api/users", {
      username: "hq2",
      displayName: "总行",
      password: "longenough",
      roles: ["head_office"],
      branchIds: [t.branchId],
    });
    expect(granted.statusCode, granted.body).toBe(403);
    const byAdmin = await call(await t.login("admin"), "POST", "/api/users", {
      username: "hq2",
      displayName: "总行",
      password: "longenough",
      roles: ["head_office"],
      branchIds: [],
    });
    expect(byAdmin.statusCode, byAdmin.body).toBe(201);
  });

  it("refuses a teller the branch's configuration, staff, devices, audit trail and the lobby manager's work (403)", async () => {
    const teller = await t.login("teller2");
    await expectForbidden({ cookie: teller }, [
      "POST /api/branches",
      "PATCH /api/branches/{branchId}",
      "POST /api/branches/{branchId}/services",
      "PATCH /api/services/{serviceId}",
      "POST /api/branches/{branchId}/counters",
      "PATCH /api/counters/{counterId}",
      "GET /api/users",
      "POST /api/users",
      "PATCH /api/users/{userId}",
      "GET /api/branches/{branchId}/devices",
      "POST /api/branches/{branchId}/devices",
      "POST /api/devices/{deviceId}/revoke",
      "GET /api/audit",
      "POST /api/branches/{branchId}/tickets",
      "POST /api/tickets/{ticketId}/priority",
      "POST /api/tickets/{ticketId}/rating",
      "POST /api/counters/{counterId}/close",
      "PATCH /api/branches/{branchId}/display-settings",
      "PUT /api/branches/{branchId}/voice-clips/{token}",
      "DELETE /api/branches/{branchId}/voice-clips/{token}",
      "POST /api/branches/{branchId}/notices",
      "PATCH /api/notices/{noticeId}",
      "DELETE /api/notices/{noticeId}",
      "GET /api/branches/{branchId}/followup-settings",
      "PUT /api/services/{serviceId}/followup-rule",
      "PUT /api/followup-policy",
      "PUT /api/customers/{customerId}/manager",
      "GET /api/branches/{branchId}/closures",
      "PUT /api/branches/{branchId}/closures/{day}",
      "DELETE /api/branches/{branchId}/closures/{day}",
      "POST /api/branches/{branchId}/closures/range",
    ]);
  });

  /** What each device may do in its own branch; everything else is refused. */
  const DEVICE_ROUTES: Record<"kiosk" | "display" | "rating_pad", readonly string[]> = {
    kiosk: [
      "POST /api/devices/heartbeat",
      "GET /api/branches/{branchId}/services",
      "GET /api/branches/{branchId}/counters",
      "POST /api/branches/{branchId}/tickets",
      "POST /api/branches/{branchId}/check-in",
      "POST /api/tickets/{ticketId}/identify",
      "GET /api/branches/{branchId}/queue",
      "GET /api/branches/{branchId}/events",
      "GET /api/branches/{branchId}/display-settings",
    ],
    display: [
      "POST /api/devices/heartbeat",
      "GET /api/branches/{branchId}/services",
      "GET /api/branches/{branchId}/counters",
      "GET /api/branches/{branchId}/queue",
      "GET /api/branches/{branchId}/events",
      "GET /api/counters/{counterId}",
      "GET /api/branches/{branchId}/display-settings",
      "GET /api/branches/{branchId}/notices",
      "GET /api/branches/{branchId}/voice-clips/{token}",
    ],
    rating_pad: [
      "POST /api/devices/heartbeat",
      "GET /api/branches/{branchId}/services",
      "GET /api/branches/{branchId}/events",
      "GET /api/counters/{counterId}",
      "POST /api/tickets/{ticketId}/rating",
    ],
  };

  it.each(["kiosk", "display", "rating_pad"] as const)(
    "refuses a %s every route beyond its own few, in its own branch (403)",
    async (kindName) => {
      const allowed = new Set(DEVICE_ROUTES[kindName]);
      await expectForbidden(
        { token: t.deviceToken(kindName) },
        routes.filter((r) => !PUBLIC.has(r) && !SELF.has(r) && !allowed.has(r)),
      );
    },
  );

  it("stops a revoked device token at once on this instance", async () => {
    const manager = await t.login("manager");
    const created = (
      await t.request({
        method: "POST",
        url: `/api/branches/${t.branchId}/devices`,
        cookie: manager,
        body: { kind: "display", name: "TV" },
      })
    ).json();
    const queue = () => t.request({ method: "GET", url: `/api/branches/${t.branchId}/queue`, token: created.token });
    expect((await queue()).statusCode).toBe(200);
    expect(
      (await t.request({ method: "POST", url: `/api/devices/${created.device.id}/revoke`, cookie: manager }))
        .statusCode,
    ).toBe(200);
    expect((await queue()).statusCode).toBe(401);
  });

  it("counts wrong passwords sent in parallel: a burst locks the account like a sequence does", async () => {
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.request({ method: "POST", url: "/api/auth/login", body: { username: "teller3", password: `burst-${i}` } }),
      ),
    );
    // Each attempt is counted before its password is hashed: only the free tries were checked at all.
    expect(attempts.filter((a) => a.statusCode === 401)).toHaveLength(4);
    expect(attempts.filter((a) => a.statusCode === 429)).toHaveLength(16);
    const right = await t.request({
      method: "POST",
      url: "/api/auth/login",
      body: { username: "teller3", password: "test-password-1" },
    });
    expect(right.statusCode).toBe(429);
  });

  it("slows down repeated failed logins and never stores the password in the audit trail", async () => {
    const attempt = (password: string) =>
      t.request({ method: "POST", url: "/api/auth/login", body: { username: "teller2", password } });
    for (let i = 0; i < 4; i++) expect((await attempt(`wrong-${i}`)).statusCode).toBe(401);
    const locked = await attempt("wrong-again");
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    t.clock.advance(60_000);
    expect((await attempt("test-password-1")).statusCode).toBe(200);
    const rows = await t.server.ctx.store.db.selectFrom("audit_log").select("details").execute();
    expect(rows.some((r) => r.details?.includes("wrong-") || r.details?.includes("test-password"))).toBe(false);
  });
});
