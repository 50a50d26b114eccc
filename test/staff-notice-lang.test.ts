/**
 * Staff notices (follow-up and complaint reminders and escalations) go out in the member of staff's language
 * where they set one (PUT /api/me/contact {lang}), else in the branch's default for staff notices (its feedback
 * settings), else in Chinese.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepComplaintClocks } from "../src/app/complaints/complaints.ts";
import { sweepFollowupClocks } from "../src/app/followups/followups.ts";
import { renderMessage } from "../src/app/messages/render.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, issueAtKiosk, startTestServer, TEST_PASSWORD, type TestServer } from "./support/harness.ts";

const DAY = 86_400_000;

describe.each(DB_KINDS)("staff notices in the staff member's language on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  const db = () => t.server.ctx.store.db;
  /** New sessions: the clock jumps days ahead, past a cached session's lifetime. */
  const fresh = async (username: string) => {
    const res = await t.server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { username, password: TEST_PASSWORD },
    });
    return `datang_session=${res.cookies.find((x) => x.name === "datang_session")?.value}`;
  };
  const as = async (user: string, method: string, url: string, body?: unknown) =>
    t.request({ method, url, cookie: await fresh(user), body });
  const messages = (relatedId: string) =>
    db()
      .selectFrom("outbox")
      .select(["kind", "channel", "recipient", "lang", "data"])
      .where("related_id", "=", relatedId)
      .orderBy("kind")
      .orderBy("channel")
      .execute();

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    for (const [u, phone, email, lang] of [
      ["teller2", "13700000002", "teller2@bank.example", "en"],
      ["manager", "13700000009", "manager@bank.example", undefined],
    ] as const) {
      const res = await as(u, "PUT", "/api/me/contact", { phone, email, ...(lang ? { lang } : {}) });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ phone: `+86${phone}`, email, lang: lang ?? null });
    }
    expect((await as("teller2", "GET", "/api/me/contact")).json().lang).toBe("en");
    const bad = await as("teller2", "PUT", "/api/me/contact", { phone: null, email: null, lang: "fr" });
    expect(bad.statusCode).toBe(400);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a follow-up reminder goes to the assignee in English (their language), the escalation in Chinese", async () => {
    const teller2 = (
      await db().selectFrom("users").select("id").where("username", "=", "teller2").executeTakeFirstOrThrow()
    ).id;
    const ticket = await issueAtKiosk(t, ids.services.get("CASH"));
    // An open follow-up (as the job creates one) due at the end of Tuesday 24th, assigned to teller2.
    await t.server.ctx.store.write((tx) =>
      tx
        .insertInto("followups")
        .values({
          id: "fu-lang",
          branch_id: t.branchId,
          customer_id: "c-lang",
          ticket_id: ticket.id,
          service_id: ids.services.get("CASH") as string,
          purpose: "service",
          status: "open",
          assignee_id: teller2,
          assigned_by: null,
          assigned_via: null,
          due_at: Date.parse("2026-11-24T15:59:59.999Z"),
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
    // Monday 23rd, 09:30: one day before, inside working hours.
    expect((await sweepFollowupClocks(t.server.ctx)).reminded).toBe(1);
    const reminders = await messages("fu-lang");
    expect(reminders.map((m) => [m.kind, m.recipient, m.lang])).toEqual([
      ["followup.reminder", "teller2@bank.example", "en"],
      ["followup.reminder", "+8613700000002", "en"],
    ]);
    const text = renderMessage("followup.reminder", "en", JSON.parse(reminders[0]?.data ?? "{}"), {});
    expect(text.subject).toContain("Follow-up due");
    // Wednesday 25th, 10:00: past due; the manager has no language of their own and the branch none: Chinese.
    t.clock.now = Date.parse("2026-11-25T02:00:00Z");
    expect((await sweepFollowupClocks(t.server.ctx)).escalated).toBe(1);
    const escalations = (await messages("fu-lang")).filter((m) => m.kind === "followup.escalated");
    expect(escalations.map((m) => [m.recipient, m.lang])).toEqual([
      ["manager@bank.example", "zh-CN"],
      ["+8613700000009", "zh-CN"],
    ]);
  });

  it("complaint reminders and escalations are sent, in the branch's default unless the person set their own", async () => {
    const settings = await as("manager", "PUT", `/api/branches/${t.branchId}/feedback-settings`, {
      staff: { lang: "en" },
    });
    expect(settings.statusCode, settings.body).toBe(200);
    expect(settings.json().staff).toEqual({ lang: "en" });
    expect(
      (await as("teller2", "PUT", `/api/branches/${t.branchId}/feedback-settings`, { staff: { lang: "en" } }))
        .statusCode,
    ).toBe(403);
    const filed = await as("lobby", "POST", "/api/complaints", {
      branchId: t.branchId,
      category: "queue",
      severity: "simple",
      description: "等太久",
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const id = filed.json().id as string;
    const dueAt = Date.parse(filed.json().dueAt);
    // Day by day at this time of day until the reminder is sent (the day before the deadline, a working day).
    for (let i = 0; i < 40 && (await messages(id)).length === 0; i++) {
      t.clock.advance(DAY);
      await sweepComplaintClocks(t.server.ctx);
    }
    expect(t.clock.now).toBeLessThan(dueAt);
    // No owner: the branch's managers are reminded, in the branch's language (the manager set none).
    const reminders = await messages(id);
    expect(reminders.map((m) => [m.kind, m.recipient, m.lang])).toEqual([
      ["complaint.reminder", "manager@bank.example", "en"],
      ["complaint.reminder", "+8613700000009", "en"],
    ]);
    const text = renderMessage("complaint.reminder", "en", JSON.parse(reminders[0]?.data ?? "{}"), {});
    expect(text.subject).toBe(`Complaint due: ${filed.json().reference}`);
    expect(text.text).toContain("must be decided by");
    // The manager now chooses Chinese: their own language wins over the branch's.
    expect(
      (
        await as("manager", "PUT", "/api/me/contact", {
          phone: "13700000009",
          email: "manager@bank.example",
          lang: "zh-CN",
        })
      ).statusCode,
    ).toBe(200);
    for (let i = 0; i < 10 && (await messages(id)).length === 2; i++) {
      t.clock.advance(DAY);
      await sweepComplaintClocks(t.server.ctx);
    }
    const escalations = (await messages(id)).filter((m) => m.kind === "complaint.escalated");
    expect(escalations.map((m) => [m.recipient, m.lang])).toEqual([
      ["manager@bank.example", "zh-CN"],
      ["+8613700000009", "zh-CN"],
    ]);
    const zh = renderMessage("complaint.escalated", "zh-CN", JSON.parse(escalations[0]?.data ?? "{}"), {});
    expect(zh.subject).toBe(`投诉逾期：${filed.json().reference}`);
    expect(zh.text).toContain("尚未指派处理人");
  });
});
