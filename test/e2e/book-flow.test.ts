/**
 * The customer's side of issue 13 in a real browser on a phone, against a real server whose SMS gateway is an HTTP
 * listener: on /book the chosen time is held with a countdown, given back when another is chosen, and booked with
 * the hold, the consents ticked leaving rows in the customer's consent ledger; a hold that runs out and a time
 * taken meanwhile are told in words (zh and en) with fresh times; a full time offers the waitlist, joined with the
 * SMS code; the live ticket page's "remind me when my turn is near" records the alert. axe-core (WCAG 2.1 A/AA) on
 * each state in both languages, no sideways scrolling.
 */
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpSink, httpSink } from "../support/mail-sinks.ts";
import { type AxeViolation, axeViolations } from "./axe.ts";
import {
  apiCall,
  type BrowserSession,
  chromiumAvailable,
  listOf,
  login,
  openBrowserSession,
  shoot,
} from "./harness.ts";

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1440, height: 900 };

interface Ref {
  readonly id: string;
  readonly code?: string;
  readonly prefix?: string;
}

describe.skipIf(!chromiumAvailable())("booking with a hold, consents and the waitlist; the near-turn reminder", () => {
  let session: BrowserSession;
  let origin = "";
  let sms: HttpSink;
  let staff: Page;
  let branchId = "";
  let services: Ref[] = [];
  const svc = (code: string) => services.find((s) => s.code === code)?.id ?? "";

  const tomorrow = () =>
    new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(Date.now() + 86_400_000);
  const at = (hhmm: string) => Date.parse(`${tomorrow()}T${hhmm}:00+08:00`);
  const rows = <T>(query: string, ...args: unknown[]): T[] => {
    const db = new Database(session.server.dbPath, { readonly: true });
    try {
      return db.prepare(query).all(...args) as T[];
    } finally {
      db.close();
    }
  };
  const holds = (serviceId: string) =>
    rows<{ start_at: number }>("select start_at from slot_holds where service_id = ? order by start_at", serviceId).map(
      (r) => r.start_at,
    );
  const codeFrom = async (phone: string): Promise<string> => {
    const to = `+86${phone}`;
    const texts = () =>
      sms.hits.map((h) => JSON.parse(h.body) as { to: string; text: string }).filter((m) => m.to === to);
    await expect.poll(() => texts().length, { timeout: 30_000 }).toBeGreaterThan(0);
    return /\b(\d{6})\b/.exec(texts().at(-1)?.text ?? "")?.[1] ?? "";
  };
  /** axe in the page's language, then in the other through its own switch (no reload: the page keeps its state). */
  const axeBoth = async (page: Page, name: string, found: Record<string, AxeViolation[]>) => {
    const lang = () => page.evaluate(() => document.documentElement.lang);
    for (let i = 0; i < 2; i++) {
      const now = await lang();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      found[`${name}-${now}`] = await axeViolations(page);
      await shoot(page, name, { fullPage: true });
      await page.getByTestId("lang-switch").first().click();
      await expect.poll(lang).not.toBe(now);
    }
  };
  const openBook = async (page: Page, code: string) => {
    await page.goto(`${origin}/book`);
    await page.getByTestId("book-branch").selectOption(branchId);
    await page.getByTestId(`book-service-${code}`).click();
    await page.locator("[data-testid^=slot-]").first().waitFor();
  };
  const freeSlots = async (page: Page) => {
    const ids = await page
      .locator("[data-testid^=slot-]:not([disabled])")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-testid") ?? ""));
    return ids.map((id) => id.slice(5));
  };

  beforeAll(async () => {
    sms = await httpSink();
    process.env.DATANG_SMS_HTTP_URL = sms.url;
    session = await openBrowserSession();
    origin = session.origin;
    staff = await session.page(DESK);
    await login(staff, origin, "manager", "/appointments");
    branchId =
      listOf<Ref>((await apiCall(staff, "GET", "/api/branches")).body, "branches").find((b) => b.code === "SH001")
        ?.id ?? "";
    services = listOf<Ref>((await apiCall(staff, "GET", `/api/branches/${branchId}/services`)).body, "services");
    // WEALTH: one place a slot, with a waitlist.
    const rules = await staff.evaluate(
      async (path) =>
        (
          await fetch(path, {
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ share: 0.5, waitlist: true }),
          })
        ).status,
      `/api/services/${svc("WEALTH")}/booking-rules`,
    );
    expect(rules).toBe(200);
  }, 300_000);

  afterAll(async () => {
    await session?.close();
    await sms?.close();
    delete process.env.DATANG_SMS_HTTP_URL;
  });

  it("holds the chosen time with a countdown, gives it back for another, books with it and records the consents", async () => {
    const phone = await session.page(PHONE);
    await openBook(phone, "CASH");
    const [first, second] = await freeSlots(phone);
    expect(second).toBeDefined();
    await phone.getByTestId(`slot-${first}`).click();
    await phone.getByTestId("book-hold").waitFor();
    expect(await phone.getByTestId("book-hold").textContent()).toMatch(/请在 (10:00|9:5\d) 内完成预约/);
    await expect.poll(() => holds(svc("CASH"))).toEqual([at(first as string)]);
    // Another time: the first is given back, the second held.
    await phone.getByTestId(`slot-${second}`).click();
    await expect.poll(() => holds(svc("CASH"))).toEqual([at(second as string)]);
    expect(await phone.getByTestId(`slot-${second}`).textContent()).toContain("为您保留");

    await phone.getByTestId("book-name").fill("李娜");
    await phone.getByTestId("book-phone").fill("13911112222");
    await phone.getByTestId("book-send-code").click();
    const otp = await codeFrom("13911112222");
    await phone.getByTestId("book-otp").fill(otp);
    // Nothing is agreed to for the customer: both boxes start empty; they tick reminders only.
    expect(await phone.getByTestId("book-consent-service").isChecked()).toBe(false);
    expect(await phone.getByTestId("book-consent-marketing").isChecked()).toBe(false);
    await phone.getByTestId("book-consent-service").check();
    const found: Record<string, AxeViolation[]> = {};
    await axeBoth(phone, "book-hold-consent", found);
    expect(await phone.getByTestId("book-hold-bottom").textContent()).toMatch(/\d:\d\d/);
    await phone.getByTestId("book-submit").click();
    await phone.getByTestId("book-confirmation").waitFor();
    expect(await phone.getByTestId("book-when").textContent()).toContain(second);

    // The hold became the booking; the consent ledger has the customer's two answers from the web page.
    expect(holds(svc("CASH"))).toEqual([]);
    const booked = rows<{ start_at: number; customer_id: string }>(
      "select start_at, customer_id from appointments where customer_phone = ?",
      "+8613911112222",
    );
    expect(booked.map((b) => b.start_at)).toEqual([at(second as string)]);
    const consents = rows<{ purpose: string; granted: number; channel: string; text_version: string; covers: string }>(
      "select purpose, granted, channel, text_version, covers from customer_consents where customer_id = ? order by id",
      booked[0]?.customer_id,
    );
    expect(consents).toEqual([
      { purpose: "service", granted: 1, channel: "web", text_version: "book-2026-12b", covers: "sms,email" },
      { purpose: "marketing", granted: 0, channel: "web", text_version: "book-2026-12b", covers: "sms,email,call" },
    ]);
    expect(Object.values(found).flat()).toEqual([]);
  });

  it("a hold that runs out is told in words and the time is given back; fresh times are shown; leaving gives it back", async () => {
    const phone = await session.page(PHONE);
    await phone.clock.install();
    await openBook(phone, "CASH");
    const [slot] = await freeSlots(phone);
    await phone.getByTestId(`slot-${slot}`).click();
    await phone.getByTestId("book-hold").waitFor();
    await expect.poll(() => holds(svc("CASH"))).toContain(at(slot as string));
    await phone.clock.fastForward("10:05");
    await phone.getByTestId("book-hold-lost").waitFor();
    expect(await phone.getByTestId("book-hold-lost").textContent()).toContain("保留时间已到");
    expect(await phone.getByTestId(`slot-${slot}`).getAttribute("aria-pressed")).toBe("false");
    await expect.poll(() => holds(svc("CASH"))).not.toContain(at(slot as string));
    // The fresh times show it free again (given back before they were asked for).
    await expect.poll(() => phone.getByTestId(`slot-${slot}`).isDisabled()).toBe(false);
    const found: Record<string, AxeViolation[]> = {};
    await axeBoth(phone, "book-hold-expired", found);
    expect(await phone.getByTestId("book-hold-lost").textContent()).toContain("保留时间已到");
    await phone.getByTestId("lang-switch").first().click();
    await expect.poll(() => phone.getByTestId("book-hold-lost").textContent()).toContain("The hold has run out");
    expect(Object.values(found).flat()).toEqual([]);
    // Held again, then the customer leaves the page: the place is given back.
    await phone.getByTestId(`slot-${slot}`).click();
    await phone.getByTestId("book-hold").waitFor();
    await expect.poll(() => holds(svc("CASH"))).toContain(at(slot as string));
    await phone.goto(`${origin}/`);
    await expect.poll(() => holds(svc("CASH"))).not.toContain(at(slot as string));
  });

  it("a time taken before it could be held is told in words, with the times asked for afresh", async () => {
    const phone = await session.page(PHONE);
    await phone.clock.install();
    await openBook(phone, "WEALTH");
    const free = await freeSlots(phone);
    const target = free.find((s) => s !== "10:00") as string;
    // The page's list is as it was (its refresh does not come while the clock stands); someone else books it.
    await phone.clock.pauseAt(Date.now() + 2_000);
    const other = await apiCall(staff, "POST", `/api/branches/${branchId}/appointments`, {
      serviceId: svc("WEALTH"),
      start: new Date(at(target)).toISOString(),
      name: "电话预约",
      phone: "13700005555",
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    await phone.getByTestId(`slot-${target}`).click();
    await phone.getByTestId("book-hold-lost").waitFor();
    expect(await phone.getByTestId("book-hold-lost").textContent()).toContain("刚刚已被约满");
    // The fresh list shows it full; no raw error anywhere.
    await expect.poll(() => phone.getByTestId(`slot-${target}`).isDisabled()).toBe(true);
    expect(await phone.getByTestId("book-error").count()).toBe(0);
    expect(holds(svc("WEALTH"))).toEqual([]);
    await phone.getByTestId("lang-switch").first().click();
    await expect.poll(() => phone.getByTestId("book-hold-lost").textContent()).toContain("just fully booked");
    await shoot(phone, "book-hold-taken", { fullPage: true });
  });

  it("a full time offers the waitlist; the customer joins it with the SMS code", async () => {
    const booked = await apiCall(staff, "POST", `/api/branches/${branchId}/appointments`, {
      serviceId: svc("WEALTH"),
      start: `${tomorrow()}T10:00:00.000+08:00`,
      name: "占位客户",
      phone: "13700001111",
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const phone = await session.page(PHONE);
    await openBook(phone, "WEALTH");
    expect(await phone.getByTestId("slot-10:00").isDisabled()).toBe(true);
    await phone.getByTestId("book-waitlist-open").click();
    await phone.getByTestId("book-waitlist").waitFor();
    const ranges = await phone
      .getByTestId("book-waitlist-range")
      .locator("option")
      .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    const ten = ranges.find((v) => v.startsWith("10:00|")) as string;
    expect(ten).toBeDefined();
    await phone.getByTestId("book-waitlist-range").selectOption(ten);
    await phone.getByTestId("book-name").fill("候补客户");
    await phone.getByTestId("book-phone").fill("13922223333");
    await phone.getByTestId("book-send-code").click();
    await phone.getByTestId("book-otp").fill(await codeFrom("13922223333"));
    // The same consents as a booking, neither ticked for the customer; this one agrees to marketing only.
    expect(await phone.getByTestId("book-consent-service").isChecked()).toBe(false);
    expect(await phone.getByTestId("book-consent-marketing").isChecked()).toBe(false);
    expect(await phone.getByTestId("book-consent").textContent()).toContain("候补通知无论如何都会发送");
    await phone.getByTestId("book-consent-marketing").check();
    const found: Record<string, AxeViolation[]> = {};
    await axeBoth(phone, "book-waitlist", found);
    await phone.getByTestId("book-waitlist-submit").click();
    await phone.getByTestId("book-waitlist-joined").waitFor();
    expect(await phone.getByTestId("book-waitlist-joined").textContent()).toContain("第 1 位");
    await axeBoth(phone, "book-waitlist-joined", found);
    const waiting = rows<{ status: string; day: string; from_at: number | null }>(
      "select status, day, from_at from appointment_waitlist where customer_phone = ?",
      "+8613922223333",
    );
    expect(waiting).toEqual([{ status: "waiting", day: tomorrow(), from_at: at("10:00") }]);
    const consents = rows<{ purpose: string; granted: number; channel: string; text_version: string; covers: string }>(
      "select c.purpose, c.granted, c.channel, c.text_version, c.covers from customer_consents c join customers u on u.id = c.customer_id where u.phone_e164 = ? order by c.id",
      "+8613922223333",
    );
    expect(consents).toEqual([
      { purpose: "service", granted: 0, channel: "web", text_version: "book-2026-12b", covers: "sms,email" },
      { purpose: "marketing", granted: 1, channel: "web", text_version: "book-2026-12b", covers: "sms,email,call" },
    ]);
    expect(Object.values(found).flat()).toEqual([]);
  });

  it("the live ticket page asks for the phone and sets the near-turn reminder; a bad number is told in words", async () => {
    const kiosk = await session.page({ width: 1080, height: 1920 });
    await kiosk.goto(`${origin}/kiosk?pair=${session.server.tokens.kiosk}`);
    await kiosk.getByTestId("service-A").waitFor();
    const cash = services.find((s) => s.prefix === "A")?.id;
    const take = async () =>
      (await apiCall<{ id: string }>(kiosk, "POST", `/api/branches/${branchId}/tickets`, { serviceId: cash })).body.id;
    for (let i = 0; i < 5; i++) await take();
    const ticketId = await take();
    const phone = await session.page(PHONE);
    await phone.goto(`${origin}/t/${ticketId}`);
    await phone.getByTestId("near-alert-open").click();
    await phone.getByTestId("near-alert-phone").fill("123");
    await phone.getByTestId("near-alert-submit").click();
    await phone.getByTestId("near-alert-error").waitFor();
    expect(await phone.getByTestId("near-alert-error").textContent()).toContain("手机号码无效，请检查");
    const found: Record<string, AxeViolation[]> = {};
    await axeBoth(phone, "live-near-alert", found);
    await phone.getByTestId("lang-switch").first().click();
    await expect.poll(() => phone.getByTestId("near-alert-error").textContent()).toContain("not a valid mobile number");
    await phone.getByTestId("lang-switch").first().click();
    await expect.poll(() => phone.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    await phone.getByTestId("near-alert-phone").fill("13933334444");
    await phone.getByTestId("near-alert-submit").click();
    await phone.getByTestId("near-alert-done").waitFor();
    expect(await phone.getByTestId("near-alert-done").textContent()).toContain("13933334444");
    await axeBoth(phone, "live-near-alert-done", found);
    const alerts = rows<{ channel: string; recipient: string; ahead: number }>(
      "select channel, recipient, ahead from ticket_alerts where ticket_id = ?",
      ticketId,
    );
    expect(alerts).toEqual([{ channel: "sms", recipient: "+8613933334444", ahead: 3 }]);
    expect(Object.values(found).flat()).toEqual([]);
  });
});
