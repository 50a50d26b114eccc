/**
 * The appointment pages in a real browser, against a real server whose SMS gateway is an HTTP listener and whose
 * mail server is a real smtp-server, both on 127.0.0.1: a customer books on a phone with the code read from the
 * SMS, receives the e-mail with its .ics, manages the booking, checks in at the kiosk and is called at a counter
 * where the teller sees the form's answers; staff book for a caller and cancel with a reason; axe on the pages.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpSink, httpSink, type SmtpSink, smtpSink } from "../support/mail-sinks.ts";
import {
  apiCall,
  type BrowserSession,
  chooseOption,
  chromiumAvailable,
  listOf,
  login,
  openBrowserSession,
  setLanguage,
  shoot,
} from "./harness.ts";

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };
const KIOSK = { width: 1280, height: 1024 };
const CUSTOMER_PHONE = "13912345678";
const CUSTOMER_MAIL = "wang.fang@example.com";
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface Ref {
  readonly id: string;
  readonly prefix?: string;
  readonly code?: string;
  readonly requiredDocuments?: string[];
}

/** The SMS the gateway received for a number (the default template: {"to","text"}). */
function smsTo(sink: HttpSink, to: string): string[] {
  return sink.hits
    .map((h) => JSON.parse(h.body) as { to: string; text: string })
    .filter((m) => m.to === to)
    .map((m) => m.text);
}

/** axe-core's violations on the page as it is now (rule id and the first offending element). */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document);
    return (result.violations as Array<{ id: string; nodes: Array<{ target: string[] }> }>).map(
      (v) => `${v.id}: ${v.nodes[0]?.target.join(" ") ?? ""}`,
    );
  });
}

/**
 * Time passes: the server has no clock to set, so an appointment is moved to ten minutes from now in its database
 * (the way its day arrives), which puts it inside the check-in window.
 */
function moveToSoon(dbPath: string, appointmentId: string, fromNowMs = 10 * 60_000): void {
  const db = new Database(dbPath);
  try {
    const start = Date.now() + fromNowMs;
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(start);
    const moved = db
      .prepare("update appointments set start_at = ?, end_at = ?, day = ? where id = ?")
      .run(start, start + 15 * 60_000, day, appointmentId);
    expect(moved.changes).toBe(1);
  } finally {
    db.close();
  }
}

