import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobRunner } from "../src/app/messages/runner.ts";
import type { OutboxTable } from "../src/store/schema.ts";
import { DB_KINDS } from "./support/databases.ts";
import { demoIds, startTestServer, type TestServer } from "./support/harness.ts";
import { type HttpSink, httpSink, type SmtpSink, smtpSink } from "./support/mail-sinks.ts";

// The harness clock starts on Monday 2026-11-23 09:30 in Shanghai; tomorrow is a Tuesday.
const TOMORROW = "2026-11-24";
const PUBLIC_URL = "https://book.bank.example";

/**
 * What the customer is told when staff or the customer change an appointment through the API, and staff resending
 * a message: the rows the change writes to the outbox (template, recipient, what they say), and their delivery by
 * the job runner to a real SMS gateway and SMTP server on 127.0.0.1.
 */
describe.each(DB_KINDS)("the customer's notices of appointment changes on %s", (kind) => {
  let t: TestServer;
  let ids: Awaited<ReturnType<typeof demoIds>>;
  let gateway: HttpSink;
  let smtp: SmtpSink;
  let runner: JobRunner;
  const svc = (code: string) => ids.services.get(code) as string;
  const db = () => t.server.ctx.store.db;
  const slots = async (code: string, date = TOMORROW) => {
    const res = await t.request({
      method: "GET",
      url: `/api/public/branches/${t.branchId}/slots?serviceId=${svc(code)}&date=${date}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().slots as Array<{ start: string; free: number }>).filter((s) => s.free > 0);
  };
  const staffBook = async (body: Record<string, unknown>) => {
    const res = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments`,
      cookie: await t.login("lobby"),
      body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; code: string; start: string; manageToken: string; manageUrl: string };
  };
  const messagesOf = (appointmentId: string, kinds: string[]) =>
    db()
      .selectFrom("outbox")
      .selectAll()
      .where("related_id", "=", appointmentId)
      .where("kind", "in", kinds)
      .orderBy("channel")
      .orderBy("created_at")
      .execute();
  const data = (m: OutboxTable | undefined) => JSON.parse(m?.data ?? "{}") as Record<string, unknown>;
  /** The SMS texts the gateway received for this phone (E.164). */
  const smsTo = (phone: string) =>
    gateway.hits
      .map((h) => JSON.parse(h.body) as { to: string; text: string })
      .filter((b) => b.to === phone)
      .map((b) => b.text);

  beforeAll(async () => {
    t = await startTestServer(kind);
    ids = await demoIds(t);
    gateway = await httpSink();
    smtp = await smtpSink();
    runner = new JobRunner(t.server.ctx, {
      config: {
        smtp: { url: smtp.url, from: "Datang <no-reply@bank.example>", timeoutMs: 3000 },
        sms: { url: `${gateway.url}/sms`, timeoutMs: 3000 },
        publicUrl: PUBLIC_URL,
      },
      leaseMs: 60_000,
    });
  });
  afterAll(async () => {
    await runner?.stop();
    await gateway?.close();
    await smtp?.down();
    await t?.close();
  });

  it("staff reschedule and cancel: the customer is told by SMS and e-mail, with the new time and the reason", async () => {
    const day = await slots("ACCOUNT");
    const phone = "+8613600136001";
    const booked = await staffBook({
      serviceId: svc("ACCOUNT"),
      start: day[0]?.start,
      name: "李雷",
      phone: "136 0013 6001",
      email: "li.lei@example.com",
    });
    const lobby = await t.login("lobby");
    const moved = await t.request({
      method: "POST",
      url: `/api/appointments/${booked.id}/reschedule`,
      cookie: lobby,
      body: { start: day[3]?.start },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const rescheduled = await messagesOf(booked.id, ["appointment.rescheduled"]);
    expect(rescheduled.map((m) => `${m.channel}:${m.recipient}:${m.status}:${m.lang}`)).toEqual([
      "email:li.lei@example.com:pending:zh-CN",
      `sms:${phone}:pending:zh-CN`,
    ]);
    for (const m of rescheduled) {
      expect(data(m)).toMatchObject({ appointmentId: booked.id, code: booked.code, start: day[3]?.start });
      expect(m.branch_id).toBe(t.branchId);
    }
    // The reminders moved with it: those still pending are for the new time, the old ones cancelled.
    const reminders = await messagesOf(booked.id, ["appointment.reminder"]);
    const pending = reminders.filter((m) => m.status === "pending");
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((m) => data(m).start === day[3]?.start)).toBe(true);
    expect(reminders.filter((m) => m.status === "cancelled").every((m) => data(m).start === day[0]?.start)).toBe(true);

    const reason = "柜台维修 / counter repair";
    const cancelled = await t.request({
      method: "POST",
      url: `/api/appointments/${booked.id}/cancel`,
      cookie: lobby,
      body: { reason },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const notices = await messagesOf(booked.id, ["appointment.cancelled"]);
    expect(notices.map((m) => `${m.channel}:${m.recipient}:${m.status}`)).toEqual([
      "email:li.lei@example.com:pending",
      `sms:${phone}:pending`,
    ]);
    for (const m of notices) expect(data(m)).toMatchObject({ code: booked.code, start: day[3]?.start, reason });
    expect((await messagesOf(booked.id, ["appointment.reminder"])).filter((m) => m.status === "pending")).toEqual([]);

    // Delivered: confirmation, move and cancellation, each by SMS and by e-mail.
    await runner.tick();
    const texts = smsTo(phone);
    expect(texts).toHaveLength(3);
    expect(texts.find((x) => x.includes("已改到"))).toContain(booked.code);
    const told = texts.find((x) => x.includes("已取消"));
    expect(told).toContain(booked.code);
    expect(told).toContain(`原因：${reason}`);
    const mails = smtp.mails.filter((m) => m.to && JSON.stringify(m.to).includes("li.lei@example.com"));
    expect(mails.map((m) => m.subject).sort()).toEqual(["预约已取消", "预约已改期", "预约成功"]);
    expect(mails.find((m) => m.subject === "预约已取消")?.text).toContain(reason);
    expect(
      (await messagesOf(booked.id, ["appointment.rescheduled", "appointment.cancelled"])).every(
        (m) => m.status === "sent",
      ),
    ).toBe(true);
  });

  it("the customer's own reschedule and cancel with the manage token: told in their language, at their phone", async () => {
    const day = await slots("CARD", "2026-11-25");
    const phone = "+8613600136002";
    const booked = await staffBook({
      serviceId: svc("CARD"),
      start: day[1]?.start,
      name: "Han Mei",
      phone,
      lang: "en",
    });
    const moved = await t.request({
      method: "POST",
      url: `/api/public/appointments/${booked.id}/reschedule`,
      body: { token: booked.manageToken, start: day[4]?.start },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const cancelled = await t.request({
      method: "POST",
      url: `/api/public/appointments/${booked.id}/cancel`,
      body: { token: booked.manageToken },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const notices = await messagesOf(booked.id, ["appointment.rescheduled", "appointment.cancelled"]);
    // No e-mail address given: SMS only.
    expect(notices.map((m) => `${m.kind}:${m.channel}:${m.recipient}:${m.lang}`).sort()).toEqual([
      `appointment.cancelled:sms:${phone}:en`,
      `appointment.rescheduled:sms:${phone}:en`,
    ]);
    for (const m of notices) expect(data(m)).toMatchObject({ code: booked.code, start: day[4]?.start });
    await runner.tick();
    const texts = smsTo(phone);
    expect(texts.find((x) => x.includes("is now on"))).toContain(booked.code);
    expect(texts.find((x) => x.includes("is cancelled"))).toContain(booked.code);
  });

  it("a reschedule notice and the reminders after it carry a manage link that opens the moved appointment", async () => {
    const day = await slots("CASH", "2026-11-26");
    const phone = "+8613600136004";
    const booked = await staffBook({
      serviceId: svc("CASH"),
      start: day[1]?.start,
      name: "Zhao Lin",
      phone,
      lang: "en",
    });
    const show = (tok: string) =>
      t.request({ method: "GET", url: `/api/public/appointments/${booked.id}?token=${encodeURIComponent(tok)}` });
    const tokenOf = (m: OutboxTable | undefined) =>
      new URL(String(data(m).manageUrl), PUBLIC_URL).searchParams.get("token") ?? "";
    const pendingReminders = async () =>
      (await messagesOf(booked.id, ["appointment.reminder"])).filter((m) => m.status === "pending");

    // The customer moves it through their link: the notice carries that same link, which keeps working.
    const own = await t.request({
      method: "POST",
      url: `/api/public/appointments/${booked.id}/reschedule`,
      body: { token: booked.manageToken, start: day[3]?.start },
    });
    expect(own.statusCode, own.body).toBe(200);
    const first = (await messagesOf(booked.id, ["appointment.rescheduled"]))[0];
    expect(tokenOf(first)).toBe(booked.manageToken);
    expect(data(first).managePath).toBe(`/book/manage?id=${booked.id}&token=${encodeURIComponent(booked.manageToken)}`);
    expect((await show(booked.manageToken)).json()).toMatchObject({ id: booked.id, start: day[3]?.start });
    for (const r of await pendingReminders()) expect(tokenOf(r)).toBe(booked.manageToken);

    // Staff move it: a new link in the notice and in the reminders queued again; the customer's old link is dead.
    t.clock.advance(60_000);
    const moved = await t.request({
      method: "POST",
      url: `/api/appointments/${booked.id}/reschedule`,
      cookie: await t.login("lobby"),
      body: { start: day[5]?.start },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const notices = await messagesOf(booked.id, ["appointment.rescheduled"]);
    expect(notices).toHaveLength(2);
    const token = tokenOf(notices[1]);
    expect(token).not.toBe("");
    expect(token).not.toBe(booked.manageToken);
    expect(data(notices[1]).start).toBe(day[5]?.start);
    // The customer's own move notice, still queued, now carries the working link too (its time stays as it was).
    expect(notices[0]?.status).toBe("pending");
    expect(tokenOf(notices[0])).toBe(token);
    expect(data(notices[0]).start).toBe(day[3]?.start);
    const opened = await show(token);
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json()).toMatchObject({ id: booked.id, code: booked.code, start: day[5]?.start, status: "booked" });
    expect((await show(booked.manageToken)).statusCode).toBe(404);
    const reminders = await pendingReminders();
    expect(reminders.length).toBeGreaterThan(0);
    for (const r of reminders) {
      expect(tokenOf(r)).toBe(token);
      expect(data(r).start).toBe(day[5]?.start);
    }
    const line = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "appointment.reschedule")
      .where("entity_id", "=", booked.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(line.details ?? "{}")).toMatchObject({ to: day[5]?.start, newManageLink: true });
    // The new link works for what it offers: the customer cancels with it.
    const cancelled = await t.request({
      method: "POST",
      url: `/api/public/appointments/${booked.id}/cancel`,
      body: { token },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);

    // As delivered: the SMS holds the link with the public address.
    await runner.tick();
    const moveTexts = smsTo(phone).filter((x) => x.includes("is now on"));
    expect(moveTexts).toHaveLength(2);
    for (const text of moveTexts)
      expect(text).toContain(`${PUBLIC_URL}/book/manage?id=${booked.id}&token=${encodeURIComponent(token)}`);
  });

  it("a confirmation still queued when staff move the appointment goes out once, with the new link, not the dead one", async () => {
    const day = await slots("CARD", "2026-11-27");
    const phone = "+8613600136007";
    const booked = await staffBook({
      serviceId: svc("CARD"),
      start: day[1]?.start,
      name: "Qian Yu",
      phone,
      email: "qian.yu@example.com",
      lang: "en",
    });
    const tokenIn = (text: string) => /token=([^&\s"]+)/.exec(text)?.[1] ?? "";
    const confirmations = await messagesOf(booked.id, ["appointment.confirmed"]);
    expect(confirmations.map((m) => `${m.channel}:${m.status}`)).toEqual(["email:pending", "sms:pending"]);
    expect(confirmations.map((m) => tokenIn(String(data(m).managePath)))).toEqual([
      encodeURIComponent(booked.manageToken),
      encodeURIComponent(booked.manageToken),
    ]);

    // Staff move it before the runner has sent the confirmation: a new token, the old link dead.
    t.clock.advance(60_000);
    const moved = await t.request({
      method: "POST",
      url: `/api/appointments/${booked.id}/reschedule`,
      cookie: await t.login("lobby"),
      body: { start: day[4]?.start },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const notice = (await messagesOf(booked.id, ["appointment.rescheduled"]))[0];
    const link = String(data(notice).managePath);
    const fresh = tokenIn(link);
    expect(fresh).not.toBe("");
    expect(fresh).not.toBe(encodeURIComponent(booked.manageToken));

    // The queued confirmations are the same two messages, still pending, now with the new link (text and .ics).
    const after = await messagesOf(booked.id, ["appointment.confirmed"]);
    expect(after.map((m) => `${m.id}:${m.status}`)).toEqual(confirmations.map((m) => `${m.id}:pending`));
    for (const m of after) {
      expect(data(m).managePath).toBe(link);
      expect(tokenIn(String(data(m).manageUrl))).toBe(fresh);
      expect(data(m).start).toBe(day[1]?.start);
    }
    const ics = String(data(after.find((m) => m.channel === "email")).ics);
    expect(ics).toContain("BEGIN:VCALENDAR");
    expect(ics).toContain(`UID:${booked.id}@datang`);
    // Nothing still to go out carries the dead token.
    const unsent = (
      await messagesOf(booked.id, ["appointment.confirmed", "appointment.rescheduled", "appointment.reminder"])
    ).filter((m) => m.status === "pending");
    expect(unsent.length).toBeGreaterThanOrEqual(6);
    for (const m of unsent) expect(m.data).not.toContain(booked.manageToken);

    // As delivered: one confirmation and one move notice per channel, every link the working one.
    await runner.tick();
    const texts = smsTo(phone);
    expect(texts.filter((x) => x.includes("is now on"))).toHaveLength(1);
    expect(texts).toHaveLength(2);
    for (const x of texts) expect(tokenIn(x)).toBe(fresh);
    const mails = smtp.mails.filter((m) => JSON.stringify(m.to ?? "").includes("qian.yu@example.com"));
    expect(mails).toHaveLength(2);
    for (const m of mails) {
      expect(m.text).toContain(`token=${fresh}`);
      expect(m.text).not.toContain(encodeURIComponent(booked.manageToken));
    }
    const opened = await t.request({
      method: "GET",
      url: `/api/public/appointments/${booked.id}?token=${fresh}`,
    });
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json()).toMatchObject({ start: day[4]?.start, status: "booked" });
  });

  it("cancelling a time range tells every customer in it, with the reason", async () => {
    const day = await slots("CASH", "2026-11-26");
    const booked = [];
    for (const [i, s] of day.slice(0, 3).entries())
      booked.push(
        await staffBook({ serviceId: svc("CASH"), start: s.start, name: `客户${i}`, phone: `+86136001360${i + 10}` }),
      );
    const reason = "停电 / power cut";
    const res = await t.request({
      method: "POST",
      url: `/api/branches/${t.branchId}/appointments/cancel-range`,
      cookie: await t.login("manager"),
      body: { from: "2026-11-26T00:00:00+08:00", to: "2026-11-27T00:00:00+08:00", reason, serviceId: svc("CASH") },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ cancelled: 3 });
    for (const [i, b] of booked.entries()) {
      const notices = await messagesOf(b.id, ["appointment.cancelled"]);
      expect(notices.map((m) => `${m.channel}:${m.recipient}`)).toEqual([`sms:+86136001360${i + 10}`]);
      expect(data(notices[0])).toMatchObject({ code: b.code, reason });
    }
  });

  it("staff resend a confirmation: a new message with a new link that works, the old link dead, audited", async () => {
    const day = await slots("TRANSFER", "2026-11-27");
    const phone = "+8613600136003";
    const booked = await staffBook({
      serviceId: svc("TRANSFER"),
      start: day[2]?.start,
      name: "王芳",
      phone,
      email: "wang.fang@example.com",
    });
    const before = await messagesOf(booked.id, ["appointment.confirmed"]);
    expect(before).toHaveLength(2);
    await runner.tick();
    const sentBefore = smsTo(phone).length;
    expect(sentBefore).toBe(1);

    // An auditor may not; nothing is written then.
    const refused = await t.request({
      method: "POST",
      url: `/api/appointments/${booked.id}/resend`,
      cookie: await t.login("auditor"),
      body: {},
    });
    expect(refused.statusCode).toBe(403);
    expect(await messagesOf(booked.id, ["appointment.confirmed"])).toHaveLength(2);

    t.clock.advance(60_000);
    const res = await t.request({
      method: "POST",
      url: `/api/appointments/${booked.id}/resend`,
      cookie: await t.login("lobby"),
      body: {},
    });
    expect(res.statusCode, res.body).toBe(200);
    const after = await messagesOf(booked.id, ["appointment.confirmed"]);
    const fresh = after.filter((m) => !before.some((b) => b.id === m.id));
    expect(fresh.map((m) => `${m.channel}:${m.recipient}:${m.status}`)).toEqual([
      "email:wang.fang@example.com:pending",
      `sms:${phone}:pending`,
    ]);
    const link = String(data(fresh[0]).manageUrl);
    const token = new URL(link, PUBLIC_URL).searchParams.get("token") ?? "";
    expect(token).not.toBe(booked.manageToken);
    const show = (tok: string) =>
      t.request({ method: "GET", url: `/api/public/appointments/${booked.id}?token=${encodeURIComponent(tok)}` });
    expect((await show(token)).statusCode).toBe(200);
    expect((await show(booked.manageToken)).statusCode).toBe(404);
    // The reminder still to come carries the link that works, not the one the resend made dead.
    const reminders = (await messagesOf(booked.id, ["appointment.reminder"])).filter((m) => m.status === "pending");
    expect(reminders.length).toBeGreaterThan(0);
    for (const r of reminders) expect(data(r).manageUrl).toBe(link);

    const trail = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "appointment.resend")
      .where("entity_id", "=", booked.id)
      .execute();
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ actor_name: "lobby", entity_type: "appointment", branch_id: t.branchId });

    await runner.tick();
    const texts = smsTo(phone);
    expect(texts).toHaveLength(sentBefore + 1);
    expect(texts.at(-1)).toContain(`${PUBLIC_URL}/book/manage?id=${booked.id}&token=`);
    expect(texts.at(-1)).toContain(encodeURIComponent(token));
    const sms = fresh.find((m) => m.channel === "sms");
    expect(gateway.hits.at(-1)?.headers["idempotency-key"]).toBe(sms?.id);
  });

  it("staff resend a sent message from Messages: the same message goes out once more, audited", async () => {
    const day = await slots("WEALTH", "2026-11-30");
    const phone = "+8613600136004";
    const booked = await staffBook({ serviceId: svc("WEALTH"), start: day[0]?.start, name: "赵敏", phone });
    await runner.tick();
    const [sms] = await messagesOf(booked.id, ["appointment.confirmed"]);
    expect(sms).toMatchObject({ status: "sent", attempts: 1, recipient: phone });
    const hitsBefore = gateway.hits.filter((h) => h.headers["idempotency-key"] === sms?.id).length;
    expect(hitsBefore).toBe(1);

    const manager = await t.login("manager");
    const res = await t.request({ method: "POST", url: `/api/messages/${sms?.id}/resend`, cookie: manager });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: sms?.id, status: "pending", attempts: 0, recipient: "136****6004" });
    const trail = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "message.resend")
      .where("entity_id", "=", sms?.id ?? "")
      .execute();
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ actor_name: "manager", entity_type: "message", branch_id: t.branchId });

    await runner.tick();
    const hits = gateway.hits.filter((h) => h.headers["idempotency-key"] === sms?.id);
    expect(hits).toHaveLength(2);
    expect((JSON.parse(hits[1]?.body ?? "{}") as { to: string; text: string }).text).toContain(booked.code);
    expect(
      await db()
        .selectFrom("outbox")
        .select(["status", "attempts"])
        .where("id", "=", sms?.id ?? "")
        .executeTakeFirst(),
    ).toEqual({ status: "sent", attempts: 1 });
    // Sent once more, and no more.
    await runner.tick();
    expect(gateway.hits.filter((h) => h.headers["idempotency-key"] === sms?.id)).toHaveLength(2);
  });

  it("refuses to resend a sent confirmation whose link a staff move has replaced, and changes nothing", async () => {
    const day = await slots("CASH", "2026-11-30");
    const phone = "+8613600136008";
    const booked = await staffBook({ serviceId: svc("CASH"), start: day[0]?.start, name: "孙丽", phone });
    await runner.tick();
    const [sms] = await messagesOf(booked.id, ["appointment.confirmed"]);
    expect(sms).toMatchObject({ status: "sent", attempts: 1 });
    const manager = await t.login("manager");
    t.clock.advance(60_000);
    const moved = await t.request({
      method: "POST",
      url: `/api/appointments/${booked.id}/reschedule`,
      cookie: await t.login("lobby"),
      body: { start: day[3]?.start },
    });
    expect(moved.statusCode, moved.body).toBe(200);

    const res = await t.request({ method: "POST", url: `/api/messages/${sms?.id}/resend`, cookie: manager });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({
      error: "conflict",
      details: { reason: "link_superseded", appointmentId: booked.id },
    });
    expect(
      await db()
        .selectFrom("outbox")
        .select(["status", "attempts"])
        .where("id", "=", sms?.id ?? "")
        .executeTakeFirst(),
    ).toEqual({ status: "sent", attempts: 1 });
    const trail = await db()
      .selectFrom("audit_log")
      .select("id")
      .where("action", "=", "message.resend")
      .where("entity_id", "=", sms?.id ?? "")
      .execute();
    expect(trail).toHaveLength(0);
    // The reschedule notice carries the working link and may be resent once it is sent.
    await runner.tick();
    const [notice] = (await messagesOf(booked.id, ["appointment.rescheduled"])).filter((m) => m.channel === "sms");
    expect(notice?.status).toBe("sent");
    const again = await t.request({ method: "POST", url: `/api/messages/${notice?.id}/resend`, cookie: manager });
    expect(again.statusCode, again.body).toBe(200);
  });
});
