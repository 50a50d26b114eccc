import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateServiceReports } from "../src/app/customers/service-record.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, type TestServer } from "./support/harness.ts";

const DAY = 86_400_000;

/** The text of a PDF, as poppler's pdftotext reads it. */
function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "datang-pdf-"));
  try {
    const file = join(dir, "r.pdf");
    writeFileSync(file, pdf);
    return execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(DB_KINDS)("customer records API on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let lobby: string;
  let teller: string;
  let manager: string;
  let admin: string;
  let auditor: string;
  let wang: string; // customer id
  let li: string;
  const db = () => t.server.ctx.store.db;
  const get = (url: string, cookie: string) => t.request({ method: "GET", url, cookie });
  const post = (url: string, cookie: string, body: unknown = {}) => t.request({ method: "POST", url, cookie, body });
  const auditCount = async (action: string, entityId?: string) => {
    let q = db()
      .selectFrom("audit_log")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("action", "=", action);
    if (entityId) q = q.where("entity_id", "=", entityId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    [lobby, teller, manager, admin, auditor] = (await Promise.all(
      ["lobby", "teller1", "manager", "admin", "auditor"].map((u) => t.login(u)),
    )) as [string, string, string, string, string];
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lets the lobby manager attach a customer to a ticket by phone; answers are masked", async () => {
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    const res = await post(`/api/tickets/${ticket.id}/customer`, lobby, { phone: "138 1234 5678", name: "王小明" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: "王*明", phone: "138****5678", method: "staff" });
    expect(res.body).not.toContain("13812345678");
    wang = res.json().customerId;
    expect(res.json().code).toMatch(/^K[0-9A-Z]{10}$/);
    // A second ticket for another person, attached by the teller.
    const other = await issueAtKiosk(t, ids.services.get("CASH"));
    const res2 = await post(`/api/tickets/${other.id}/customer`, teller, { phone: "13987654321", name: "李四" });
    expect(res2.statusCode, res2.body).toBe(200);
    li = res2.json().customerId;
    // Neither or both of customerId and phone: 400, nothing attached.
    const third = await issueAtKiosk(t, ids.services.get("CASH"));
    expect((await post(`/api/tickets/${third.id}/customer`, lobby, {})).statusCode).toBe(400);
    expect((await post(`/api/tickets/${third.id}/customer`, auditor, { customerId: wang })).statusCode).toBe(403);
    const attached = await db()
      .selectFrom("ticket_customers")
      .select("ticket_id")
      .where("ticket_id", "=", third.id)
      .execute();
    expect(attached).toEqual([]);
  });

  it("searches by full phone, first digits, last digits, name prefix and code prefix, masked", async () => {
    const search = async (q: string) => {
      const res = await get(`/api/customers?${q}`, teller);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toMatch(/13812345678|13987654321/);
      return (res.json().customers as Array<{ id: string; name: string; phone: string }>).map((c) => c.id);
    };
    expect(await search("phone=13812345678")).toEqual([wang]);
    expect(await search("phone=%2B8613812345678")).toEqual([wang]);
    expect((await search("phone=138")).sort()).toEqual([wang]);
    expect(await search("phone=5678")).toEqual([wang]);
    expect(await search("phone=4321")).toEqual([li]);
    expect(await search(`name=${encodeURIComponent("王")}`)).toEqual([wang]);
    expect(await search(`name=${encodeURIComponent("王小")}`)).toEqual([wang]);
    expect(await search(`name=${encodeURIComponent("张")}`)).toEqual([]);
    const code = (await db().selectFrom("customers").select("code").where("id", "=", wang).executeTakeFirstOrThrow())
      .code as string;
    expect(await search(`code=${code.slice(0, 6).toLowerCase()}`)).toContain(wang);
    const one = await get("/api/customers?phone=13812345678", lobby);
    expect(one.json().customers[0]).toMatchObject({ name: "王*明", phone: "138****5678" });
    expect((await get("/api/customers", teller)).statusCode).toBe(400);
    expect((await get("/api/customers?phone=12", teller)).statusCode).toBe(400);
    expect((await get("/api/customers?phone=138", auditor)).statusCode).toBe(403);
    expect((await t.request({ method: "GET", url: "/api/customers?phone=138" })).statusCode).toBe(401);
  });

  it("shows the profile masked, with segments by staff and by rule, and records every view", async () => {
    const before = await auditCount("customer.view", wang);
    const patch = await t.request({
      method: "PATCH",
      url: `/api/customers/${wang}`,
      cookie: lobby,
      body: {
        idNumber: "11010519491231002X",
        segments: ["vip"],
        vipTier: "gold",
        prefCounter: "6",
        notes: "prefers mornings",
      },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    const res = await get(`/api/customers/${wang}`, teller);
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p).toMatchObject({
      name: "王*明",
      phone: "138****5678",
      idNumber: "110105********002X",
      hasIdNumber: true,
      birthYear: 1949,
      vipTier: "gold",
      preferences: { counter: "6", lang: "zh-CN", channel: "sms" },
      notes: "prefers mornings",
      complaints: [],
    });
    expect(p.segments).toEqual([
      { code: "vip", source: "staff" },
      { code: "elderly", source: "rule" },
    ]);
    expect(p.visits).toHaveLength(1);
    expect(p.visits[0]).toMatchObject({ serviceNameZh: expect.any(String), status: "waiting" });
    expect(res.body).not.toMatch(/13812345678|11010519491231002X|王小明/);
    // The PATCH answered the profile too (one view), and the GET is another.
    expect(await auditCount("customer.view", wang)).toBe(before + 2);
    const line = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "customer.view")
      .where("entity_id", "=", wang)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(line).toMatchObject({ actor_name: "teller1", at: t.clock.now });
    // The audit line of the change names fields, never the values.
    const change = await db()
      .selectFrom("audit_log")
      .select("details")
      .where("action", "=", "customer.update")
      .executeTakeFirstOrThrow();
    expect(change.details).not.toContain("11010519491231002X");
    // Bad input changes nothing.
    const bad = await t.request({
      method: "PATCH",
      url: `/api/customers/${wang}`,
      cookie: lobby,
      body: { segments: ["astronaut"] },
    });
    expect(bad.statusCode).toBe(400);
    expect((await get(`/api/customers/${wang}`, teller)).json().segments[0]).toEqual({ code: "vip", source: "staff" });
    expect((await get(`/api/customers/${wang}`, auditor)).statusCode).toBe(403);
    expect((await get("/api/customers/nobody", teller)).statusCode).toBe(404);
  });

  it("unmasks one field only with a reason, and records it (break-glass)", async () => {
    const noReason = await post(`/api/customers/${wang}/unmask`, teller, { field: "phone", reason: " " });
    expect(noReason.statusCode).toBe(400);
    const before = await auditCount("customer.unmask", wang);
    const res = await post(`/api/customers/${wang}/unmask`, teller, { field: "phone", reason: "客户来电核实身份" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ field: "phone", value: "+8613812345678" });
    const id = await post(`/api/customers/${wang}/unmask`, teller, { field: "idNumber", reason: "办理挂失需核对证件" });
    expect(id.json().value).toBe("11010519491231002X");
    expect(await auditCount("customer.unmask", wang)).toBe(before + 2);
    const line = await db()
      .selectFrom("audit_log")
      .select("details")
      .where("action", "=", "customer.unmask")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(line.details as string)).toEqual({ field: "idNumber", reason: "办理挂失需核对证件" });
    expect(
      (await post(`/api/customers/${wang}/unmask`, auditor, { field: "phone", reason: "curious" })).statusCode,
    ).toBe(403);
    expect(
      (await post(`/api/customers/${wang}/unmask`, await t.login("reviewer"), { field: "phone", reason: "need it" }))
        .statusCode,
    ).toBe(403);
  });

  it("identifies at the kiosk with the phone's one-time code, never required", async () => {
    const walkIn = await issueAtKiosk(t, ids.services.get("CASH"));
    expect(walkIn.id).toBeTruthy(); // no identification needed to get a ticket
    const otp = await t.request({ method: "POST", url: "/api/public/otp", body: { phone: "13700001111" } });
    expect(otp.statusCode).toBe(202);
    const msg = await db()
      .selectFrom("outbox")
      .select("data")
      .where("kind", "=", "otp")
      .where("recipient", "=", "+8613700001111")
      .executeTakeFirstOrThrow();
    const code = JSON.parse(msg.data).code as string;
    const kiosk = t.deviceToken("kiosk");
    const url = `/api/tickets/${walkIn.id}/identify`;
    const wrong = await t.request({
      method: "POST",
      url,
      token: kiosk,
      body: { phone: "13700001111", otp: code === "000000" ? "111111" : "000000" },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toBe("otp_invalid");
    expect(
      await db().selectFrom("ticket_customers").select("ticket_id").where("ticket_id", "=", walkIn.id).execute(),
    ).toEqual([]);
    // Staff do not use the kiosk route.
    expect((await post(url, lobby, { phone: "13700001111", otp: code })).statusCode).toBe(403);
    const ok = await t.request({ method: "POST", url, token: kiosk, body: { phone: "13700001111", otp: code } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ phone: "137****1111", method: "otp" });
    // The code is used up.
    const again = await t.request({ method: "POST", url, token: kiosk, body: { phone: "13700001111", otp: code } });
    expect(again.statusCode).toBe(400);
  });

  it("shows the call card at the counter, records the service and issues a hashed bilingual report", async () => {
    // Wang consents to service messages; the report then goes out through the outbox.
    await t.server.ctx.store.write((tx) =>
      tx
        .insertInto("customer_consents")
        .values({
          customer_id: wang,
          purpose: "service",
          granted: 1,
          channel: "staff",
          text_version: "v1",
          at: t.clock.now,
        })
        .execute(),
    );
    const c1 = ids.counters.get(1) as string;
    expect((await post(`/api/counters/${c1}/sign-in`, teller)).statusCode).toBe(200);
    const call = await post(`/api/counters/${c1}/call-next`, teller);
    expect(call.statusCode, call.body).toBe(200);
    const ticketId = call.json().ticket.id as string;
    const owner = await db()
      .selectFrom("ticket_customers")
      .select("customer_id")
      .where("ticket_id", "=", ticketId)
      .executeTakeFirst();
    expect(owner?.customer_id).toBe(wang); // the first ticket issued was Wang's
    const views = await auditCount("customer.view", wang);
    const card = await get(`/api/tickets/${ticketId}/call-card`, teller);
    expect(card.statusCode, card.body).toBe(200);
    expect(card.json().customer).toMatchObject({
      id: wang,
      name: "王*明",
      phone: "138****5678",
      vipTier: "gold",
      consents: [expect.objectContaining({ purpose: "service", granted: true })],
    });
    expect(card.json().openComplaints).toEqual([]);
    expect(card.json().answers).toMatchObject({ ticketId, requiredDocuments: expect.any(Array) });
    expect(card.body).not.toMatch(/13812345678|11010519491231002X/);
    expect(await auditCount("customer.view", wang)).toBe(views + 1);
    expect((await get(`/api/tickets/${ticketId}/call-card`, auditor)).statusCode).toBe(403);

    expect((await post(`/api/tickets/${ticketId}/start`, teller)).statusCode).toBe(200);
    const rec = await t.request({
      method: "PUT",
      url: `/api/tickets/${ticketId}/service-record`,
      cookie: teller,
      body: {
        needs: "换汇 USD 收款人 13912345678",
        products: ["外币兑换", "Savings"],
        outcome: "小明已办理 done 11010519491231002X",
      },
    });
    expect(rec.statusCode, rec.body).toBe(200);
    t.clock.advance(7 * 60_000);
    expect((await post(`/api/tickets/${ticketId}/complete`, teller, { outcome: "served" })).statusCode).toBe(200);
    expect(await generateServiceReports(t.server.ctx)).toBeGreaterThanOrEqual(1);
    expect(await generateServiceReports(t.server.ctx)).toBe(0); // once per ticket

    const pdf = await t.request({ method: "GET", url: `/api/tickets/${ticketId}/service-report.pdf`, cookie: teller });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    const text = pdfText(pdf.rawPayload);
    const lines = text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    const hashLine = lines.find((l) => l.startsWith("SHA-256:")) as string;
    const printed = hashLine.slice("SHA-256:".length).trim();
    expect(printed).toMatch(/^[0-9a-f]{64}$/);
    // The hash covers the content lines between the title and the footer, exactly as printed.
    const content = lines.slice(lines.indexOf("服务报告 Service report") + 1, lines.indexOf(hashLine));
    expect(createHash("sha256").update(content.join("\n")).digest("hex")).toBe(printed);
    expect(pdf.headers["x-content-sha256"]).toBe(printed);
    const stored = await db()
      .selectFrom("service_reports")
      .selectAll()
      .where("ticket_id", "=", ticketId)
      .executeTakeFirstOrThrow();
    expect(stored.sha256).toBe(printed);
    expect(content).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^网点 Branch: .+ \(SH001\)$/),
        `号票 Ticket: ${call.json().ticket.number}`,
        expect.stringMatching(/^业务 Business: .+ \/ .+$/),
        expect.stringMatching(/^柜员 Teller: 柜员1 \(.+\)$/),
        "客户 Customer: 王*明 138****5678",
        // The free text as staff without need read it: the numbers and the customer's names masked.
        "需求 Needs: 换汇 USD 收款人 139****5678",
        "产品 Products: 外币兑换, Savings",
        "结果 Outcome: **已办理 done 110105********002X",
      ]),
    );
    expect(text).not.toMatch(/13912345678|11010519491231002X|小明/);
    expect(content.find((l) => l.startsWith("完成 Completed:"))).toMatch(/^完成 Completed: 2026-11-23 \d\d:\d\d:\d\d$/);
    // Sent because Wang consented: an SMS (Wang's channel) with the report's short link (and its hash in the data).
    const sent = await db().selectFrom("outbox").selectAll().where("kind", "=", "service.report").execute();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ recipient: "+8613812345678", channel: "sms", customer_id: wang });
    expect(JSON.parse(sent[0]?.data as string)).toMatchObject({
      sha256: printed,
      reportPath: expect.stringMatching(/^\/api\/public\/reports\/[A-Za-z0-9_-]{22}$/),
    });
    // The record is closed once the report is issued.
    const late = await t.request({
      method: "PUT",
      url: `/api/tickets/${ticketId}/service-record`,
      cookie: teller,
      body: { needs: "x", products: [], outcome: "y" },
    });
    expect(late.statusCode).toBe(409);
    const profile = (await get(`/api/customers/${wang}`, teller)).json();
    expect(profile.visits.find((v: { ticketId: string }) => v.ticketId === ticketId)).toMatchObject({
      status: "done",
      needs: "换汇 USD 收款人 139****5678",
      recordOutcome: "**已办理 done 110105********002X",
      reportId: stored.id,
    });
  });

  it("lists the customer's complaints and ratings on the profile and open complaints on the call card", async () => {
    // Wang's visit served above was linked by staff (ticket_customers) and Wang consented: a survey went out.
    const invite = await db()
      .selectFrom("outbox")
      .selectAll()
      .where("kind", "=", "survey.invite")
      .where("customer_id", "=", wang)
      .executeTakeFirstOrThrow();
    const visitId = invite.related_id as string;
    const pad = await t.request({
      method: "POST",
      url: `/api/tickets/${visitId}/rating`,
      token: t.deviceToken("rating_pad"),
      body: { rating: "neutral" },
    });
    expect(pad.statusCode, pad.body).toBe(200);
    const token = (JSON.parse(invite.data).surveyPath as string).replace("/survey/", "");
    const answered = await t.request({
      method: "POST",
      url: `/api/public/surveys/${token}`,
      body: { nps: 3, comment: "请回电 13912345678" },
    });
    expect(answered.json()).toEqual({ answered: true, complaintOpened: true });
    const staffComplaint = await post("/api/complaints", lobby, {
      branchId: t.branchId,
      customerId: wang,
      category: "fees",
      severity: "complex",
      description: "年费 annual fee",
    });
    expect(staffComplaint.statusCode, staffComplaint.body).toBe(201);

    const profile = (await get(`/api/customers/${wang}`, teller)).json();
    expect(profile.complaints).toHaveLength(2);
    expect(profile.complaints).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: "survey", ticketId: visitId, status: "open", category: "service_quality" }),
        expect.objectContaining({
          id: staffComplaint.json().id,
          source: "staff",
          ticketId: null,
          severity: "complex",
          dueAt: staffComplaint.json().dueAt,
        }),
      ]),
    );
    expect(profile.ratings).toEqual([
      expect.objectContaining({
        ticketId: visitId,
        csat: "neutral",
        csatSource: "rating_pad",
        nps: 3,
        comment: "请回电 139****5678",
        complaintId: expect.any(String),
      }),
    ]);
    expect(JSON.stringify(profile)).not.toContain("13912345678");
    // Another customer's profile shows none of them.
    const other = (await get(`/api/customers/${li}`, teller)).json();
    expect(other.complaints).toEqual([]);
    expect(other.ratings).toEqual([]);

    // A walk-in identified by staff who has an open complaint: the call card shows it.
    const walkIn = await issueAtKiosk(t, ids.services.get("CASH"));
    const attached = await post(`/api/tickets/${walkIn.id}/customer`, lobby, { phone: "13700001111", name: "赵六" });
    expect(attached.statusCode, attached.body).toBe(200);
    const zhao = attached.json().customerId as string;
    const hers = await post("/api/complaints", lobby, {
      branchId: t.branchId,
      customerId: zhao,
      category: "queue",
      severity: "simple",
      description: "等太久",
    });
    expect(hers.statusCode).toBe(201);
    const c1 = ids.counters.get(1) as string;
    const call = await post(`/api/counters/${c1}/call`, teller, { ticketId: walkIn.id });
    expect(call.statusCode, call.body).toBe(200);
    const card = (await get(`/api/tickets/${walkIn.id}/call-card`, teller)).json();
    expect(card.openComplaints).toEqual([
      { id: hers.json().id, category: "queue", status: "open", dueAt: hers.json().dueAt },
    ]);
    expect((await post(`/api/tickets/${walkIn.id}/start`, teller)).statusCode).toBe(200);
    expect((await post(`/api/tickets/${walkIn.id}/complete`, teller, {})).statusCode).toBe(200);
  });

  it("merges two records only when a second person confirms, and audits both steps", async () => {
    const propose = await post("/api/customer-merges", lobby, {
      sourceId: li,
      targetId: wang,
      reason: "same person, new number",
    });
    expect(propose.statusCode, propose.body).toBe(201);
    expect(propose.json()).toMatchObject({ status: "proposed", source: { name: "李*" }, target: { name: "王*明" } });
    const mergeId = propose.json().id as string;
    // Nothing moved yet.
    expect((await get(`/api/customers?phone=4321`, teller)).json().customers).toHaveLength(1);
    expect((await post(`/api/customer-merges/${mergeId}/confirm`, lobby)).statusCode).toBe(403);
    const twice = await post("/api/customer-merges", teller, { sourceId: li, targetId: wang, reason: "again" });
    expect(twice.statusCode).toBe(409);
    const own = await post("/api/customer-merges", manager, { sourceId: wang, targetId: wang, reason: "x" });
    expect(own.statusCode).toBe(400);
    const ok = await post(`/api/customer-merges/${mergeId}/confirm`, manager);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().status).toBe("confirmed");
    expect((await post(`/api/customer-merges/${mergeId}/reject`, admin)).statusCode).toBe(409);
    expect((await get(`/api/customers?phone=4321`, teller)).json().customers).toEqual([]);
    const profile = (await get(`/api/customers/${wang}`, teller)).json();
    expect(profile.visits.length).toBe(2); // Wang's ticket and Li's
    expect(await auditCount("customer.merge.propose")).toBe(1);
    expect(await auditCount("customer.merge.confirm")).toBe(1);
    expect((await get("/api/customer-merges?status=confirmed", teller)).json().merges).toHaveLength(1);
  });

  it("exports and erases a customer's data on request, recorded", async () => {
    const exp = await post(`/api/customers/${wang}/export`, manager, { reason: "客户书面申请 2026-11-23" });
    expect(exp.statusCode, exp.body).toBe(200);
    const data = exp.json();
    expect(data.customer).toMatchObject({ phone: "+8613812345678", idNumber: "11010519491231002X", name: "王小明" });
    expect(data.visits.length).toBe(2);
    // The customer's own export keeps the record as typed.
    expect(data.serviceRecords[0]).toMatchObject({ needs: "换汇 USD 收款人 13912345678" });
    // The complaints and survey answers are the customer's data too, as given (unmasked, to the customer).
    expect(data.complaints.map((c: { source: string }) => c.source).sort()).toEqual(["staff", "survey"]);
    expect(data.complaints).toEqual(
      expect.arrayContaining([expect.objectContaining({ description: "年费 annual fee", status: "open" })]),
    );
    expect(data.surveys).toEqual([expect.objectContaining({ nps: 3, comment: "请回电 13912345678" })]);
    expect((await post(`/api/customers/${wang}/export`, teller, { reason: "just looking" })).statusCode).toBe(403);
    expect((await post(`/api/customers/${wang}/export`, manager, { reason: " " })).statusCode).toBe(400);
    expect(await auditCount("customer.export", wang)).toBe(1);

    const erase = await post(`/api/customers/${wang}/erase`, manager, { reason: "客户申请删除个人信息" });
    expect(erase.statusCode, erase.body).toBe(200);
    const row = await db().selectFrom("customers").selectAll().where("id", "=", wang).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: "", email: null, id_number: null });
    expect(row.phone_e164).not.toContain("13812345678");
    expect(row.anonymised_at).toBe(t.clock.now);
    expect((await get("/api/customers?phone=13812345678", teller)).json().customers).toEqual([]);
    // Facts stay: the served ticket, its business and outcome.
    const done = await db().selectFrom("tickets").select(["status", "outcome"]).where("status", "=", "done").execute();
    expect(done.length).toBeGreaterThan(0);
    const report = await db()
      .selectFrom("service_reports")
      .select(["pdf", "sha256", "customer_id"])
      .executeTakeFirstOrThrow();
    expect(report).toMatchObject({ pdf: "", customer_id: null });
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await auditCount("customer.erase", wang)).toBe(1);
  });

  it("keeps retention settings, dry-runs and runs retention: personal data goes, facts stay", async () => {
    const settings = await get("/api/retention", manager);
    expect(settings.statusCode).toBe(200);
    expect(settings.json().classes.map((c: { dataClass: string }) => c.dataClass)).toEqual([
      "visit_personal",
      "appointments",
      "complaints",
      "survey_texts",
      "audit",
      "followup_notes",
      "chat_transcripts",
    ]);
    expect(
      (await t.request({ method: "PUT", url: "/api/retention", cookie: manager, body: { days: { audit: 400 } } }))
        .statusCode,
    ).toBe(403);
    const bad = await t.request({
      method: "PUT",
      url: "/api/retention",
      cookie: admin,
      body: { days: { visit_personal: 5 } },
    });
    expect(bad.statusCode).toBe(400);
    const set = await t.request({
      method: "PUT",
      url: "/api/retention",
      cookie: admin,
      body: { days: { visit_personal: 60 } },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().classes[0]).toMatchObject({ dataClass: "visit_personal", days: 60, defaultDays: 365 });

    // A customer attached today, then 61 days pass.
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    const attach = await post(`/api/tickets/${ticket.id}/customer`, lobby, { phone: "13600002222", name: "赵六" });
    const zhao = attach.json().customerId as string;
    const c1 = ids.counters.get(1) as string;
    let call = await post(`/api/counters/${c1}/call-next`, teller);
    while (call.statusCode === 200 && call.json().ticket.id !== ticket.id) {
      await post(`/api/tickets/${call.json().ticket.id}/start`, teller);
      await post(`/api/tickets/${call.json().ticket.id}/complete`, teller, { notes: "walk-in" });
      call = await post(`/api/counters/${c1}/call-next`, teller);
    }
    await post(`/api/tickets/${ticket.id}/start`, teller);
    expect((await post(`/api/tickets/${ticket.id}/complete`, teller, { notes: "客户说明了家庭住址" })).statusCode).toBe(
      200,
    );

    t.clock.advance(61 * DAY);
    const fresh = async (u: string) => {
      const res = await t.server.app.inject({
        method: "POST",
        url: "/api/auth/login",
        payload: { username: u, password: "test-password-1" },
      });
      const c = res.cookies.find((x) => x.name === "datang_session");
      return `datang_session=${c?.value}`;
    };
    const adm = await fresh("admin");
    const before = JSON.stringify(
      await db().selectFrom("customers").selectAll().where("id", "=", zhao).executeTakeFirstOrThrow(),
    );
    const dry = await get("/api/retention/dry-run", adm);
    expect(dry.statusCode, dry.body).toBe(200);
    const visit = dry.json().items.find((i: { dataClass: string }) => i.dataClass === "visit_personal");
    expect(visit.rows.ticket_customers).toBeGreaterThanOrEqual(1);
    expect(visit.rows.customers).toBeGreaterThanOrEqual(1);
    expect(visit.rows.tickets).toBeGreaterThanOrEqual(1);
    expect(dry.json().items.find((i: { dataClass: string }) => i.dataClass === "complaints").available).toBe(true);
    // The dry run changed nothing.
    expect(
      JSON.stringify(await db().selectFrom("customers").selectAll().where("id", "=", zhao).executeTakeFirstOrThrow()),
    ).toBe(before);

    const run = await post("/api/retention/run", adm);
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json().items.find((i: { dataClass: string }) => i.dataClass === "visit_personal").rows).toEqual(
      visit.rows,
    );
    const z = await db().selectFrom("customers").selectAll().where("id", "=", zhao).executeTakeFirstOrThrow();
    expect(z).toMatchObject({ name: "", anonymised_at: t.clock.now });
    const tk = await db().selectFrom("tickets").selectAll().where("id", "=", ticket.id).executeTakeFirstOrThrow();
    expect(tk).toMatchObject({ status: "done", notes: null, service_id: ids.services.get("CASH") });
    expect(tk.completed_at).not.toBeNull();
    expect(await db().selectFrom("ticket_customers").selectAll().where("ticket_id", "=", ticket.id).execute()).toEqual(
      [],
    );
    expect(await auditCount("retention.run")).toBe(1);
    // The next dry run has nothing left of that class.
    const after = (await get("/api/retention/dry-run", adm)).json().items[0];
    expect(after.rows).toMatchObject({ ticket_customers: 0, customers: 0, tickets: 0 });
  });
});