describe.skipIf(!chromiumAvailable())("booking an appointment on the phone, check-in and the counter", () => {
  let session: BrowserSession;
  let origin = "";
  let sms: HttpSink;
  let smtp: SmtpSink;
  let branchId = "";
  let cash: Ref;
  let admin: Page;

  beforeAll(async () => {
    sms = await httpSink();
    smtp = await smtpSink();
    // The server is a child process and inherits these: its outbox delivers to the two listeners.
    process.env.DATANG_SMS_HTTP_URL = sms.url;
    process.env.DATANG_SMTP_URL = smtp.url;
    process.env.DATANG_MAIL_FROM = "datang@bank.example";
    session = await openBrowserSession();
    origin = session.origin;
    admin = await session.page(DESK);
    await login(admin, origin, "admin", "/admin");
    // The first demo branch (the demo also seeds a second one, SH002).
    branchId =
      listOf<Ref & { code?: string }>((await apiCall(admin, "GET", "/api/branches")).body, "branches").find(
        (b) => b.code === "SH001",
      )?.id ?? "";
    const services = listOf<Ref>((await apiCall(admin, "GET", `/api/branches/${branchId}/services`)).body, "services");
    cash = services.find((s) => s.prefix === "A") as Ref;
    expect(cash).toBeDefined();
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await sms?.close();
    await smtp?.down();
    delete process.env.DATANG_SMS_HTTP_URL;
    delete process.env.DATANG_SMTP_URL;
    delete process.env.DATANG_MAIL_FROM;
  });

  it("the administrator gives a business type its form in the admin editor", async () => {
    await admin.getByRole("tab", { name: "预约表单" }).click();
    await chooseOption(admin, "form-editor-service", "现金存取");
    await admin.getByTestId("form-add-field").click();
    await admin.getByTestId("form-field-0-key").fill("amount");
    await chooseOption(admin, "form-field-0-type", "金额");
    await admin.getByTestId("form-field-0-labelZh").fill("取款金额（元）");
    await admin.getByTestId("form-field-0-labelEn").fill("Amount to withdraw (yuan)");
    await admin.getByTestId("form-field-0-required").check();
    await admin.getByLabel("中文说明").fill("五万元以上请提前一天预约");
    await admin.getByLabel("英文说明").fill("Over 50,000 yuan, book a day ahead");
    await admin.getByTestId("form-add-field").click();
    await admin.getByTestId("form-field-1-key").fill("purpose");
    await admin.getByTestId("form-field-1-labelZh").fill("用途");
    await admin.getByTestId("form-field-1-labelEn").fill("Purpose");
    await admin.getByTestId("form-save").click();
    await admin.getByText("表单已保存").waitFor();
    await shoot(admin, "admin-booking-form");
    const form = await apiCall<{ fields: Array<Record<string, unknown>> }>(
      admin,
      "GET",
      `/api/services/${cash.id}/booking-form`,
    );
    expect(form.body.fields).toEqual([
      {
        key: "amount",
        type: "amount",
        labelZh: "取款金额（元）",
        labelEn: "Amount to withdraw (yuan)",
        required: true,
        helpZh: "五万元以上请提前一天预约",
        helpEn: "Over 50,000 yuan, book a day ahead",
      },
      { key: "purpose", type: "text", labelZh: "用途", labelEn: "Purpose", required: false },
    ]);
  });

  it("books on a phone with the SMS code, gets the e-mail with the .ics, checks in at the kiosk and is called with the answers", async () => {
    const phone = await session.page(PHONE);
    await phone.goto(`${origin}/book`);
    // Two demo branches: the customer picks one. The business type tells its whole list of documents, once.
    await phone.getByTestId("book-branch").selectOption(branchId);
    await phone.getByTestId("book-service-CASH").click();
    const docs = phone.getByTestId("book-documents");
    for (const d of cash.requiredDocuments ?? []) await expect.poll(async () => docs.textContent()).toContain(d);
    expect(await phone.getByTestId("book-documents").count()).toBe(1);
    // Tomorrow is chosen; take its first free slot.
    const slot = phone.locator("[data-testid^=slot-]:not([disabled])").first();
    await slot.waitFor();
    const slotTime = ((await slot.getAttribute("data-testid")) ?? "").slice(5);
    await slot.click();
    await phone.getByTestId("field-amount").fill("60000");
    await phone.getByTestId("field-purpose").fill("学费 tuition");
    await expect.poll(async () => phone.getByText("五万元以上请提前一天预约").count()).toBe(1);
    await phone.getByTestId("book-name").fill("王芳");
    await phone.getByTestId("book-phone").fill(CUSTOMER_PHONE);
    await phone.getByTestId("book-send-code").click();
    await phone.getByTestId("book-code-sent").waitFor();
    // The code as the SMS gateway received it.
    await expect.poll(() => smsTo(sms, "+8613912345678").length, { timeout: 20_000 }).toBeGreaterThan(0);
    const otp = /\b(\d{6})\b/.exec(smsTo(sms, "+8613912345678")[0] ?? "")?.[1] ?? "";
    expect(otp).toMatch(/^\d{6}$/);
    // A wrong code is refused with a clear message and books nothing.
    await phone.getByTestId("book-otp").fill(otp === "000000" ? "111111" : "000000");
    await phone.getByTestId("book-email").fill(CUSTOMER_MAIL);
    await phone.getByTestId("book-submit").click();
    await phone.getByTestId("book-error").waitFor();
    expect(await phone.getByTestId("book-confirmation").count()).toBe(0);
    await phone.getByTestId("book-otp").fill(otp);
    await shoot(phone, "book-form", { fullPage: true });
    await phone.getByTestId("book-submit").click();
    await phone.getByTestId("book-confirmation").waitFor();
    const code = ((await phone.getByTestId("book-code").textContent()) ?? "").trim();
    expect(code).toMatch(/^[2-9A-Z]{8}$/);
    expect(await phone.getByTestId("book-when").textContent()).toContain(slotTime);
    expect(await phone.getByTestId("book-qr").getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    await shoot(phone, "book-confirmation", { fullPage: true });

    // The .ics download is the server's calendar file of this appointment.
    const icsHref = (await phone.getByTestId("book-ics").getAttribute("href")) ?? "";
    const ics = await phone.evaluate(async (href) => {
      const r = await fetch(href);
      return { type: r.headers.get("content-type"), text: await r.text() };
    }, icsHref);
    expect(ics.type).toContain("text/calendar");
    expect(ics.text).toContain("BEGIN:VEVENT");
    expect(ics.text).toContain(code);

    // The manage link is the server's manageUrl, pointing at /book/manage.
    const manageHref = (await phone.getByTestId("book-manage-link").getAttribute("href")) ?? "";
    expect(manageHref).toMatch(/^\/book\/manage\?id=[^&]+&token=[A-Za-z0-9_-]{43}$/);
    const appointmentId = new URL(manageHref, origin).searchParams.get("id") ?? "";

    // The confirmation e-mail, with the .ics attached.
    await expect.poll(() => smtp.mails.filter((m) => m.text?.includes(code)).length, { timeout: 30_000 }).toBe(1);
    const mail = smtp.mails.find((m) => m.text?.includes(code));
    const to = mail?.to;
    expect(JSON.stringify(to)).toContain(CUSTOMER_MAIL);
    const attachment = mail?.attachments.find((a) => a.filename === "appointment.ics");
    expect(attachment, JSON.stringify(mail?.attachments.map((a) => [a.filename, a.contentType]))).toBeDefined();
    expect(attachment?.contentType).toContain("calendar");
    const attached = attachment?.content.toString("utf8") ?? "";
    expect(attached).toContain("BEGIN:VCALENDAR");
    expect(attached).toContain(`DTSTART`);
    expect(attached).toContain(code);

    // The manage page: the appointment; a wrong token shows a clear error and nothing else.
    await phone.goto(`${origin}${manageHref}`);
    await expect.poll(async () => phone.getByTestId("manage-code").textContent()).toBe(code);
    expect(await phone.getByTestId("manage-status").getAttribute("data-status")).toBe("booked");
    await shoot(phone, "book-manage", { fullPage: true });
    const bad = await session.page(PHONE);
    await bad.goto(`${origin}/book/manage?id=${appointmentId}&token=${"x".repeat(43)}`);
    await bad.getByTestId("manage-bad-link").waitFor();
    expect(await bad.getByTestId("manage-code").count()).toBe(0);

    // Reschedule from the phone to the day after tomorrow's first free slot.
    await phone.getByTestId("manage-reschedule").click();
    const days = phone.locator("[data-testid=book-days] button");
    await days.nth(2).click();
    const later = phone.locator("[data-testid^=slot-]:not([disabled])").first();
    await later.waitFor();
    await later.click();
    await phone.getByTestId("manage-reschedule-confirm").click();
    await phone.getByTestId("manage-notice").waitFor();
    const moved = await apiCall<{ start: string }>(admin, "GET", `/api/branches/${branchId}/appointments?q=${code}`);
    const movedStart = listOf<{ start: string }>(moved.body, "appointments")[0]?.start ?? "";
    expect(await phone.getByTestId("manage-when").textContent()).toContain(movedStart.slice(11, 16));

    // At the kiosk, two days early: too early, come back at the time the window opens.
    const kiosk = await session.page(KIOSK);
    await kiosk.goto(`${origin}/kiosk?pair=${session.server.tokens.kiosk}`);
    await kiosk.getByTestId("kiosk-check-in-entry").click();
    await kiosk.getByTestId("check-in-code").fill(code.toLowerCase());
    await kiosk.getByTestId("check-in-submit").click();
    await kiosk.getByTestId("check-in-too-early").waitFor();
    // The window opens 30 minutes (the default) before the appointment, on the branch's clock.
    const [h = 0, m = 0] = movedStart.slice(11, 16).split(":").map(Number);
    const opensAt = h * 60 + m - 30;
    const pad = (n: number) => String(n).padStart(2, "0");
    expect(await kiosk.getByTestId("check-in-too-early").textContent()).toContain(
      `${pad(Math.floor(opensAt / 60))}:${pad(opensAt % 60)}`,
    );
    await shoot(kiosk, "kiosk-check-in-too-early");
    await kiosk.getByTestId("check-in-done").click();

    // Time passes (see moveToSoon).
    moveToSoon(session.server.dbPath, appointmentId);

    await kiosk.getByTestId("kiosk-check-in-entry").click();
    await kiosk.getByTestId("check-in-code").fill(code);
    await kiosk.getByTestId("check-in-submit").click();
    await kiosk.getByTestId("check-in-ticket").waitFor();
    const number = ((await kiosk.getByTestId("check-in-number").textContent()) ?? "").trim();
    expect(number).toMatch(/^A\d{3}$/);
    expect(await kiosk.getByTestId("check-in-late").count()).toBe(0);
    await kiosk.getByTestId("check-in-qr").waitFor();
    expect(await kiosk.getByTestId("check-in-qr").getAttribute("data-link")).toMatch(/\/t\/[^/]+$/);
    await shoot(kiosk, "kiosk-check-in-ticket");

    // The teller calls it and sees what the customer filled in, and the documents to check.
    const counter = await session.page(DESK);
    await login(counter, origin, "teller1", "/counter");
    await chooseOption(counter, "counter-select", "1号窗口");
    await counter.getByTestId("sign-in").click();
    await counter.getByTestId("sign-out").waitFor();
    await counter.waitForSelector("[data-testid=act-callNext]:not([disabled])");
    await counter.getByTestId("act-callNext").click();
    await expect.poll(async () => counter.getByTestId("current-number").textContent()).toBe(number);
    const answers = counter.getByTestId("ticket-answers");
    await answers.waitFor();
    expect(await counter.getByTestId("answer-amount").textContent()).toMatch(/60,000\.00/);
    expect(await counter.getByTestId("answer-purpose").textContent()).toBe("学费 tuition");
    // The documents checklist is the counter page's own, beside the answers.
    const card = (await counter.getByTestId("current-card").textContent()) ?? "";
    for (const d of cash.requiredDocuments ?? []) expect(card).toContain(d);
    await shoot(counter, "counter-appointment-answers");

    // The phone's manage page now says checked in.
    await phone.reload();
    await expect.poll(async () => phone.getByTestId("manage-status").getAttribute("data-status")).toBe("checked_in");
  });

  it("a late arrival at the kiosk: check-in closed, and a walk-in ticket on the customer's tap", async () => {
    const lobby = await session.page(DESK);
    await login(lobby, origin, "lobby", "/");
    const tomorrow = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(Date.now() + 86_400_000);
    const slots = await apiCall<{ slots: Array<{ start: string; free: number }> }>(
      lobby,
      "GET",
      `/api/branches/${branchId}/appointment-slots?serviceId=${cash.id}&date=${tomorrow}`,
    );
    const pick = [...slots.body.slots].reverse().find((s) => s.free > 0)?.start ?? "";
    const late = await apiCall<{ id: string; code: string }>(lobby, "POST", `/api/branches/${branchId}/appointments`, {
      serviceId: cash.id,
      start: pick,
      name: "王五",
      phone: "13600006666",
      answers: { amount: 800 },
    });
    expect(late.status).toBe(201);
    // Its time was 40 minutes ago: the check-in window (15 minutes late by default) has closed.
    moveToSoon(session.server.dbPath, late.body.id, -40 * 60_000);
    const kiosk = await session.page(KIOSK);
    await kiosk.goto(`${origin}/kiosk?pair=${session.server.tokens.kiosk}`);
    await kiosk.getByTestId("kiosk-check-in-entry").click();
    await kiosk.getByTestId("check-in-code").fill(late.body.code);
    await kiosk.getByTestId("check-in-submit").click();
    await kiosk.getByTestId("check-in-too-late").waitFor();
    expect(await kiosk.getByTestId("check-in-too-late").textContent()).toContain("截止签到");
    // Nothing issued yet: the appointment is still booked.
    const before = await apiCall(lobby, "GET", `/api/branches/${branchId}/appointments?q=${late.body.code}`);
    expect(listOf<{ status: string }>(before.body, "appointments")[0]?.status).toBe("booked");
    expect(await axeViolations(kiosk)).toEqual([]);
    await kiosk.getByTestId("check-in-walk-in").click();
    await kiosk.getByTestId("check-in-ticket").waitFor();
    expect(((await kiosk.getByTestId("check-in-number").textContent()) ?? "").trim()).toMatch(/^A\d{3}$/);
    await kiosk.getByTestId("check-in-late").waitFor();
    const after = await apiCall(lobby, "GET", `/api/branches/${branchId}/appointments?q=${late.body.code}`);
    const row = listOf<{ status: string; ticketId: string | null }>(after.body, "appointments")[0];
    expect(row?.status).toBe("no_show");
    expect(row?.ticketId).not.toBeNull();
  });

  it("staff book for a caller without a code and cancel with a reason the customer is told", async () => {
    const lobby = await session.page(DESK);
    await login(lobby, origin, "lobby", "/");
    await lobby.getByTestId("home-appointments").click();
    await lobby.waitForURL(`${origin}/appointments`);
    await lobby.getByTestId("appointments-book").click();
    await chooseOption(lobby, "book-caller-service", "现金存取");
    const tomorrow = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(Date.now() + 86_400_000);
    await lobby.getByTestId("book-caller-day").fill(tomorrow);
    const slots = await apiCall<{ slots: Array<{ start: string; free: number }> }>(
      lobby,
      "GET",
      `/api/branches/${branchId}/appointment-slots?serviceId=${cash.id}&date=${tomorrow}`,
    );
    const pick = slots.body.slots.find((s) => s.free > 0)?.start ?? "";
    expect(pick).not.toBe("");
    await chooseOption(lobby, "book-caller-slot", pick.slice(11, 16));
    // The business type's form, as the caller answers it on the phone (the amount is required).
    await lobby.getByTestId("caller-field-amount").fill("2000");
    await lobby.getByTestId("book-caller-name").fill("李雷");
    await lobby.getByTestId("book-caller-phone").fill("13700001111");
    await lobby.getByTestId("book-caller-ok").click();
    await lobby.getByText(/已预约，预约码/).waitFor();
    const found = await apiCall(lobby, "GET", `/api/branches/${branchId}/appointments?q=${encodeURIComponent("李雷")}`);
    const booked = listOf<{ id: string; code: string; channel: string; start: string }>(found.body, "appointments");
    expect(booked).toHaveLength(1);
    expect(booked[0]?.start).toBe(pick);
    expect(booked[0]?.channel).toBe("staff");
    const code = booked[0]?.code ?? "";

    // Find it by phone on the page, cancel with a reason.
    await lobby.getByTestId("appointments-search").locator("input").fill("13700001111");
    await lobby.getByTestId("appointments-search").locator("input").press("Enter");
    await lobby.getByTestId(`cancel-${code}`).click();
    await lobby.getByTestId("cancel-reason").fill("网点临时停电 power cut");
    await shoot(lobby, "appointments-cancel");
    await lobby.getByTestId("cancel-ok").click();
    await expect.poll(async () => lobby.getByTestId(`status-${code}`).textContent()).toBe("已取消");
    expect(await lobby.getByTestId("appointments-table").textContent()).toContain("网点临时停电 power cut");
    await shoot(lobby, "appointments");
    // The customer is told by SMS, with the reason.
    await expect
      .poll(() => smsTo(sms, "+8613700001111").some((text) => text.includes("网点临时停电")), { timeout: 30_000 })
      .toBe(true);
    // The branch must close tomorrow morning: every appointment in the range is cancelled and its customer told.
    const caller = await apiCall<{ code: string }>(lobby, "POST", `/api/branches/${branchId}/appointments`, {
      serviceId: cash.id,
      start: pick,
      name: "韩梅梅",
      phone: "13500003333",
      answers: { amount: 500 },
    });
    expect(caller.status).toBe(201);
    await lobby.getByTestId("appointments-cancel-range").click();
    const dialog = lobby.locator(".ant-modal:visible");
    await dialog.getByLabel("日期").fill(tomorrow);
    await lobby.getByTestId("range-from").fill("00:00");
    await lobby.getByTestId("range-to").fill("12:00");
    await lobby.getByTestId("range-reason").fill("消防检查 fire inspection");
    await lobby.getByTestId("range-ok").click();
    await lobby.getByText("已取消 1 个预约，客户均已通知").waitFor();
    await expect
      .poll(() => smsTo(sms, "+8613500003333").some((text) => text.includes("消防检查")), { timeout: 30_000 })
      .toBe(true);
    const range = await apiCall(admin, "GET", "/api/audit?action=appointment.cancel_range");
    expect(JSON.stringify(range.body)).toContain("消防检查 fire inspection");

    const trail = await apiCall(admin, "GET", `/api/audit?action=appointment.cancel&entityId=${booked[0]?.id}`);
    expect(trail.status).toBe(200);
    expect(JSON.stringify(trail.body)).toContain("网点临时停电 power cut");
  });

  it("has no axe violations on /book and /book/manage in Chinese and English; the customer checks in from the phone", async () => {
    const phone = await session.page(PHONE);
    // A booking of its own for the manage page, made through the public API with the code from the SMS.
    await phone.goto(`${origin}/book`);
    expect((await apiCall(phone, "POST", "/api/public/otp", { phone: "13600002222" })).status).toBe(202);
    await expect.poll(() => smsTo(sms, "+8613600002222").length, { timeout: 20_000 }).toBe(1);
    const otp = /\b(\d{6})\b/.exec(smsTo(sms, "+8613600002222")[0] ?? "")?.[1] ?? "";
    const tomorrow = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(Date.now() + 86_400_000);
    const slots = await apiCall<{ slots: Array<{ start: string; free: number }> }>(
      phone,
      "GET",
      `/api/public/branches/${branchId}/slots?serviceId=${cash.id}&date=${tomorrow}`,
    );
    const start = slots.body.slots.find((s) => s.free > 0)?.start ?? "";
    const booked = await apiCall<{ manageUrl: string }>(phone, "POST", "/api/public/appointments", {
      branchId,
      serviceId: cash.id,
      start,
      name: "Axe Tester",
      phone: "13600002222",
      otp,
      answers: { amount: 100 },
    });
    expect(booked.status).toBe(201);
    const found: Record<string, string[]> = {};
    for (const lang of ["zh-CN", "en"] as const) {
      await phone.goto(`${origin}/book`);
      await setLanguage(phone, lang);
      await phone.getByTestId("book-branch").selectOption(branchId);
      await phone.getByTestId("book-service-CASH").click();
      await phone.locator("[data-testid^=slot-]:not([disabled])").first().click();
      // Phone first: nothing wider than the phone's screen (no sideways scrolling of the page).
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      found[`book-${lang}`] = await axeViolations(phone);
      await shoot(phone, "book-slots");
      await phone.goto(`${origin}${booked.body.manageUrl}`);
      await phone.getByTestId("manage-reschedule").click();
      await phone.locator("[data-testid^=slot-]").first().waitFor();
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      found[`manage-${lang}`] = await axeViolations(phone);
      await shoot(phone, "book-manage-reschedule", { fullPage: true });
      await phone.goto(`${origin}/book/manage?id=nope&token=${"y".repeat(43)}`);
      await phone.getByTestId("manage-bad-link").waitFor();
      found[`bad-link-${lang}`] = await axeViolations(phone);
    }
    // When the day comes, the customer checks in from the phone and follows the ticket.
    moveToSoon(session.server.dbPath, new URL(booked.body.manageUrl, origin).searchParams.get("id") ?? "");
    await phone.goto(`${origin}${booked.body.manageUrl}`);
    await phone.getByTestId("manage-check-in").click();
    await phone.getByTestId("manage-notice").waitFor();
    expect(await phone.getByTestId("manage-notice").textContent()).toMatch(/A\d{3}/);
    await expect.poll(async () => phone.getByTestId("manage-status").getAttribute("data-status")).toBe("checked_in");
    await shoot(phone, "book-manage-checked-in");
    await phone.getByTestId("manage-follow").click();
    await phone.waitForURL(/\/t\//);
    expect(found).toEqual({
      "book-zh-CN": [],
      "manage-zh-CN": [],
      "bad-link-zh-CN": [],
      "book-en": [],
      "manage-en": [],
      "bad-link-en": [],
    });
  });
});
