import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DB_KINDS } from "../../../test/support/databases.ts";
import { type HttpSink, httpSink, type SmtpSink, smtpSink } from "../../../test/support/mail-sinks.ts";
import { openStore } from "../../store/connect.ts";
import { enqueueMessage, type NewMessage } from "../../store/outbox.ts";
import { bookAppointment } from "../appointments/book.ts";
import { appointmentIcs } from "../appointments/messages.ts";
import { createAppContext } from "../create-context.ts";
import { requestOtp } from "../customers/otp.ts";
import { makeTestContext, type TestContext } from "../test-context.ts";
import { publishAppointmentEvent } from "../webhooks/publish.ts";
import { listMessages, resendMessage } from "./admin.ts";
import type { Channel } from "./channels/channel.ts";
import { smtpChannel } from "./channels/smtp.ts";
import type { MessagingConfig } from "./config.ts";
import { JobRunner } from "./runner.ts";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe.each(DB_KINDS)("the job runner on %s", (kind) => {
  let t: TestContext;
  let smtp: SmtpSink;
  let gateway: HttpSink;
  const runners: JobRunner[] = [];
  beforeEach(async () => {
    t = await makeTestContext(kind);
    smtp = await smtpSink();
    gateway = await httpSink();
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    await smtp.down();
    await gateway.close();
    await t.close();
  });

  const config = (): MessagingConfig => ({
    smtp: { url: smtp.url, from: "Datang <no-reply@bank.example>", timeoutMs: 3000 },
    sms: { url: `${gateway.url}/sms`, timeoutMs: 3000 },
    publicUrl: "https://book.bank.example",
  });
  const runner = (c: MessagingConfig = config(), ctx = t.ctx) => {
    const r = new JobRunner(ctx, { config: c, leaseMs: 60_000 });
    runners.push(r);
    return r;
  };
  const enqueue = (msg: Partial<NewMessage> & Pick<NewMessage, "kind" | "channel" | "recipient">) =>
    t.ctx.store.write((tx) => enqueueMessage(tx, { lang: "zh-CN", data: {}, now: t.clock.now, ...msg }));
  const row = (id: string) =>
    t.ctx.store.db.selectFrom("outbox").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  it("delivers an e-mail with text, HTML, a stable Message-ID and the .ics to a real SMTP server", async () => {
    const start = "2026-11-24T02:00:00.000Z";
    const { id } = await enqueue({
      kind: "appointment.confirmed",
      channel: "email",
      recipient: "zhang@example.com",
      lang: "en",
      data: {
        code: "K7Q2",
        start,
        timeZone: "Asia/Shanghai",
        branch: { zh: "南京西路支行", en: "Nanjing West Road" },
        service: { zh: "开户", en: "Open an account" },
        managePath: "/book/manage/tok123",
        ics: {
          start: Date.parse(start),
          startInputType: "utc",
          startOutputType: "utc",
          duration: { minutes: 20 },
          title: "Open an account",
          location: "Nanjing West Road",
          uid: "appt-1@datang",
        },
      },
    });
    expect(await runner().tick()).toMatchObject({ messages: 1 });
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0];
    expect(mail?.messageId).toBe(`<${id}@bank.example>`);
    expect(mail?.subject).toBe("Appointment confirmed");
    expect(mail?.text).toContain("K7Q2");
    expect(mail?.text).toContain("10:00");
    expect(mail?.text).toContain("https://book.bank.example/book/manage/tok123");
    expect(mail?.html).toContain('<a href="https://book.bank.example/book/manage/tok123">');
    const ics = mail?.attachments.find((a) => a.filename === "appointment.ics");
    const calendar = ics?.content.toString("utf8") ?? "";
    expect(calendar).toContain("BEGIN:VEVENT");
    expect(calendar).toContain("DTSTART:20261124T020000Z");
    expect(calendar).toContain("SUMMARY:Open an account");
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 1, last_error: null });
  });

  it("attaches a calendar stored already rendered (as the booking use cases store it)", async () => {
    const calendar = appointmentIcs({
      id: "appt-2",
      start: Date.parse("2026-11-25T02:00:00.000Z"),
      end: Date.parse("2026-11-25T02:15:00.000Z"),
      title: "现金存取 – 南京西路支行",
      location: "南京西路支行",
      description: "预约码: K7Q3",
    });
    await enqueue({
      kind: "appointment.confirmed",
      channel: "email",
      recipient: "wang@example.com",
      data: { code: "K7Q3", ics: calendar, icsFilename: "appointment.ics" },
    });
    const before = smtp.mails.length;
    expect(await runner().tick()).toMatchObject({ messages: 1 });
    const mail = smtp.mails[before];
    const ics = mail?.attachments.find((a) => a.filename === "appointment.ics");
    expect(ics?.contentType).toBe("text/calendar");
    const text = ics?.content.toString("utf8") ?? "";
    expect(text).toContain("DTSTART:20261125T020000Z");
    expect(text).toContain("K7Q3");
  });

  it("retries while the SMTP server is down and delivers once it is back", async () => {
    await smtp.down();
    const { id } = await enqueue({ kind: "appointment.reminder", channel: "email", recipient: "li@example.com" });
    const r = runner();
    await r.tick();
    const failed = await row(id);
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(failed.next_attempt_at).toBeGreaterThan(t.clock.now);
    await r.tick(); // not due yet: no second attempt
    expect((await row(id)).attempts).toBe(1);
    await smtp.up();
    t.clock.advance(failed.next_attempt_at - t.clock.now);
    await r.tick();
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 2 });
    expect(smtp.mails).toHaveLength(1);
  });

  it("makes a message dead after a permanent refusal (5xx), without retrying it", async () => {
    smtp.refuse(550);
    const { id } = await enqueue({ kind: "appointment.reminder", channel: "email", recipient: "nobody@example.com" });
    const r = runner();
    await r.tick();
    const dead = await row(id);
    expect(dead).toMatchObject({ status: "dead", attempts: 1 });
    expect(dead.last_error).toContain("550");
    t.clock.advance(24 * 3_600_000);
    await r.tick();
    expect((await row(id)).attempts).toBe(1);
  });

  it("sends a one-time code by SMS to the HTTP gateway, then forgets it; the code is in no log", async () => {
    const lines: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      }),
    );
    try {
      await requestOtp(t.ctx, { phone: "13812345678", ip: "10.0.0.9" });
      const before = await t.ctx.store.db.selectFrom("outbox").selectAll().executeTakeFirstOrThrow();
      const code = (JSON.parse(before.data) as { code: string }).code;
      await runner().tick();
      expect(gateway.hits).toHaveLength(1);
      const hit = gateway.hits[0];
      expect(hit?.url).toBe("/sms");
      expect(hit?.headers["idempotency-key"]).toBe(before.id);
      const body = JSON.parse(hit?.body ?? "{}") as { to: string; text: string };
      expect(body.to).toBe("+8613812345678");
      expect(body.text).toContain(code);
      const after = await row(before.id);
      expect(after.status).toBe("sent");
      expect(after.data).not.toContain(code);
      expect(lines.join("\n")).not.toContain(code);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it("sends a due one-time code before the round's scheduled jobs, however long they take", async () => {
    await requestOtp(t.ctx, { phone: "13812345678", ip: "10.0.0.9" });
    let release = () => {};
    let sentWhenJobRan = -1;
    const slowJob = {
      name: "slow",
      everyMs: 60_000,
      run: () =>
        new Promise<void>((resolve) => {
          sentWhenJobRan = gateway.hits.length;
          release = resolve;
        }),
    };
    const r = new JobRunner(t.ctx, { config: config(), leaseMs: 60_000, jobs: [slowJob] });
    runners.push(r);
    const round = r.tick();
    await vi.waitFor(() => expect(sentWhenJobRan).toBeGreaterThanOrEqual(0));
    // The job is still running: the code went out before it began.
    expect(sentWhenJobRan).toBe(1);
    release();
    expect(await round).toMatchObject({ messages: 1 });
    expect(gateway.hits).toHaveLength(1);
  });

  it("uses the configured body template and headers for the SMS gateway", async () => {
    await enqueue({ kind: "fallback-kind", channel: "sms", recipient: "+8613900001111", data: { text: "你好" } });
    await runner({
      sms: {
        url: gateway.url,
        template: '{"mobile":"{{to}}","content":{"body":"{{text}}"},"ref":"{{id}}","sign":"BANK"}',
        headers: { "x-api-key": "k-123" },
      },
    }).tick();
    const hit = gateway.hits[0];
    expect(hit?.headers["x-api-key"]).toBe("k-123");
    expect(JSON.parse(hit?.body ?? "{}")).toMatchObject({
      mobile: "+8613900001111",
      content: { body: "你好" },
      sign: "BANK",
    });
  });

  it("keeps messages undeliverable without a configured channel and delivers them once it is configured", async () => {
    const { id } = await enqueue({ kind: "appointment.reminder", channel: "sms", recipient: "+8613900001111" });
    await runner({}).tick();
    expect(await row(id)).toMatchObject({ status: "undeliverable", attempts: 0 });
    expect(gateway.hits).toHaveLength(0);
    await runner().tick();
    expect(await row(id)).toMatchObject({ status: "sent" });
    expect(gateway.hits).toHaveLength(1);
  });

  it("does not send a reminder before its time", async () => {
    const { id } = await enqueue({
      kind: "appointment.reminder",
      channel: "sms",
      recipient: "+8613900001111",
      notBefore: t.clock.now + 3_600_000,
    });
    const r = runner();
    await r.tick();
    expect(gateway.hits).toHaveLength(0);
    t.clock.advance(3_600_000);
    await r.tick();
    expect(gateway.hits).toHaveLength(1);
    expect((await row(id)).status).toBe("sent");
  });

  it("signs webhooks per Standard Webhooks, for ticket events and appointment events", async () => {
    const hook = await httpSink();
    try {
      await t.ctx.store.db
        .insertInto("webhook_subscriptions")
        .values({
          id: "sub1",
          url: `${hook.url}/hook`,
          secret: SECRET,
          event_types: JSON.stringify(["ticket.issued", "appointment.*"]),
          branch_id: t.branchId,
          allow_personal_data: 0,
          active: 1,
          description: "",
          created_at: t.clock.now,
        })
        .execute();
      const r = runner();
      await r.tick(); // the branch's cursor starts here
      const ticket = await t.issue("CASH");
      await t.ctx.store.write((tx) =>
        publishAppointmentEvent(tx, t.ctx, {
          type: "appointment.booked",
          branchId: t.branchId,
          appointment: { id: "a1" },
          customer: { id: "c1", phone: "+8613812345678" },
        }),
      );
      await r.tick();
      expect(hook.hits).toHaveLength(2);
      const verifier = new Webhook(SECRET);
      const bodies = hook.hits.map((h) => {
        const headers = {
          "webhook-id": String(h.headers["webhook-id"]),
          "webhook-timestamp": String(h.headers["webhook-timestamp"]),
          "webhook-signature": String(h.headers["webhook-signature"]),
        };
        // Verification checks the timestamp against the real time; the test clock is in the past.
        vi.useFakeTimers({ now: Number(headers["webhook-timestamp"]) * 1000, toFake: ["Date"] });
        try {
          return verifier.verify(h.body, headers) as { type: string; data: Record<string, unknown> };
        } finally {
          vi.useRealTimers();
        }
      });
      expect(bodies.map((b) => b.type).sort()).toEqual(["appointment.booked", "ticket.issued"]);
      expect(bodies.find((b) => b.type === "ticket.issued")?.data).toMatchObject({ ticket: { id: ticket.id } });
      expect(JSON.stringify(bodies)).not.toContain("13812345678");
      // A tampered body does not verify.
      const h = hook.hits[0];
      expect(() =>
        verifier.verify(`${h?.body} `, {
          "webhook-id": String(h?.headers["webhook-id"]),
          "webhook-timestamp": String(h?.headers["webhook-timestamp"]),
          "webhook-signature": String(h?.headers["webhook-signature"]),
        }),
      ).toThrow();
      const rows = await t.ctx.store.db.selectFrom("webhook_deliveries").selectAll().execute();
      expect(rows.every((d) => d.status === "sent" && d.last_status_code === 200)).toBe(true);
    } finally {
      await hook.close();
    }
  });

  it("two runners on two stores never deliver the same message twice", async () => {
    const other = openStore(t.location);
    const otherCtx = createAppContext({ store: other, clock: () => t.clock.now });
    try {
      const ids = new Set<string>();
      for (let i = 0; i < 40; i++)
        ids.add(
          (await enqueue({ kind: "x", channel: "sms", recipient: "+8613900001111", data: { text: `m${i}` } })).id,
        );
      const a = runner(config(), t.ctx);
      const b = runner(config(), otherCtx);
      for (let round = 0; round < 4; round++) await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      const keys = gateway.hits.map((h) => String(h.headers["idempotency-key"]));
      expect(keys).toHaveLength(40);
      expect(new Set(keys)).toEqual(ids);
    } finally {
      otherCtx.lines.close();
      await other.close();
    }
  });

  describe("quiet hours on every (re)scheduling (21:00-08:00 Shanghai)", () => {
    const SHANGHAI = { timeZone: "Asia/Shanghai" };
    /** The clock to this local time in Shanghai on the day given (the test context starts on 2026-11-23). */
    const at = (iso: string) => {
      t.clock.now = Date.parse(`${iso}+08:00`);
    };
    const reminder = () =>
      enqueue({ kind: "appointment.reminder", channel: "sms", recipient: "+8613900001111", quietHours: SHANGHAI });

    it("retries a reminder that failed at 20:59:50 at 08:00, not after its backoff inside quiet hours", async () => {
      at("2026-11-23T20:59:50");
      const { id } = await reminder();
      gateway.answer(503);
      const r = runner();
      await r.tick();
      expect(await row(id)).toMatchObject({
        status: "failed",
        next_attempt_at: Date.parse("2026-11-24T08:00:00+08:00"),
      });
      gateway.answer(200);
      at("2026-11-23T23:00:00");
      await r.tick();
      expect(gateway.hits).toHaveLength(1);
      at("2026-11-24T08:00:00");
      await r.tick();
      expect(await row(id)).toMatchObject({ status: "sent", attempts: 2 });
      expect(gateway.hits).toHaveLength(2);
    });

    it("revives an undeliverable reminder at 23:00 for 08:00, and a one-time code at once", async () => {
      at("2026-11-23T20:30:00");
      const { id } = await reminder();
      await requestOtp(t.ctx, { phone: "13812345678", ip: "10.0.0.9" });
      await runner({}).tick();
      expect(await row(id)).toMatchObject({ status: "undeliverable" });
      at("2026-11-23T23:00:00");
      const r = runner();
      await r.tick();
      expect(await row(id)).toMatchObject({
        status: "pending",
        next_attempt_at: Date.parse("2026-11-24T08:00:00+08:00"),
      });
      // Only the one-time code went out at 23:00.
      expect(gateway.hits).toHaveLength(1);
      expect(gateway.hits[0]?.body).not.toContain("_quietHours");
      at("2026-11-24T08:00:00");
      await r.tick();
      expect(await row(id)).toMatchObject({ status: "sent" });
      expect(gateway.hits).toHaveLength(2);
    });

    it("a reminder due at 20:30 but claimed at 22:00 (the runner was down) waits for 08:00, no attempt counted", async () => {
      at("2026-11-23T20:30:00");
      const { id } = await reminder();
      at("2026-11-23T22:00:00");
      const r = runner();
      await r.tick();
      expect(gateway.hits).toHaveLength(0);
      expect(await row(id)).toMatchObject({
        status: "pending",
        attempts: 0,
        lease_owner: null,
        next_attempt_at: Date.parse("2026-11-24T08:00:00+08:00"),
      });
      at("2026-11-24T08:00:00");
      await r.tick();
      expect(await row(id)).toMatchObject({ status: "sent", attempts: 1 });
      expect(gateway.hits).toHaveLength(1);
    });

    it("a resend at 22:00 waits for 08:00", async () => {
      at("2026-11-23T10:00:00");
      const { id } = await reminder();
      const r = runner();
      await r.tick();
      expect(await row(id)).toMatchObject({ status: "sent" });
      at("2026-11-23T22:00:00");
      const view = await resendMessage(t.ctx, await t.staff("admin"), id);
      expect(view.nextAttemptAt).toBe("2026-11-24T00:00:00.000Z");
      await r.tick();
      expect(gateway.hits).toHaveLength(1);
    });

    it("an SMS sent instead of an e-mail refused for good as quiet hours begin waits for 08:00 too", async () => {
      const booked = await bookAppointment(t.ctx, await t.staff("lobby"), {
        branchId: t.branchId,
        serviceId: t.service("CARD"),
        start: "2026-11-25T10:00:00+08:00",
        name: "Han Mei",
        phone: "13912340000",
      });
      const { customer_id } = await t.ctx.store.db
        .selectFrom("appointments")
        .select("customer_id")
        .where("id", "=", booked.id)
        .executeTakeFirstOrThrow();
      expect(customer_id).not.toBeNull();
      at("2026-11-23T20:59:50");
      smtp.refuse(550);
      const { id } = await enqueue({
        kind: "survey.invite",
        channel: "email",
        recipient: "han@example.com",
        customerId: customer_id ?? "",
        quietHours: SHANGHAI,
      });
      // The real SMTP server refuses; the conversation ends after 21:00 (the clock moves while it lasts).
      const real = smtpChannel(config().smtp as NonNullable<MessagingConfig["smtp"]>);
      const slow: Channel = {
        name: "email",
        async send(message) {
          const outcome = await real.send(message);
          at("2026-11-23T21:00:30");
          return outcome;
        },
        close: () => real.close(),
      };
      const r = new JobRunner(t.ctx, { config: config(), leaseMs: 60_000, channels: [slow] });
      runners.push(r);
      await r.tick();
      expect(await row(id)).toMatchObject({ status: "dead" });
      const instead = await t.ctx.store.db
        .selectFrom("outbox")
        .selectAll()
        .where("dedupe_key", "=", `sms-instead:${id}`)
        .executeTakeFirstOrThrow();
      expect(instead).toMatchObject({
        channel: "sms",
        recipient: "+8613912340000",
        status: "pending",
        next_attempt_at: Date.parse("2026-11-24T08:00:00+08:00"),
      });
    });

    it("does not revive a reminder of an appointment already past: it is cancelled with the reason, shown to admin", async () => {
      const booked = await bookAppointment(t.ctx, await t.staff("lobby"), {
        branchId: t.branchId,
        serviceId: t.service("CARD"),
        start: "2026-11-24T10:00:00+08:00",
        name: "Li Lei",
        phone: "13912345678",
      });
      // No channel configured: the confirmation and, once due, both reminders wait as undeliverable.
      await runner({}).tick();
      at("2026-11-24T10:30:00");
      await runner({}).tick();
      const mine = () =>
        t.ctx.store.db.selectFrom("outbox").selectAll().where("related_id", "=", booked.id).orderBy("kind").execute();
      expect((await mine()).map((m) => [m.kind, m.status])).toEqual([
        ["appointment.confirmed", "undeliverable"],
        ["appointment.reminder", "undeliverable"],
        ["appointment.reminder", "undeliverable"],
      ]);
      await runner().tick();
      const after = await mine();
      expect(after.map((m) => [m.kind, m.status])).toEqual([
        ["appointment.confirmed", "sent"],
        ["appointment.reminder", "cancelled"],
        ["appointment.reminder", "cancelled"],
      ]);
      expect(gateway.hits).toHaveLength(1);
      const { messages } = await listMessages(t.ctx, await t.staff("admin"), { status: "cancelled" });
      expect(messages.filter((m) => m.relatedId === booked.id).map((m) => m.lastError)).toEqual([
        expect.stringMatching(/^Obsolete: the appointment began at 2026-11-24T02:00:00.000Z/),
        expect.stringMatching(/^Obsolete: the appointment began/),
      ]);
    });
  });
});
